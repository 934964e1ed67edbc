"""When Plugipay says no to a queued operation: take its state, record a conflict.

Plugipay wins once it has moved an invoice on (paid online, voided in the
dashboard): the till's copy is brought to Plugipay's state and a manager gets a
conflict that says, in plain words, what happened and what to do.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.services.context import Context
from app.services.invoices import snapshot
from app.store.models import Invoice, OutboxOperation

from .conflicts import BLOCKING, record_conflict
from .mapping import apply_remote, remote_status

# Operations whose refusal leaves nothing on Plugipay to build on: later
# operations of the same invoice/customer wait until a manager decides.
CREATIONS = ("invoice.issue", "customer.create")

_MESSAGES = {
    ("invoice.void", "paid"): (
        "paid_elsewhere",
        "Voided at the till, but the customer had already paid in Plugipay. The invoice is "
        "paid now. If the sale was cancelled, refund the customer."),
    ("invoice.void", "void"): (
        "already_void",
        "Voided at the till and in Plugipay as well: both agree. Acknowledge it."),
    ("invoice.void", "uncollectible"): (
        "written_off_elsewhere",
        "Voided at the till, but Plugipay had already written the invoice off. It stays "
        "written off."),
    ("invoice.pay", "void"): (
        "voided_elsewhere",
        "Marked paid at the till, but the invoice was voided in Plugipay. It is void now: "
        "refund the payment taken, or issue a new invoice for it."),
    ("invoice.pay", "paid"): (
        "paid_twice",
        "Marked paid at the till, but it had already been paid in Plugipay: the customer "
        "may have paid twice. Check, and refund one payment."),
    ("invoice.pay", "uncollectible"): (
        "written_off_elsewhere",
        "Marked paid at the till, but Plugipay had written the invoice off. Ask Plugipay "
        "support to record the payment; the till keeps it as written off."),
}


def local_state(inv: Invoice | None) -> dict | None:
    if inv is None:
        return None
    snap = snapshot(inv)
    return {k: snap[k] for k in ("status", "localNumber", "total", "amountPaid", "reason")}


def remote_summary(remote: dict | None) -> dict | None:
    if not remote:
        return None
    return {k: remote.get(k) for k in ("id", "number", "status", "total", "amountPaid",
                                       "paidAt", "voidedAt")}


def refuse_invoice_action(s: Session, ctx: Context, op: OutboxOperation, inv: Invoice,
                          remote: dict, code: str, message: str) -> str:
    """A pay or void that Plugipay refused because the invoice moved on."""
    status = remote_status(remote)
    kind, text = _MESSAGES.get((op.operation, status), (
        "refused", f"Plugipay refused to {op.operation.split('.')[-1]} this invoice: {message}. "
                   f"Plugipay shows it as {status}; the till now does too."))
    before = local_state(inv)
    op.state, op.last_error, op.done_at = "refused", f"{code}: {message}"[:1000], ctx.now()
    apply_remote(s, ctx, inv, remote, force=True, note=f"Plugipay's state taken: {text}")
    record_conflict(s, ctx, aggregate=op.aggregate, operation=op.operation, kind=kind,
                    message=text, code=code, outbox_id=op.id, local_state=before,
                    remote_state=remote_summary(remote))
    return kind


def refuse_operation(s: Session, ctx: Context, op: OutboxOperation, code: str, message: str,
                     status: int = 0) -> str:
    """Any other refusal. A refused creation holds back its aggregate."""
    blocking = op.operation in CREATIONS
    op.state = BLOCKING if blocking else "refused"
    op.last_error = f"{code}: {message}"[:1000]
    if not blocking:
        op.done_at = ctx.now()
    what = {
        "invoice.issue": "send this invoice", "customer.create": "create this customer",
        "customer.update": "update this customer", "invoice.send_email": "email this invoice",
        "invoice.pay": "record this payment", "invoice.void": "void this invoice",
    }.get(op.operation, op.operation)
    text = f"Plugipay refused to {what} ({status or ''} {code}): {message}".replace("( ", "(")
    if blocking:
        text += (" It stays at this till until a manager retries it (after fixing the cause) "
                 "or accepts that it is kept locally.")
    inv = None
    if op.aggregate.startswith("invoice:"):
        inv = s.get(Invoice, int(op.aggregate.split(":")[1]))
    record_conflict(s, ctx, aggregate=op.aggregate, operation=op.operation, kind="refused",
                    message=text, code=code, outbox_id=op.id, local_state=local_state(inv))
    return "refused"
