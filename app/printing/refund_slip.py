"""The refund slip: gathered from a refund and its invoice, printed (or
reprinted) through the print queue like every slip."""

from __future__ import annotations

from dataclasses import replace

from app.services.audit import chain_code
from app.services.queries import get_invoice
from app.services.refunds import get_refund

from .queue import add_job
from .slip_model import Slip, SlipLine, SlipRefund, _iso, shop_of


def refund_slip_from_records(refund, invoice, shop) -> Slip:
    """A slip from a `RefundRecord` and its `InvoiceRecord`."""
    r = SlipRefund(refund.local_number, refund.amount, refund.method, refund.reason,
                   refund.note, refund.operator, refund.approved_by or "",
                   invoice.amount_refunded)
    return Slip(
        kind="refund", shop=shop, invoice_id=invoice.id,
        local_number=invoice.local_number or invoice.number or "",
        plugipay_number=invoice.number or "", status=str(invoice.status),
        at=_iso(refund.created_at), operator=refund.operator, customer=invoice.customer_name,
        currency=refund.currency,
        lines=tuple(SlipLine(l.description, l.quantity, l.unit_amount,
                             l.quantity * l.unit_amount) for l in refund.lines),
        subtotal=invoice.subtotal, discount=invoice.discount, tax=invoice.tax,
        total=invoice.total, amount_paid=invoice.amount_paid, amount_due=0, refund=r)


def build_refund_slip(ctx, refund_ref, *, reprint: bool = False) -> Slip:
    """The slip of a refund (id, `T1-F000001` or `re_...`)."""
    refund = get_refund(ctx, refund_ref)
    slip = replace(refund_slip_from_records(refund, get_invoice(ctx, refund.invoice_id),
                                            shop_of(ctx)), chain=chain_code(ctx))  # issue 17
    return slip.as_reprint(ctx.now()) if reprint else slip


def enqueue_refund_slip(ctx, refund_ref, *, reprint: bool = False, **overrides):
    """Queue the refund slip for this till's printer (a reprint says so on paper)."""
    return add_job(ctx, build_refund_slip(ctx, refund_ref, reprint=reprint), reprint=reprint,
                   **overrides)
