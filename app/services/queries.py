"""Reading invoices: show one, list and search with keyset pagination, history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import (String, and_, bindparam, func, literal_column, or_, select, table,
                        type_coerce)

from app.i18n import _
from app.domain.errors import ValidationError
from app.domain.lifecycle import Status, effective_status
from app.domain.records import HistoryRecord, InvoiceRecord, Page, ReceiptRecord, fast_record
from app.store import search
from app.store.engine import SINGLE_READ
from app.store.models import Customer, HistoryEntry, Invoice, Payment, Receipt

from .context import Context
from .customers import escape_like
from .invoices import load_invoice
from .mappers import history_record, invoice_record, receipt_record

MAX_PAGE = 500


@dataclass(frozen=True)
class InvoiceQuery:
    status: str | None = None  # any Status value, past_due included
    customer_id: int | None = None
    search: str = ""
    limit: int = 50
    after: int | None = None  # keyset cursor: the last id of the previous page


def get_invoice(ctx: Context, ref) -> InvoiceRecord:
    with ctx.store.reader() as uow:
        return invoice_record(load_invoice(uow.session, ref), ctx.now())


def _status_condition(status: str, now=None):
    """`now` None: compare with the bound parameter "now" (a reusable statement)."""
    if now is None:
        now = bindparam("now", type_=Invoice.due_at.type)
    try:
        st = Status(status)
    except ValueError:
        raise ValidationError(
            _("{status} is not a status. Choose one of: {choices}.", status=repr(status),
              choices=", ".join(s.value for s in Status)), field="status") from None
    if st is Status.PAST_DUE:
        return and_(Invoice.status == "open", Invoice.due_at < now)
    if st is Status.OPEN:
        return and_(Invoice.status == "open", or_(Invoice.due_at.is_(None), Invoice.due_at >= now))
    return Invoice.status == st.value


def invoice_filter(q: InvoiceQuery, now, *, dialect: str = "") -> list:
    """The WHERE conditions of a list query. On SQLite a search of three characters
    or more is answered by the trigram index (app/store/search.py); shorter ones,
    and other databases, scan with LIKE."""
    conds = []
    if q.status:
        conds.append(_status_condition(q.status, now))
    if q.customer_id is not None:
        conds.append(Invoice.customer_id == q.customer_id)
    text = (q.search or "").strip().lower()
    if text and dialect == "sqlite" and len(text) >= search.MIN_CHARS:
        conds.append(Invoice.id.in_(
            select(literal_column("rowid")).select_from(table(search.TABLE))
            .where(literal_column(search.TABLE).op("MATCH")(search.phrase(text)))))
    elif text:
        pattern = f"%{escape_like(text)}%"
        conds.append(or_(
            func.lower(Invoice.local_number).like(pattern, escape="\\"),
            func.lower(Invoice.number).like(pattern, escape="\\"),
            func.lower(Invoice.memo).like(pattern, escape="\\"),
            func.lower(Customer.name).like(pattern, escape="\\"),
        ))
    return conds


# The list's columns, read as plain values in InvoiceRecord's own order (no ORM
# entities to build and expire; timestamps parsed by datetime.fromisoformat rather
# than a regex per value): the list is the hottest query at the till.
_HEAD = ("id", "till_code", "local_number", "plugipay_id", "number", "hosted_url", "customer_id")
_TAIL = ("status", "subtotal", "discount", "tax", "total", "amount_paid", "due_at", "issued_at",
         "paid_at", "voided_at", "written_off_at", "reason", "memo", "sync_state", "created_by",
         "created_at", "updated_at")
_TIME_AT = tuple(i for i, n in enumerate(_TAIL) if n.endswith("_at"))


_STATEMENTS: dict = {}  # one statement per query shape: built and compiled once


def _list_statement(q: InvoiceQuery, dialect: str):
    """The page query for this shape of `q` (which filters, not their values),
    with its values as bound parameters: built once, then reused, so a page
    costs little more than the SQL itself."""
    text = (q.search or "").strip().lower()
    mode = "" if not text else ("fts" if dialect == "sqlite" and len(text) >= search.MIN_CHARS
                                else "like")
    shape = (q.status or None, q.customer_id is not None, mode, q.after is not None, dialect)
    stmt = _STATEMENTS.get(shape)
    if stmt is None:
        t = Invoice.__table__
        tail = [type_coerce(t.c[n], String) if n.endswith("_at") else t.c[n] for n in _TAIL]
        conds = []
        if q.status:
            conds.append(_status_condition(q.status))
        if q.customer_id is not None:
            conds.append(Invoice.customer_id == bindparam("customer_id"))
        if mode == "fts":
            conds.append(Invoice.id.in_(
                select(literal_column("rowid")).select_from(table(search.TABLE))
                .where(literal_column(search.TABLE).op("MATCH")(bindparam("phrase")))))
        elif mode == "like":
            pattern = bindparam("pattern")
            conds.append(or_(*(func.lower(c).like(pattern, escape="\\") for c in (
                Invoice.local_number, Invoice.number, Invoice.memo, Customer.name))))
        if q.after is not None:
            conds.append(Invoice.id < bindparam("after"))
        stmt = (select(*[t.c[n] for n in _HEAD], Customer.name, Customer.email, t.c.currency,
                       *tail, t.c.amount_refunded)
                .join(Customer, Customer.id == Invoice.customer_id)
                .where(*conds).order_by(Invoice.id.desc()).limit(bindparam("limit")))
        _STATEMENTS[shape] = stmt
    params = {"limit": q.limit + 1}
    if q.customer_id is not None:
        params["customer_id"] = q.customer_id
    if mode == "fts":
        params["phrase"] = search.phrase(text)
    elif mode == "like":
        params["pattern"] = f"%{escape_like(text)}%"
    if q.after is not None:
        params["after"] = q.after
    return stmt, params


def _list_record(row, now, _iso=datetime.fromisoformat, _utc_tz=timezone.utc) -> InvoiceRecord:
    head, tail = row[:10], list(row[10:-1])
    for i in _TIME_AT:  # SQLite's text (always UTC) or a driver's naive UTC datetime
        v = tail[i]
        if v is not None:
            tail[i] = _iso(v + "+00:00") if v.__class__ is str else v.replace(tzinfo=_utc_tz)
    # No lines on a list page; the list marks refunded invoices.
    return fast_record(InvoiceRecord, (*head, effective_status(tail[0], tail[6], now), *tail,
                                       (), row[-1] or 0))


def list_invoices(ctx: Context, q: InvoiceQuery = InvoiceQuery()) -> Page:
    """Newest first, `limit` at a time; pass `next_cursor` back as `after`."""
    if not 1 <= q.limit <= MAX_PAGE:
        raise ValidationError(_("The page size must be between 1 and {MAX_PAGE}.",
                                MAX_PAGE=MAX_PAGE), field="limit")
    now = ctx.now()
    engine = ctx.store.engine
    if q.status:
        _status_condition(q.status, now)  # refuses an unknown status before any SQL
    stmt, params = _list_statement(q, engine.dialect.name)
    if q.status in (Status.OPEN, Status.PAST_DUE):
        params["now"] = now
    with engine.connect().execution_options(kasir_mode=SINGLE_READ) as conn:
        rows = conn.execute(stmt, params).all()
    items = tuple(_list_record(r, now) for r in rows[:q.limit])
    return Page(items, items[-1].id if len(rows) > q.limit else None)


def invoice_history(ctx: Context, ref) -> list[HistoryRecord]:
    with ctx.store.reader() as uow:
        inv = load_invoice(uow.session, ref)
        rows = uow.session.execute(
            select(HistoryEntry).where(HistoryEntry.entity_type == "invoice",
                                       HistoryEntry.entity_id == inv.id)
            .order_by(HistoryEntry.id)).scalars().all()
        return [history_record(h) for h in rows]


def invoice_receipts(ctx: Context, ref) -> list[ReceiptRecord]:
    with ctx.store.reader() as uow:
        inv = load_invoice(uow.session, ref)
        rows = uow.session.execute(
            select(Receipt, Payment).join(Payment, Receipt.payment_id == Payment.id)
            .where(Receipt.invoice_id == inv.id).order_by(Receipt.id)).all()
        return [receipt_record(r, p) for r, p in rows]
