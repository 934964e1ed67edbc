"""The shop's catalogue: items a typed or scanned code adds to an invoice as a line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from app.i18n import _
from app.domain.currency import get_currency
from app.domain.errors import NotFoundError, ValidationError
from app.domain.records import Page
from app.domain.tax import format_rate, parse_rate
from app.domain.validation import Problems, check_amount, clean_text
from app.store.models import Item

from .audit import record_history
from .context import Context
from .customers import escape_like

KEEP_RATE = "keep"
MAX_CODE = 64
MAX_NAME = 200
MAX_CATEGORY = 60
MAX_FAVOURITES = 200  # the counter's grid shows at most this many buttons


@dataclass(frozen=True)
class ItemInput:
    code: str
    name: str
    unit_amount: int  # the currency's smallest unit
    currency: str = "IDR"
    active: bool = True
    # Percent as typed ("11", "1.1", "0"); None: the shop's rate; KEEP_RATE (the
    # default): as it is (none for a new item), so a form that shows no rate keeps it.
    tax_rate: str | int | None = "keep"
    # The counter's grid (issue 14); None: as it is (no favourite, no category when new).
    favourite: bool | None = None
    category: str | None = None


@dataclass(frozen=True)
class ItemRecord:
    id: int
    code: str
    name: str
    unit_amount: int
    currency: str
    active: bool
    created_at: datetime
    updated_at: datetime
    tax_rate: int | None = None  # hundredths of a percent; None: the shop's rate
    favourite: bool = False
    category: str = ""

    def to_json(self) -> dict:
        return {"id": self.id, "code": self.code, "name": self.name,
                "unitAmount": self.unit_amount, "currency": self.currency,
                "active": self.active,
                "taxRate": None if self.tax_rate is None else format_rate(self.tax_rate),
                "favourite": self.favourite, "category": self.category}


def _record(i: Item) -> ItemRecord:
    return ItemRecord(i.id, i.code, i.name, i.unit_amount, i.currency, bool(i.active),
                      i.created_at, i.updated_at, i.tax_rate, bool(i.favourite),
                      i.category or "")


def _snapshot(i: Item) -> dict:
    snap = {"code": i.code, "name": i.name, "unitAmount": i.unit_amount,
            "currency": i.currency, "active": bool(i.active)}
    if i.tax_rate is not None:
        snap["taxRate"] = i.tax_rate
    if i.favourite:
        snap["favourite"] = True
    if i.category:
        snap["category"] = i.category
    return snap


def normalize_code(code) -> str:
    """Codes compare without surrounding spaces and case (scanners vary)."""
    return code.strip().upper() if isinstance(code, str) else ""


def validate_item(data: ItemInput) -> ItemInput:
    p = Problems()
    code = clean_text(data.code, "code", _("Code"), MAX_CODE, p).upper()
    if not code:
        p.add("code", _("Enter the item's code or barcode."))
    elif any(c.isspace() for c in code):
        p.add("code", _("A code cannot contain spaces."))
    name = clean_text(data.name, "name", _("Name"), MAX_NAME, p)
    if not name:
        p.add("name", _("Enter the item's name: it becomes the line's description."))
    currency = data.currency
    try:
        currency = get_currency(data.currency).code
    except ValidationError as exc:
        p.add("currency", exc.message)
    check_amount(data.unit_amount, "unit_amount", _("Unit price"), p)
    if not isinstance(data.active, bool):
        p.add("active", _("Active must be yes or no."))
    rate = data.tax_rate if data.tax_rate == KEEP_RATE else None
    if data.tax_rate not in (None, "", KEEP_RATE):
        try:
            rate = parse_rate(data.tax_rate)
        except ValidationError as exc:
            p.add("tax_rate", exc.message)
    if data.favourite is not None and not isinstance(data.favourite, bool):
        p.add("favourite", _("Favourite must be yes or no."))
    category = data.category
    if category is not None:
        category = clean_text(category, "category", _("Category"), MAX_CATEGORY, p)
    p.raise_if_any()
    return ItemInput(code, name, data.unit_amount, currency, data.active, rate,
                     data.favourite, category)


def _load(session, item_id) -> Item:
    try:
        iid = int(item_id)
    except (TypeError, ValueError):
        iid = None
    item = session.get(Item, iid) if iid is not None else None
    if item is None:
        raise NotFoundError(_("There is no item with id {item_id}.", item_id=item_id), field="id")
    return item


def _check_code_free(session, code: str, own_id: int | None = None) -> None:
    other = session.execute(select(Item.id).where(Item.code == code)).scalar()
    if other is not None and other != own_id:
        raise ValidationError(_("The code {code} is already used by another item.", code=code), field="code")


def add_item(ctx: Context, data: ItemInput) -> ItemRecord:
    data = validate_item(data)
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        _check_code_free(s, data.code)
        now = ctx.now()
        item = Item(code=data.code, name=data.name, unit_amount=data.unit_amount,
                    currency=data.currency, active=data.active,
                    tax_rate=None if data.tax_rate == KEEP_RATE else data.tax_rate,
                    favourite=bool(data.favourite), category=data.category or "",
                    created_at=now, updated_at=now)
        s.add(item)
        s.flush()
        record_history(s, ctx, "item", item.id, "create", None, _snapshot(item))
        rec = _record(item)
        uow.commit()
    return rec


def edit_item(ctx: Context, item_id, data: ItemInput) -> ItemRecord:
    data = validate_item(data)
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        item = _load(s, item_id)
        _check_code_free(s, data.code, item.id)
        before = _snapshot(item)
        item.code, item.name, item.unit_amount, item.currency, item.active = (
            data.code, data.name, data.unit_amount, data.currency, data.active)
        if data.tax_rate != KEEP_RATE:
            item.tax_rate = data.tax_rate
        if data.favourite is not None:
            item.favourite = data.favourite
        if data.category is not None:
            item.category = data.category
        after = _snapshot(item)
        if after != before:
            item.updated_at = ctx.now()
            s.flush()
            record_history(s, ctx, "item", item.id, "edit", before, after)
        rec = _record(item)
        uow.commit()
    return rec


def get_item(ctx: Context, item_id) -> ItemRecord:
    with ctx.store.reader() as uow:
        return _record(_load(uow.session, item_id))


def find_by_code(ctx: Context, code: str, *, currency: str | None = None) -> ItemRecord | None:
    """The active item with this code, or None. With `currency`, a price in
    another currency is refused: one invoice has one currency."""
    key = normalize_code(code)
    if not key:
        return None
    with ctx.store.reader() as uow:
        item = uow.session.execute(
            select(Item).where(Item.code == key, Item.active.is_(True))).scalar()
        rec = _record(item) if item is not None else None
    if rec is not None and currency and rec.currency != currency.upper():
        raise ValidationError(
            _("{name} is priced in {currency}, but this invoice is in {invoice_currency}.",
              name=rec.name, currency=rec.currency, invoice_currency=currency.upper()),
            field="code")
    return rec


def list_items(ctx: Context, search: str = "", *, limit: int = 50, after: int | None = None,
               include_inactive: bool = False) -> Page:
    """Newest first; `search` matches code or name anywhere, case-insensitive."""
    if not 1 <= limit <= 500:
        raise ValidationError(_("The page size must be between 1 and 500."), field="limit")
    stmt = select(Item).order_by(Item.id.desc()).limit(limit + 1)
    text = (search or "").strip().lower()
    if text:
        pattern = f"%{escape_like(text)}%"
        stmt = stmt.where(or_(func.lower(Item.code).like(pattern, escape="\\"),
                              func.lower(Item.name).like(pattern, escape="\\")))
    if not include_inactive:
        stmt = stmt.where(Item.active.is_(True))
    if after is not None:
        stmt = stmt.where(Item.id < after)
    with ctx.store.reader() as uow:
        rows = uow.session.execute(stmt).scalars().all()
        items = tuple(_record(i) for i in rows[:limit])
    return Page(items, items[-1].id if len(rows) > limit else None)


def list_favourites(ctx: Context, currency: str | None = None) -> tuple[ItemRecord, ...]:
    """The active favourites for the counter's grid, by category then name;
    with `currency`, only the items priced in it (one invoice, one currency)."""
    stmt = (select(Item).where(Item.favourite.is_(True), Item.active.is_(True))
            .order_by(Item.category, Item.name, Item.id).limit(MAX_FAVOURITES))
    if currency:
        stmt = stmt.where(Item.currency == currency.upper())
    with ctx.store.reader() as uow:
        return tuple(_record(i) for i in uow.session.execute(stmt).scalars())
