"""Refunds and Plugipay: the request a till refund becomes, what Plugipay's
answer changes, and refunds made elsewhere (the dashboard) brought to the till.

A till refund is queued as `invoice.refund` in its invoice's lane, so it goes
after the invoice's `pay`, once, under the key stored when it was made. A
refund Plugipay already knows from this till (its metadata names the local
refund) is linked, never recorded twice; one made in the dashboard is
recorded with its own local number and a history entry saying where it came
from. One the till cannot place (its invoice not paid here, or more than is
left) becomes a conflict a manager sees, once.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.refunds import RefundInput, reason_label
from app.i18n import _
from app.services.audit import record_history
from app.services.context import Context
from app.services.invoices import snapshot
from app.services.refunds import add_refund, refund_summary
from app.store.models import Invoice, OutboxOperation
from app.store.refund_models import Refund
from app.store.sync_models import SyncConflict

from .conflicts import record_conflict

OPERATION = "invoice.refund"
UNPLACED = "refund_unplaced"


def refund_body(payload: dict, invoice_plugipay_id: str) -> dict:
    return {
        "sourceType": "invoice", "sourceId": invoice_plugipay_id,
        "amount": payload["amount"], "reason": payload["reason"],
        "metadata": {"kasirRefundId": str(payload["refundId"]),
                     "kasirLocalNumber": payload["localNumber"],
                     "kasirInvoiceId": str(payload["invoiceId"])},
    }


def accepted(s: Session, op: OutboxOperation, data) -> None:
    """Plugipay took the refund: keep its id."""
    r = s.get(Refund, op.payload["refundId"])
    if r is None:
        return
    if isinstance(data, dict) and data.get("id") and not r.plugipay_id:
        taken = s.execute(select(Refund.id).where(Refund.plugipay_id == data["id"])).first()
        if not taken:
            r.plugipay_id = data["id"]
    r.sync_state = "synced"


def refused_message(s: Session, op: OutboxOperation, code: str, message: str) -> str:
    """Plugipay said no: the refund stays at the till, marked refused."""
    r = s.get(Refund, op.payload["refundId"])
    if r is not None:
        r.sync_state = "refused"
    return _("Plugipay refused refund {number} ({code}): {message}. The money was given back "
             "at the till, but Plugipay does not show it. Check the invoice in the Plugipay "
             "dashboard (it may have been refunded there already); refund it there if it was "
             "not, then accept this conflict.",
             number=op.payload.get("localNumber", "?"), code=code, message=message)


def _own(s: Session, doc: dict) -> Refund | None:
    meta = doc.get("metadata") or {}
    kid = str(meta.get("kasirRefundId") or "")
    if not kid.isdigit():
        return None
    r = s.get(Refund, int(kid))
    if r is not None and r.local_number == meta.get("kasirLocalNumber"):
        return r
    return None


def _already_unplaced(s: Session, invoice_id: int, refund_id: str) -> bool:
    rows = s.execute(select(SyncConflict.remote_state).where(
        SyncConflict.entity_type == "invoice", SyncConflict.entity_id == invoice_id,
        SyncConflict.kind == UNPLACED)).scalars()
    return any((state or {}).get("id") == refund_id for state in rows)


def apply_remote_refund(s: Session, ctx: Context, doc: dict) -> str:
    """One refund document from Plugipay. Returns what was done: known | linked |
    recorded | unplaced | skipped."""
    if not isinstance(doc, dict) or not doc.get("id") or doc.get("status") == "failed":
        return "skipped"
    if s.execute(select(Refund.id).where(Refund.plugipay_id == doc["id"])).first():
        return "known"
    own = _own(s, doc)
    if own is not None:
        if not own.plugipay_id:
            own.plugipay_id, own.sync_state = doc["id"], "synced"
        return "linked"
    source = doc.get("invoiceId") or doc.get("sourceId")
    inv = s.execute(select(Invoice).where(Invoice.plugipay_id == source)).scalar_one_or_none()
    if inv is None:
        return "skipped"  # an invoice this till does not hold (a checkout session, ...)
    amount = doc.get("amount")
    left = inv.amount_paid - (inv.amount_refunded or 0)
    if inv.status != "paid" or not isinstance(amount, int) or not 0 < amount <= left:
        if not _already_unplaced(s, inv.id, doc["id"]):
            record_conflict(
                s, ctx, aggregate=f"invoice:{inv.id}", operation="pull", kind=UNPLACED,
                message=_("Plugipay shows a refund of {amount} on this invoice that the till "
                          "cannot record: the till shows it as {status} with {left} left to "
                          "refund. Check the invoice in Plugipay and at the till.",
                          amount=amount, status=inv.status, left=left),
                remote_state={k: doc.get(k) for k in ("id", "amount", "currency", "reason",
                                                      "status", "createdAt")})
        return "unplaced"
    before = {**snapshot(inv), "amountRefunded": inv.amount_refunded}
    reason = doc.get("reason") or "other"
    data = RefundInput(amount=amount, method="other", reason=reason,
                       note=_("Refunded in Plugipay"))
    r = add_refund(s, ctx, inv, amount, data, source="plugipay", plugipay_id=doc["id"])
    record_history(s, ctx, "invoice", inv.id, "sync_refund", before,
                   {**snapshot(inv), "amountRefunded": inv.amount_refunded,
                    "refund": refund_summary(r)},
                   _("Refunded in Plugipay ({reason}); recorded at the till as {number}.",
                     reason=reason_label(reason), number=r.local_number))
    return "recorded"
