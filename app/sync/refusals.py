"""When Plugipay says no to a queued operation: take its state, record a conflict.

Plugipay wins once it has moved an invoice on (paid online, voided in the
dashboard): the till's copy is brought to Plugipay's state and a manager gets a
conflict that says, in plain words, what happened and what to do.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.domain.labels import status_label
from app.i18n import N_, _, gettext
from app.services.context import Context
from app.services.invoices import snapshot
from app.store.models import Invoice, OutboxOperation

from .conflicts import BLOCKING, record_conflict
from .mapping import apply_remote, remote_status
from .refund_sync import OPERATION as REFUND, refused_message as refund_refused

# Operations whose refusal leaves nothing on Plugipay to build on: later
# operations of the same invoice/customer wait until a manager decides.
CREATIONS = ("invoice.issue", "customer.create")

_MESSAGES = {
    ("invoice.void", "paid"): (
        "paid_elsewhere",
        N_("Voided at the till, but the customer had already paid in Plugipay. The invoice is "
           "paid now. If the sale was cancelled, refund the customer.")),
    ("invoice.void", "void"): (
        "already_void",
        N_("Voided at the till and in Plugipay as well: both agree. Acknowledge it.")),
    ("invoice.void", "uncollectible"): (
        "written_off_elsewhere",
        N_("Voided at the till, but Plugipay had already written the invoice off. It stays "
           "written off.")),
    ("invoice.pay", "void"): (
        "voided_elsewhere",
        N_("Marked paid at the till, but the invoice was voided in Plugipay. It is void now: "
           "refund the payment taken, or issue a new invoice for it.")),
    ("invoice.pay", "paid"): (
        "paid_twice",
        N_("Marked paid at the till, but it had already been paid in Plugipay: the customer "
           "may have paid twice. Check, and refund one payment.")),
    ("invoice.pay", "uncollectible"): (
        "written_off_elsewhere",
        N_("Marked paid at the till, but Plugipay had written the invoice off. Ask Plugipay "
           "support to record the payment; the till keeps it as written off.")),
}


# What a refused operation was trying to do, for the conflict's message.
_WHAT = {"invoice.issue": N_("send this invoice"), "customer.create": N_("create this customer"),
         "customer.update": N_("update this customer"),
         "invoice.send_email": N_("email this invoice"),
         "invoice.pay": N_("record this payment"), "invoice.void": N_("void this invoice")}
_VERBS = {"invoice.pay": N_("pay"), "invoice.void": N_("void")}


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
    found = _MESSAGES.get((op.operation, status))
    if found:
        kind, text = found[0], gettext(found[1])
    else:
        kind, text = "refused", _(
            "Plugipay refused to {action} this invoice: {message}. Plugipay shows it as {status}; "
            "the till now does too.", action=gettext(_VERBS[op.operation]) if op.operation in _VERBS
            else op.operation.split(".")[-1], message=message, status=status_label(status))
    before = local_state(inv)
    op.state, op.last_error, op.done_at = "refused", f"{code}: {message}"[:1000], ctx.now()
    apply_remote(s, ctx, inv, remote, force=True,
                 note=_("Plugipay's state taken: {text}", text=text))
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
    what = _WHAT.get(op.operation)
    if op.operation == REFUND:
        text = refund_refused(s, op, code, message)
    else:
        text = _("Plugipay refused to {what} ({code}): {message}",
                 what=gettext(what) if what else op.operation,
                 code=f"{status} {code}" if status else code, message=message)
    if blocking:
        text += " " + _("It stays at this till until a manager retries it (after fixing the "
                        "cause) or accepts that it is kept locally.")
    inv = None
    if op.aggregate.startswith("invoice:"):
        inv = s.get(Invoice, int(op.aggregate.split(":")[1]))
    record_conflict(s, ctx, aggregate=op.aggregate, operation=op.operation, kind="refused",
                    message=text, code=code, outbox_id=op.id, local_state=local_state(inv))
    return "refused"
