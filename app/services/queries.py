"""Reading invoices: show one, list and search with keyset pagination, history."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import contains_eager, lazyload

from app.i18n import _
from app.domain.errors import ValidationError
from app.domain.lifecycle import Status
from app.domain.records import HistoryRecord, InvoiceRecord, Page, ReceiptRecord
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


def _status_condition(status: str, now):
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


def invoice_filter(q: InvoiceQuery, now) -> list:
    conds = []
    if q.status:
        conds.append(_status_condition(q.status, now))
    if q.customer_id is not None:
        conds.append(Invoice.customer_id == q.customer_id)
    text = (q.search or "").strip().lower()
    if text:
        pattern = f"%{escape_like(text)}%"
        conds.append(or_(
            func.lower(Invoice.local_number).like(pattern, escape="\\"),
            func.lower(Invoice.number).like(pattern, escape="\\"),
            func.lower(Invoice.memo).like(pattern, escape="\\"),
            func.lower(Customer.name).like(pattern, escape="\\"),
        ))
    return conds


def list_invoices(ctx: Context, q: InvoiceQuery = InvoiceQuery()) -> Page:
    """Newest first, `limit` at a time; pass `next_cursor` back as `after`."""
    if not 1 <= q.limit <= MAX_PAGE:
        raise ValidationError(_("The page size must be between 1 and {MAX_PAGE}.",
                                MAX_PAGE=MAX_PAGE), field="limit")
    now = ctx.now()
    stmt = (select(Invoice).join(Invoice.customer)
            .options(lazyload(Invoice.lines), contains_eager(Invoice.customer))
            .where(*invoice_filter(q, now))
            .order_by(Invoice.id.desc()).limit(q.limit + 1))
    if q.after is not None:
        stmt = stmt.where(Invoice.id < q.after)
    with ctx.store.reader() as uow:
        rows = uow.session.execute(stmt).scalars().all()
        items = tuple(invoice_record(inv, now, with_lines=False) for inv in rows[:q.limit])
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
