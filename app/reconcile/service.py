"""Reconciliation actions: suggest, confirm (one transaction for the whole
transfer), undo (a manager, before the day is closed, before Plugipay heard of
it) and auto-match."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.formatting import format_amount
from app.i18n import _
from app.domain.errors import ConflictError, NotFoundError, ValidationError
from app.services.audit import record_history
from app.services.context import Context
from app.services.invoices import PaymentInput, load_invoice, pay_in_session
from app.services.settings import get_setting, set_setting
from app.store.reconcile_models import StatementLine, StatementMatch

from .loading import load_candidates, load_credits
from .matching import HIGH, LineSuggestions, Matcher, gc_paused
from .records import AutoOutcome, MatchRecord, StatementLineRecord

AUTO_SETTING = "reconcile.auto_min_confidence"
DEFAULT_AUTO = 90


def _line_record(line, invoice_ids=()) -> StatementLineRecord:
    return StatementLineRecord(line.id, line.statement_id, line.bank, line.account,
                               line.currency, line.booked_on, line.amount, line.description,
                               line.balance, line.state, tuple(invoice_ids))


def list_lines(ctx: Context, state: str | None = "unmatched", date_from=None, date_to=None,
               limit: int = 1000) -> list[StatementLineRecord]:
    with ctx.store.reader() as uow:
        stmt = select(StatementLine).order_by(StatementLine.booked_on, StatementLine.id)
        if state:
            stmt = stmt.where(StatementLine.state == state)
        if date_from:
            stmt = stmt.where(StatementLine.booked_on >= date_from)
        if date_to:
            stmt = stmt.where(StatementLine.booked_on <= date_to)
        lines = list(uow.session.execute(stmt.limit(limit)).scalars())
        links: dict[int, list[int]] = {}
        ids = [l.id for l in lines if l.state == "matched"]
        for i in range(0, len(ids), 500):
            for m in uow.session.execute(select(StatementMatch).where(
                    StatementMatch.line_id.in_(ids[i:i + 500]),
                    StatementMatch.state == "active")).scalars():
                links.setdefault(m.line_id, []).append(m.invoice_id)
        return [_line_record(l, links.get(l.id, ())) for l in lines]


def suggest(ctx: Context, line_ids=None, limit: int = 5) -> list[LineSuggestions]:
    """Ranked suggestions for unmatched credits (all of them, or the ones named).
    The garbage collector waits meanwhile: the index is a million short-lived
    objects without a cycle among them, which it would otherwise scan again and
    again (a quarter of the time for 10,000 lines against 100,000 invoices)."""
    with gc_paused():
        with ctx.store.reader() as uow:
            credits = load_credits(uow.session, line_ids)
            if not credits:
                return []
            matcher = Matcher(load_candidates(uow.session))
        out = [matcher.suggest(c, limit) for c in credits]
        del matcher, credits  # freed now, before the collector wakes up and scans them
    return out


def _paid_at(booked_on: date, now: datetime) -> datetime:
    local = datetime.combine(booked_on, time(0)).astimezone()
    return min(local.astimezone(timezone.utc), now)


def _line_reference(line) -> str:
    ref = f"Bank {line.bank} {line.account} {line.booked_on.isoformat()} line #{line.id}"
    return (ref + (f": {line.description}" if line.description else ""))[:200]


def confirm(ctx: Context, line_id, invoice_refs, *, confidence: int | None = None,
            auto: bool = False) -> list[MatchRecord]:
    """Pay every invoice named with this credit and link them, or change nothing."""
    refs = [str(r).strip() for r in (invoice_refs or ()) if str(r).strip()]
    if not refs:
        raise ValidationError(_("Name at least one invoice to match the line with."),
                              field="invoice_ids")
    now = ctx.now()
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        line = _load_line(s, line_id)
        if line.state == "debit":
            raise ConflictError(_("Line {id} is a debit: money going out pays no invoice.",
                                  id=line.id),
                                field="line_id")
        if line.state != "unmatched":
            raise ConflictError(_("Line {id} is already matched. Undo that match first.",
                                  id=line.id),
                                field="line_id")
        invoices = []
        for ref in refs:
            inv = load_invoice(s, ref, lock=True)
            if any(i.id == inv.id for i in invoices):
                raise ValidationError(_("Invoice {ref} is named twice.", ref=ref), field="invoice_ids")
            if inv.currency != line.currency:
                raise ConflictError(_("Invoice {number} is in {currency}, the transfer in "
                                      "{transfer_currency}.", number=inv.local_number or inv.id,
                                      currency=inv.currency, transfer_currency=line.currency),
                                    field="invoice_ids")
            invoices.append(inv)
        due = sum(i.total - i.amount_paid for i in invoices)
        if due != line.amount:
            fields = dict(
                amount=format_amount(line.amount, line.currency),
                due=format_amount(due, line.currency),
                numbers=", ".join(i.local_number or str(i.id) for i in invoices),
                difference=format_amount(line.amount - due, line.currency))
            if line.amount < due:
                message = _("The transfer of {amount} pays less than the {due} due on {numbers} "
                            "(difference {difference}). It is left for a person to settle; "
                            "nothing was marked paid.", **fields)
            else:
                message = _("The transfer of {amount} pays more than the {due} due on {numbers} "
                            "(difference {difference}). It is left for a person to settle; "
                            "nothing was marked paid.", **fields)
            raise ConflictError(message, field="amount")
        paid_at = _paid_at(line.booked_on, now)
        issued = [i.issued_at for i in invoices if i.issued_at]
        if issued and paid_at < max(issued) <= now:
            paid_at = max(issued)  # the bank gives a day only: not before the invoice existed
        data = PaymentInput("transfer", _line_reference(line), paid_at)
        made = []
        for inv in invoices:
            before = {"status": inv.status, "amountPaid": inv.amount_paid,
                      "paidAt": inv.paid_at.isoformat() if inv.paid_at else None,
                      "syncState": inv.sync_state}
            inv, receipt, pay = pay_in_session(s, ctx, inv.id, data)
            m = StatementMatch(line_id=line.id, invoice_id=inv.id, payment_id=pay.id,
                               receipt_number=receipt.number, amount=pay.amount, state="active",
                               auto=auto, confidence=confidence, till_code=ctx.till,
                               confirmed_by=ctx.operator, confirmed_at=now, before=before)
            s.add(m)
            made.append((m, inv))
        line.state = "matched"
        s.flush()
        record_history(s, ctx, "statement_line", line.id, "match", {"state": "unmatched"},
                       {"state": "matched", "invoiceIds": [i.id for i in invoices],
                        "auto": auto, "confidence": confidence},
                       _("Auto-matched") if auto else _("Confirmed"))
        out = [_match_record(m, inv) for m, inv in made]
        uow.commit()
    return out


def _load_line(s: Session, line_id):
    try:
        key = int(str(line_id).strip())
    except ValueError:
        raise NotFoundError(_("There is no statement line {line_id}.", line_id=line_id), field="line_id") from None
    line = s.get(StatementLine, key)
    if line is None:
        raise NotFoundError(_("There is no statement line {line_id}.", line_id=line_id), field="line_id")
    return line


def _match_record(m, inv) -> MatchRecord:
    return MatchRecord(m.id, m.line_id, m.invoice_id, inv.local_number or inv.number or str(inv.id),
                       m.amount, m.receipt_number, m.state, m.auto, m.confirmed_by,
                       m.confirmed_at, m.undone_by, m.approved_by, m.undo_reason)


def auto_match(ctx: Context, min_confidence: int | None = None) -> list[AutoOutcome]:
    """Confirm every suggestion at or above the shop's confidence that pays exactly and
    that no other line claims too. Each confirmation is its own transaction."""
    if min_confidence is None:
        min_confidence = int(get_setting(ctx, AUTO_SETTING, DEFAULT_AUTO))
    if not HIGH <= min_confidence <= 100:
        raise ValidationError(_("The confidence for auto-matching must be between {HIGH} and "
                                "100: below that a person should look.", HIGH=HIGH), field="min_confidence")
    results = suggest(ctx, limit=2)
    claims: dict[int, int] = {}
    for r in results:
        if r.best:
            for i in r.best.invoice_ids:
                claims[i] = claims.get(i, 0) + 1
    out = []
    for r in results:
        b = r.best
        if b is None:
            out.append(AutoOutcome(r.line_id, (), 0, False, r.note or "no match"))
            continue
        note = ""
        if not b.exact:
            note = r.note or "amount differs from what is due"
        elif b.confidence < min_confidence:
            note = f"confidence {b.confidence} below {min_confidence}"
        elif any(claims[i] > 1 for i in b.invoice_ids):
            note = "another statement line fits the same invoice: a person must choose"
        if note:
            out.append(AutoOutcome(r.line_id, b.invoice_ids, b.confidence, False, note))
            continue
        try:
            confirm(ctx, r.line_id, b.invoice_ids, confidence=b.confidence, auto=True)
            out.append(AutoOutcome(r.line_id, b.invoice_ids, b.confidence, True,
                                   "; ".join(b.reasons)))
        except (ConflictError, ValidationError, NotFoundError) as e:
            out.append(AutoOutcome(r.line_id, b.invoice_ids, b.confidence, False, e.message))
    return out


def set_auto_threshold(ctx: Context, value: int) -> int:
    if not HIGH <= value <= 100:
        raise ValidationError(_("Choose a confidence between {HIGH} and 100.", HIGH=HIGH),
                              field="min_confidence")
    set_setting(ctx, AUTO_SETTING, int(value))
    return int(value)
