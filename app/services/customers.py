"""Customers: add, edit, show, search by name, email or phone."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from app.i18n import _
from app.domain.errors import NotFoundError
from app.domain.records import CustomerRecord, Page
from app.domain.validation import MAX_ID, Problems, clean_text
from app.store.models import Customer, Setting

from .audit import enqueue, record_history
from .context import Context
from .mappers import customer_record
from .retry import retrying

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]{4,30}$")


@dataclass(frozen=True)
class CustomerInput:
    name: str
    email: str = ""
    phone: str = ""
    tax_id: str = ""
    notes: str = ""


def validate_customer(data: CustomerInput) -> CustomerInput:
    p = Problems()
    name = clean_text(data.name, "name", _("Name"), 200, p)
    if not name:
        p.add("name", _("Enter the customer's name."))
    email = clean_text(data.email, "email", _("Email"), 254, p)
    if email and not _EMAIL.match(email):
        p.add("email", _("{email} is not an email address (like name@example.com).",
                         email=repr(email)))
    phone = clean_text(data.phone, "phone", _("Phone"), 50, p)
    if phone and not _PHONE.match(phone):
        p.add("phone", _("{phone} is not a phone number: use digits, spaces, + and -.",
                         phone=repr(phone)))
    tax_id = clean_text(data.tax_id, "tax_id", _("Tax id"), 50, p)
    notes = clean_text(data.notes, "notes", _("Notes"), 2000, p, multiline=True)
    p.raise_if_any()
    return CustomerInput(name, email.lower(), phone, tax_id, notes)


def _snapshot(c: Customer) -> dict:
    return {"name": c.name, "email": c.email, "phone": c.phone, "taxId": c.tax_id,
            "notes": c.notes}


def _payload(c: Customer) -> dict:
    return {"customerId": c.id, "name": c.name, "email": c.email or None,
            "phone": c.phone or None, "taxId": c.tax_id or None}


def load_customer(session, customer_id) -> Customer:
    """By local id, or by Plugipay id (`cus_...`): the one way a customer is named."""
    text = str(customer_id).strip() if customer_id is not None else ""
    if text.startswith("cus_"):
        return _by_plugipay_id(session, text, customer_id)
    try:
        cid = int(customer_id)
    except (TypeError, ValueError):
        cid = None
    if cid is not None and not 0 < cid <= MAX_ID:
        cid = None  # no row has such an id (and the driver could not bind it)
    c = session.get(Customer, cid) if cid is not None else None
    if c is None:
        raise NotFoundError(_("There is no customer with id {id}.", id=customer_id),
                            field="customer_id")
    return c


def _by_plugipay_id(session, plugipay_id: str, given) -> Customer:
    c = session.execute(select(Customer).where(Customer.plugipay_id == plugipay_id)).scalar_one_or_none()
    if c is None:
        raise NotFoundError(_("There is no customer with Plugipay id {id}.", id=given),
                            field="customer_id")
    return c


WALK_IN_KEY = "walk_in_customer"  # settings row: the walk-in customer's id


def walk_in_customer(session, ctx: Context) -> Customer:
    """The shop's walk-in customer ("Pelanggan umum"), made on first use inside the
    caller's transaction, with its history and outbox entries like any customer.
    Never made twice: its id is kept in a settings row whose primary key a second
    till racing to make it collides with (the action is then retried and finds it)."""
    row = session.get(Setting, WALK_IN_KEY)
    if row is not None and isinstance(row.value, int):
        c = session.get(Customer, row.value)
        if c is not None:
            return c
    now = ctx.now()
    c = Customer(name=_("Walk-in customer"), email="", phone="", tax_id="", notes="",
                 created_at=now, updated_at=now)
    session.add(c)
    session.flush()
    if row is None:
        session.add(Setting(key=WALK_IN_KEY, value=c.id))
    else:
        row.value = c.id
    session.flush()  # the settings row first: a racing till fails here, before history
    record_history(session, ctx, "customer", c.id, "create", None,
                   {**_snapshot(c), "walkIn": True})
    enqueue(session, ctx, f"customer:{c.id}", "customer.create", _payload(c))
    return c


@retrying
def get_walk_in_customer(ctx: Context) -> CustomerRecord:
    """The walk-in customer, made now if this shop has none yet."""
    with ctx.store.unit_of_work() as uow:
        rec = customer_record(walk_in_customer(uow.session, ctx))
        uow.commit()
    return rec


@retrying
def add_customer(ctx: Context, data: CustomerInput) -> CustomerRecord:
    data = validate_customer(data)
    with ctx.store.unit_of_work() as uow:
        now = ctx.now()
        c = Customer(name=data.name, email=data.email, phone=data.phone, tax_id=data.tax_id,
                     notes=data.notes, created_at=now, updated_at=now)
        uow.session.add(c)
        uow.session.flush()
        record_history(uow.session, ctx, "customer", c.id, "create", None, _snapshot(c))
        enqueue(uow.session, ctx, f"customer:{c.id}", "customer.create", _payload(c))
        rec = customer_record(c)
        uow.commit()
    return rec


@retrying
def edit_customer(ctx: Context, customer_id, data: CustomerInput) -> CustomerRecord:
    data = validate_customer(data)
    with ctx.store.unit_of_work() as uow:
        c = load_customer(uow.session, customer_id)
        before = _snapshot(c)
        c.name, c.email, c.phone, c.tax_id, c.notes = (
            data.name, data.email, data.phone, data.tax_id, data.notes)
        after = _snapshot(c)
        if after != before:
            c.updated_at = ctx.now()
            record_history(uow.session, ctx, "customer", c.id, "edit", before, after)
            enqueue(uow.session, ctx, f"customer:{c.id}", "customer.update", _payload(c))
        rec = customer_record(c)
        uow.commit()
    return rec


def get_customer(ctx: Context, customer_id) -> CustomerRecord:
    with ctx.store.reader() as uow:
        return customer_record(load_customer(uow.session, customer_id))


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_customers(ctx: Context, search: str = "", *, limit: int = 50,
                   after: int | None = None) -> Page:
    """Newest first; `search` matches name, email or phone (case-insensitive, anywhere)."""
    stmt = select(Customer).order_by(Customer.id.desc()).limit(limit + 1)
    text = (search or "").strip()
    if text:
        pattern = f"%{escape_like(text.lower())}%"
        digits = re.sub(r"\D", "", text)
        conds = [Customer.name.ilike(pattern, escape="\\"),
                 Customer.email.ilike(pattern, escape="\\"),
                 Customer.phone.ilike(pattern, escape="\\")]
        if len(digits) >= 3 and digits != text:
            bare = Customer.phone
            for ch in (" ", "-", "+", "(", ")", ".", "/"):
                bare = func.replace(bare, ch, "")
            conds.append(bare.like(f"%{digits}%"))
        stmt = stmt.where(or_(*conds))
    if after is not None:
        stmt = stmt.where(Customer.id < after)
    with ctx.store.reader() as uow:
        rows = uow.session.execute(stmt).scalars().all()
        items = tuple(customer_record(c) for c in rows[:limit])
    return Page(items, items[-1].id if len(rows) > limit else None)
