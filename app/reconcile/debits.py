"""Debit lines against refunds paid by bank transfer (issue 15).

A refund given back by transfer leaves the shop's account as a debit on the
statement. Such a debit is suggested against the transfer refunds not yet
linked to a line, and confirmed (or undone, app/reconcile/undo.py) like a
credit. Confirming changes no money: the refund was given when it was made;
the link records that the bank has carried it out.

A debit line keeps its state `debit`; its link is a `statement_matches` row
with no payment, whose `receipt_number` holds the refund's number and whose
`before` holds `{"refundId": ...}`. Scoring, in points (0-100): the refund's
number in the description 60, the invoice's number 50, the amount equal 30,
the date on or after the refund within 14 days 5; a date more than a day
before the refund costs 40; an amount that differs caps it at 70.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.errors import ConflictError, ValidationError
from app.domain.formatting import format_amount
from app.domain.records import iso
from app.i18n import _
from app.services.audit import record_history
from app.services.context import Context
from app.services.refunds import load_refund
from app.store.models import Invoice
from app.store.reconcile_models import StatementLine, StatementMatch
from app.store.refund_models import Refund

from .service import _load_line, confirm

REFUND_REF, INVOICE_REF, AMOUNT, NEAR = 60, 50, 30, 5
BEFORE_REFUND, MISMATCH_CAP, AMBIGUOUS_CAP, AMBIGUOUS_GAP, SHOWN = 40, 70, 60, 15, 20
NEAR_DAYS = timedelta(days=14)
ONE_DAY = timedelta(days=1)
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def _squash(text: str | None) -> str:
    """Upper case, letters and digits only: banks drop dashes and spaces."""
    return _NOT_ALNUM.sub("", (text or "").upper())


@dataclass(frozen=True)
class RefundCandidate:
    id: int
    local_number: str
    invoice_id: int
    invoice_numbers: tuple[str, ...]  # the invoice's local and Plugipay numbers
    amount: int
    currency: str
    made_on: date


@dataclass(frozen=True)
class DebitSuggestion:
    refund_id: int
    refund_number: str
    invoice_id: int
    confidence: int
    amount: int
    difference: int  # money out minus the refund: 0 is exact
    reasons: tuple[str, ...]

    def to_json(self) -> dict:
        return {"refundIds": [self.refund_id], "refundNumbers": [self.refund_number],
                "invoiceIds": [self.invoice_id], "confidence": self.confidence,
                "amount": self.amount, "difference": self.difference,
                "reasons": list(self.reasons)}


@dataclass(frozen=True)
class DebitSuggestions:
    line_id: int
    booked_on: date
    amount: int  # negative: money going out
    currency: str
    description: str
    suggestions: tuple[DebitSuggestion, ...] = field(default=())
    flag: str = ""  # "", no_match, ambiguous, review
    note: str = ""

    @property
    def best(self) -> DebitSuggestion | None:
        return self.suggestions[0] if self.suggestions else None

    def to_json(self) -> dict:
        return {"lineId": self.line_id, "kind": "debit",
                "bookedOn": self.booked_on.isoformat() if self.booked_on else None,
                "amount": self.amount, "currency": self.currency,
                "description": self.description, "flag": self.flag or None,
                "note": self.note or None, "suggestions": [s.to_json() for s in self.suggestions]}


@dataclass(frozen=True)
class RefundMatchRecord:
    id: int
    line_id: int
    refund_id: int
    refund_number: str
    invoice_id: int
    invoice_number: str
    amount: int
    state: str
    confirmed_by: str
    confirmed_at: object
    undone_by: str = ""
    approved_by: str = ""
    undo_reason: str = ""

    def to_json(self) -> dict:
        return {"id": self.id, "lineId": self.line_id, "kind": "refund",
                "refundId": self.refund_id, "refundNumber": self.refund_number,
                "invoiceId": self.invoice_id, "invoiceNumber": self.invoice_number,
                "amount": self.amount, "state": self.state, "confirmedBy": self.confirmed_by,
                "confirmedAt": iso(self.confirmed_at), "undoneBy": self.undone_by or None,
                "approvedBy": self.approved_by or None, "undoReason": self.undo_reason or None}


def _linked_refunds(s: Session) -> set[int]:
    rows = s.execute(select(StatementMatch.before).where(
        StatementMatch.state == "active", StatementMatch.payment_id.is_(None)))
    return {int(b["refundId"]) for (b,) in rows if isinstance(b, dict) and b.get("refundId")}


def _linked_lines(s: Session, line_ids) -> set[int]:
    if not line_ids:
        return set()
    return set(s.execute(select(StatementMatch.line_id).where(
        StatementMatch.state == "active", StatementMatch.line_id.in_(list(line_ids)))).scalars())


def load_refund_candidates(s: Session) -> list[RefundCandidate]:
    """Refunds given by transfer and not yet linked to a statement line."""
    linked = _linked_refunds(s)
    rows = s.execute(select(Refund.id, Refund.local_number, Refund.invoice_id, Refund.amount,
                            Refund.currency, Refund.created_at, Invoice.local_number,
                            Invoice.number)
                     .join(Invoice, Invoice.id == Refund.invoice_id)
                     .where(Refund.method == "transfer").order_by(Refund.id))
    return [RefundCandidate(i, number, inv, tuple(n for n in (local, pp) if n), amount, cur,
                            created.astimezone().date())
            for i, number, inv, amount, cur, created, local, pp in rows if i not in linked]


def load_debits(s: Session, line_ids=None) -> list[StatementLine]:
    """Debit lines not yet linked to a refund (all, or those of `line_ids`)."""
    stmt = select(StatementLine).where(StatementLine.state == "debit")
    if line_ids:
        stmt = stmt.where(StatementLine.id.in_(list(line_ids)))
    lines = list(s.execute(stmt.order_by(StatementLine.id)).scalars())
    linked = _linked_lines(s, [l.id for l in lines])
    return [l for l in lines if l.id not in linked]


def score(line: StatementLine, c: RefundCandidate) -> DebitSuggestion:
    """How well one debit line fits one transfer refund, with the reasons."""
    text = _squash(line.description)
    points, reasons = 0, []
    if _squash(c.local_number) in text:
        points += REFUND_REF
        reasons.append(_("refund {number} in the description", number=c.local_number))
    else:
        named = [n for n in c.invoice_numbers if _squash(n) and _squash(n) in text]
        if named:
            points += INVOICE_REF
            reasons.append(_("invoice {number} in the description", number=named[0]))
    out = -line.amount
    diff = out - c.amount
    if not diff:
        points += AMOUNT
        reasons.append(_("amount equals the refund"))
    if line.booked_on < c.made_on - ONE_DAY:
        points -= BEFORE_REFUND
        reasons.append(_("booked before the refund was made"))
    elif line.booked_on <= c.made_on + NEAR_DAYS:
        points += NEAR
        reasons.append(_("booked within two weeks of the refund"))
    conf = max(0, min(100, points))
    if diff:
        conf = min(conf, MISMATCH_CAP)
        reasons.append(_("the debit differs from the refund by {amount}",
                         amount=format_amount(abs(diff), c.currency)))
    return DebitSuggestion(c.id, c.local_number, c.invoice_id, conf, c.amount, diff,
                           tuple(reasons))


def _rank(line: StatementLine, candidates, limit: int) -> DebitSuggestions:
    scored = [score(line, c) for c in candidates if c.currency == line.currency]
    scored = sorted((x for x in scored if x.confidence >= SHOWN),
                    key=lambda x: (-x.confidence, abs(x.difference), x.refund_id))
    args = (line.id, line.booked_on, line.amount, line.currency, line.description)
    if not scored:
        return DebitSuggestions(*args, (), "no_match", _("No transfer refund matches this debit."))
    flag, note = "", ""
    if len(scored) > 1 and scored[1].confidence >= scored[0].confidence - AMBIGUOUS_GAP:
        scored = [DebitSuggestion(x.refund_id, x.refund_number, x.invoice_id,
                                  min(x.confidence, AMBIGUOUS_CAP), x.amount, x.difference,
                                  x.reasons) for x in scored]
        flag, note = "ambiguous", _("Several refunds fit; choose one.")
    elif scored[0].confidence < 45:
        flag, note = "review", _("Only weak evidence; check before confirming.")
    return DebitSuggestions(*args, tuple(scored[:limit]), flag, note)


def suggest_debits(ctx: Context, line_ids=None, limit: int = 5) -> list[DebitSuggestions]:
    """Ranked transfer refunds for each debit line not yet linked."""
    with ctx.store.reader() as uow:
        s = uow.session
        lines = load_debits(s, line_ids)
        if not lines:
            return []
        candidates = load_refund_candidates(s)
        return [_rank(l, candidates, limit) for l in lines]


def refund_match_record(m: StatementMatch, r: Refund, inv: Invoice) -> RefundMatchRecord:
    return RefundMatchRecord(m.id, m.line_id, r.id, r.local_number, inv.id,
                             inv.local_number or inv.number or str(inv.id), m.amount, m.state,
                             m.confirmed_by, m.confirmed_at, m.undone_by, m.approved_by,
                             m.undo_reason)


def _refunds_for(s: Session, line: StatementLine, refs) -> list[Refund]:
    linked = _linked_refunds(s)
    out: list[Refund] = []
    for ref in refs:
        r = load_refund(s, ref)
        if any(x.id == r.id for x in out):
            raise ValidationError(_("Refund {number} is named twice.", number=r.local_number),
                                  field="refund_ids")
        if r.method != "transfer":
            raise ConflictError(_("Refund {number} was not given back by bank transfer: no "
                                  "statement line carries it.", number=r.local_number),
                                field="refund_ids")
        if r.id in linked:
            raise ConflictError(_("Refund {number} is already matched with another statement "
                                  "line. Undo that match first.", number=r.local_number),
                                field="refund_ids")
        if r.currency != line.currency:
            raise ConflictError(_("Refund {number} is in {currency}, the debit in "
                                  "{line_currency}.", number=r.local_number,
                                  currency=r.currency, line_currency=line.currency),
                                field="refund_ids")
        out.append(r)
    return out


def confirm_debit(ctx: Context, line_id, refund_refs, *,
                  confidence: int | None = None) -> list[RefundMatchRecord]:
    """Link a debit line to the transfer refund(s) it carried out, or change nothing."""
    refs = [str(r).strip() for r in (refund_refs or ()) if str(r).strip()]
    if not refs:
        raise ValidationError(_("Name at least one refund to match the debit with."),
                              field="refund_ids")
    now = ctx.now()
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        line = _load_line(s, line_id)
        if line.state != "debit":
            raise ConflictError(_("Line {id} is a credit: match it with invoices, not refunds.",
                                  id=line.id), field="line_id")
        if _linked_lines(s, [line.id]):
            raise ConflictError(_("Line {id} is already matched. Undo that match first.",
                                  id=line.id), field="line_id")
        refunds = _refunds_for(s, line, refs)
        total = sum(r.amount for r in refunds)
        if total != -line.amount:
            raise ConflictError(
                _("The debit of {amount} is not the {total} refunded by {numbers}; nothing "
                  "was matched.", amount=format_amount(-line.amount, line.currency),
                  total=format_amount(total, line.currency),
                  numbers=", ".join(r.local_number for r in refunds)), field="amount")
        made = []
        for r in refunds:
            m = StatementMatch(line_id=line.id, invoice_id=r.invoice_id, payment_id=None,
                               receipt_number=r.local_number, amount=r.amount, state="active",
                               auto=False, confidence=confidence, till_code=ctx.till,
                               confirmed_by=ctx.operator, confirmed_at=now,
                               before={"refundId": r.id})
            s.add(m)
            made.append((m, r))
        s.flush()
        record_history(s, ctx, "statement_line", line.id, "match", {"state": "debit"},
                       {"state": "debit", "refundIds": [r.id for r in refunds],
                        "refunds": [r.local_number for r in refunds],
                        "confidence": confidence}, _("Confirmed"))
        out = [refund_match_record(m, r, s.get(Invoice, r.invoice_id)) for m, r in made]
        uow.commit()
    return out


def is_debit(ctx: Context, line_id) -> bool:
    with ctx.store.reader() as uow:
        return _load_line(uow.session, line_id).state == "debit"


def confirm_line(ctx: Context, line_id, refs, **kw) -> list:
    """`kasir reconcile confirm`: a credit pays invoices, a debit links refunds."""
    if is_debit(ctx, line_id):
        return confirm_debit(ctx, line_id, refs, **kw)
    return confirm(ctx, line_id, refs, **kw)
