"""Refunds: money given back on a paid invoice, by amount or by lines returned.

One refund is one transaction: the refund with its own gapless number
(`T1-F000001`), the invoice's `amount_refunded`, the history entry and the
outbox operation `invoice.refund` (queued in the invoice's lane, so it goes to
Plugipay after the invoice's `pay`). A refused refund changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.errors import ConflictError, NotFoundError
from app.domain.refunds import (REFUND_METHODS, RefundInput, RefundLineRecord, RefundRecord,
                                SoldLine, check_refundable, lines_amount, reason_label,
                                validate_refund)
from app.i18n import _, gettext
from app.store.models import Invoice
from app.store.refund_models import Refund, RefundLine
from app.services.roles import require_role

from .audit import enqueue, record_history
from .context import Context
from .invoices import load_invoice, snapshot
from .numbering import next_number
from .retry import retrying

OPERATION = "invoice.refund"


def refund_record(r: Refund, inv: Invoice) -> RefundRecord:
    return RefundRecord(
        id=r.id, local_number=r.local_number, invoice_id=r.invoice_id,
        invoice_number=inv.local_number or inv.number or str(inv.id), amount=r.amount,
        currency=r.currency, method=r.method, reason=r.reason, note=r.note,
        operator=r.operator, approved_by=r.approved_by, source=r.source,
        sync_state=r.sync_state, plugipay_id=r.plugipay_id, created_at=r.created_at,
        lines=tuple(RefundLineRecord(l.line_position, l.description, l.quantity,
                                     l.unit_amount) for l in r.lines))


def invoice_refunds(s: Session, invoice_id: int) -> list[Refund]:
    return list(s.execute(select(Refund).where(Refund.invoice_id == invoice_id)
                          .order_by(Refund.id)).scalars())


def _sold(inv: Invoice, earlier: list[Refund]) -> list[SoldLine]:
    returned: dict[int, int] = {}
    for r in earlier:
        for l in r.lines:
            returned[l.line_position] = returned.get(l.line_position, 0) + l.quantity
    return [SoldLine(l.quantity, l.unit_amount, returned.get(i, 0))
            for i, l in enumerate(inv.lines)]


def _amount(inv: Invoice, data: RefundInput, earlier: list[Refund]) -> int:
    left = inv.amount_paid - inv.amount_refunded
    if data.amount is not None:
        check_refundable(data.amount, inv.amount_paid, inv.amount_refunded)
        return data.amount
    given = sum(r.amount for r in earlier if r.by_lines)
    amount = lines_amount(_sold(inv, earlier), {l.index: l.quantity for l in data.lines},
                          inv.amount_paid, given)
    # Earlier refunds by amount may already have given part of these lines back.
    amount = min(amount, left)
    check_refundable(amount, inv.amount_paid, inv.amount_refunded)
    return amount


def _check_paid(inv: Invoice) -> None:
    if inv.status != "paid":
        raise ConflictError(
            _("Only a paid invoice can be refunded; {number} is not paid. Void or write it "
              "off instead.", number=inv.local_number or inv.number or inv.id), field="id")


def add_refund(s: Session, ctx: Context, inv: Invoice, amount: int, data: RefundInput, *,
               source: str = "till", lines=(), plugipay_id: str | None = None) -> Refund:
    """The refund row with its number, and the invoice's new total refunded
    (no history, no outbox: the callers write those)."""
    r = Refund(invoice_id=inv.id, till_code=ctx.till,
               local_number=next_number(s, ctx.till, "refund"), plugipay_id=plugipay_id,
               amount=amount, currency=inv.currency, method=data.method, reason=data.reason,
               note=data.note, by_lines=bool(lines), source=source,
               sync_state="synced" if plugipay_id else "pending", operator=ctx.operator,
               approved_by=getattr(ctx, "approved_by", None), created_at=ctx.now())
    r.lines = [RefundLine(line_position=i, description=inv.lines[i].description, quantity=q,
                          unit_amount=inv.lines[i].unit_amount) for i, q in lines]
    s.add(r)
    inv.amount_refunded = (inv.amount_refunded or 0) + amount
    inv.updated_at = ctx.now()
    s.flush()
    return r


def refund_summary(r: Refund) -> dict:
    return {"refund": r.local_number, "amount": r.amount, "method": r.method,
            "reason": r.reason, "note": r.note or None,
            "lines": [[l.line_position, l.quantity] for l in r.lines]}


@retrying
def refund(ctx: Context, ref, data: RefundInput) -> RefundRecord:
    """Give money back on a paid invoice. Refusals: `validation_error` (bad
    input, more than is left, more of a line than was sold), `conflict` (the
    invoice is not paid), `permission_denied` (a cashier without a manager's
    approval, when staff accounts exist). Each changes nothing."""
    data = validate_refund(data)
    require_role(ctx, "refund")  # a cashier needs a manager's PIN on the spot
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        inv = load_invoice(s, ref, lock=True)
        _check_paid(inv)
        earlier = invoice_refunds(s, inv.id) if data.lines else []  # only lines need them
        amount = _amount(inv, data, earlier)
        before = snapshot(inv)
        before["amountRefunded"] = inv.amount_refunded
        r = add_refund(s, ctx, inv, amount, data,
                       lines=[(l.index, l.quantity) for l in data.lines])
        inv.sync_state = "pending"
        note = _("Refund {number}: {method}, {reason}", number=r.local_number,
                 method=gettext(REFUND_METHODS[r.method]), reason=reason_label(r.reason))
        record_history(s, ctx, "invoice", inv.id, "refund", before,
                       {**snapshot(inv), "amountRefunded": inv.amount_refunded,
                        "refund": refund_summary(r)}, note)
        enqueue(s, ctx, f"invoice:{inv.id}", OPERATION, {
            "invoiceId": inv.id, "refundId": r.id, "localNumber": r.local_number,
            "amount": amount, "currency": inv.currency, "reason": r.reason,
        })
        rec = refund_record(r, inv)
        uow.commit()
    return rec


def list_refunds(ctx: Context, ref) -> tuple[RefundRecord, ...]:
    """An invoice's refunds, oldest first."""
    with ctx.store.reader() as uow:
        inv = load_invoice(uow.session, ref)
        return tuple(refund_record(r, inv) for r in invoice_refunds(uow.session, inv.id))


def load_refund(s: Session, ref) -> Refund:
    text = str(ref).strip() if ref is not None else ""
    stmt = select(Refund)
    if text.isdigit():
        stmt = stmt.where(Refund.id == int(text))
    elif text.startswith("re_"):
        stmt = stmt.where(Refund.plugipay_id == text)
    else:
        stmt = stmt.where(Refund.local_number == text.upper())
    r = s.execute(stmt).scalars().first()
    if r is None:
        raise NotFoundError(_("There is no refund {ref}.", ref=text or "-"), field="id")
    return r


def get_refund(ctx: Context, ref) -> RefundRecord:
    """A refund by its id, local number (`T1-F000001`) or Plugipay id (`re_...`)."""
    with ctx.store.reader() as uow:
        r = load_refund(uow.session, ref)
        return refund_record(r, uow.session.get(Invoice, r.invoice_id))


def refunds_by_method(s: Session, start: datetime, end: datetime | None = None, *,
                      till: str | None = None, operator: str | None = None
                      ) -> dict[tuple[str, str], int]:
    """Money given back in a time window (a shift's), by (currency, method).
    Refunds pulled from Plugipay (made in the dashboard) never left a drawer
    and are not counted."""
    stmt = (select(Refund.currency, Refund.method, func.sum(Refund.amount))
            .where(Refund.created_at >= start, Refund.source == "till")
            .group_by(Refund.currency, Refund.method))
    if end is not None:
        stmt = stmt.where(Refund.created_at < end)
    if till is not None:
        stmt = stmt.where(Refund.till_code == till)
    if operator is not None:
        stmt = stmt.where(Refund.operator == operator)
    return {(cur, method): int(total) for cur, method, total in s.execute(stmt).all()}
