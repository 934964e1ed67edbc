"""Undoing a confirmed match. Paid -> open is not a transition Plugipay knows, so
an undo is only possible while the payment has not left this till: its
`invoice.pay` outbox operation must still be pending and never attempted (an
attempt whose answer was lost may have reached Plugipay). Then the operation is
cancelled, the invoice goes back to what it was, the line is unmatched again,
and the receipt stays on record as cancelled in the history (numbers are never
reused). Once the operation was sent, or the shift that holds the match is
closed, the undo is refused with what to do instead.

A debit linked to transfer refunds (app/reconcile/debits.py) is undone the
same way, with the same approval, but moves no money: only the link goes."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.labels import status_label
from app.i18n import _
from app.domain.errors import ConflictError, ValidationError
from app.domain.validation import validate_reason
from app.services.audit import record_history
from app.services.context import Context
from app.services.invoices import load_invoice, snapshot
from app.services.roles import require_role
from app.store.models import Invoice, OutboxOperation
from app.store.reconcile_models import Shift, StatementMatch
from app.store.refund_models import Refund

from .debits import refund_match_record
from .records import MatchRecord
from .service import _load_line, _match_record


def _pay_operation(s, invoice_id: int, receipt_number: str):
    ops = s.execute(select(OutboxOperation).where(
        OutboxOperation.aggregate == f"invoice:{invoice_id}",
        OutboxOperation.operation == "invoice.pay")).scalars()
    for op in ops:
        if (op.payload or {}).get("receiptNumber") == receipt_number:
            return op
    return None


def _approver(ctx: Context, given: str | None) -> str:
    """Who approved: with staff accounts, the trust rules decide (a manager's PIN,
    verified, in ctx.approved_by; or a manager acting themself); without them, a
    manager's name must still be given and is recorded."""
    require_role(ctx, "reconcile_undo")
    name = ctx.approved_by or ""
    if not name and ctx.role in ("manager", "owner"):
        name = ctx.operator
    if not name:
        name = (given or "").strip()
    if not name:
        raise ValidationError(_("Undoing a match needs a manager's approval: give the manager's "
                                "name."), field="approved_by")
    return name[:100]


def _undo_refund_links(s, ctx: Context, line, matches, approved_by: str, reason: str) -> list:
    """A debit's link to its transfer refunds, undone: no money moves (the refunds
    stand as they were given); the debit is open for matching again."""
    now = ctx.now()
    out = []
    for m in matches:
        m.state, m.undone_by, m.approved_by = "undone", ctx.operator, approved_by
        m.undone_at, m.undo_reason = now, reason
        r = s.get(Refund, int((m.before or {}).get("refundId", 0)))
        out.append(refund_match_record(m, r, s.get(Invoice, m.invoice_id)))
    s.flush()
    record_history(s, ctx, "statement_line", line.id, "unmatch", {"state": "debit"},
                   {"state": "debit", "refunds": [m.receipt_number for m in matches],
                    "approvedBy": approved_by}, reason)
    return out


def undo_match(ctx: Context, line_id, approved_by: str, reason: str) -> list[MatchRecord]:
    reason = validate_reason(reason)
    if not reason:
        raise ValidationError(_("Say why the match is undone."), field="reason")
    approved_by = _approver(ctx, approved_by)
    now = ctx.now()
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        line = _load_line(s, line_id)
        matches = list(s.execute(select(StatementMatch).where(
            StatementMatch.line_id == line.id, StatementMatch.state == "active")).scalars())
        if line.state == "debit" and matches:  # issue 15: a debit linked to refunds
            out = _undo_refund_links(s, ctx, line, matches, approved_by, reason)
            uow.commit()
            return out
        if line.state != "matched" or not matches:
            raise ConflictError(_("Line {id} is not matched: there is nothing to undo.",
                                  id=line.id),
                                field="line_id")
        for m in matches:
            closed = s.execute(select(Shift.id).where(
                Shift.till_code == m.till_code, Shift.operator == m.confirmed_by,
                Shift.state == "closed", Shift.opened_at <= m.confirmed_at,
                Shift.closed_at > m.confirmed_at)).first()
            if closed:
                raise ConflictError(
                    _("The shift that holds this match (till {till_code}) is closed, so it "
                      "cannot change. Record a correction in today's shift instead.",
                      till_code=m.till_code),
                    field="line_id")
        out = []
        for m in matches:
            inv = load_invoice(s, m.invoice_id, lock=True)
            op = _pay_operation(s, inv.id, m.receipt_number)
            if op is None or op.state != "pending" or op.attempts > 0:
                raise ConflictError(
                    _("The payment of {number} has already been sent to Plugipay, where a paid "
                      "invoice cannot be reopened. Settle it there (refund) instead; nothing "
                      "was changed here.", number=inv.local_number or inv.id), field="line_id")
            if inv.status != "paid":
                raise ConflictError(_("Invoice {number} is no longer paid (it is {status}); the "
                                      "match cannot be undone.", number=inv.local_number or inv.id,
                                      status=status_label(inv.status)),
                                    field="line_id")
            before = snapshot(inv)
            b = m.before or {}
            inv.status = b.get("status", "open")
            inv.amount_paid = int(b.get("amountPaid", 0))
            inv.paid_at = None
            inv.updated_at = now
            op.state = "cancelled"
            op.done_at = now
            op.last_error = f"Cancelled before sending: bank match undone by {ctx.operator}, " \
                            f"approved by {approved_by}."
            s.flush()
            others = s.execute(select(OutboxOperation.id).where(
                OutboxOperation.aggregate == f"invoice:{inv.id}",
                OutboxOperation.state == "pending")).first()
            inv.sync_state = "pending" if others else b.get("syncState", inv.sync_state)
            m.state, m.undone_by, m.approved_by = "undone", ctx.operator, approved_by
            m.undone_at, m.undo_reason = now, reason
            s.flush()
            record_history(s, ctx, "invoice", inv.id, "unpay", before,
                           {**snapshot(inv), "cancelledReceipt": m.receipt_number},
                           _("Bank match undone (receipt {receipt} cancelled), approved by "
                             "{name}: {reason}", receipt=m.receipt_number, name=approved_by,
                             reason=reason))
            out.append(_match_record(m, inv))
        line.state = "unmatched"
        record_history(s, ctx, "statement_line", line.id, "unmatch", {"state": "matched"},
                       {"state": "unmatched", "approvedBy": approved_by}, reason)
        uow.commit()
    return out
