"""Refunds of a paid invoice: what may be given back, and how much.

A refund is either an amount typed by the cashier, or lines and quantities
returned. A line refund's amount follows from the lines, with the invoice's
discount and tax in proportion. To keep rounding from drifting over several
partial returns, the amount is computed cumulatively: the value of everything
returned so far (this refund included) minus what earlier line refunds gave.
Returning every line therefore gives back exactly what was paid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.i18n import N_, _, gettext

from .errors import ValidationError
from .records import iso
from .validation import Problems

MAX_NOTE = 500
# The till's ways of giving money back; `cash` comes out of the drawer.
REFUND_METHODS: dict[str, str] = {
    "cash": N_("Cash"),
    "transfer": N_("Bank transfer"),
    "edc": N_("Card (EDC)"),
    "other": N_("Other"),
}
# Plugipay's list of refund reasons.
REFUND_REASONS: dict[str, str] = {
    "requested_by_customer": N_("Requested by the customer"),
    "duplicate": N_("Duplicate payment"),
    "fraudulent": N_("Fraudulent payment"),
    "other": N_("Other"),
}


def reason_label(reason: str | None) -> str:
    label = REFUND_REASONS.get(str(reason or ""))
    return gettext(label) if label else str(reason or "-")


@dataclass(frozen=True)
class RefundLineInput:
    index: int      # the invoice line's position (0-based)
    quantity: int   # how many of it come back


@dataclass(frozen=True)
class RefundInput:
    amount: int | None = None
    lines: tuple[RefundLineInput, ...] = field(default=())
    method: str = "cash"
    reason: str = "requested_by_customer"
    note: str = ""


@dataclass(frozen=True)
class SoldLine:
    quantity: int
    unit_amount: int
    returned: int = 0  # already returned by earlier refunds


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_refund(data: RefundInput) -> RefundInput:
    """The shape of a refund, before the invoice is looked at."""
    p = Problems()
    method = str(data.method or "").strip().lower()
    if method not in REFUND_METHODS:
        p.add("method", _("{method} is not a refund method. Choose one of: {choices}.",
                          method=repr(data.method), choices=", ".join(REFUND_METHODS)))
    reason = str(data.reason or "").strip().lower()
    if reason not in REFUND_REASONS:
        p.add("reason", _("{reason} is not a refund reason. Choose one of: {choices}.",
                          reason=repr(data.reason), choices=", ".join(REFUND_REASONS)))
    note = str(data.note or "").strip()
    if len(note) > MAX_NOTE:
        p.add("note", _("The note is too long: keep it under {n} characters.", n=MAX_NOTE))
    if (data.amount is None) == (not data.lines):
        p.add("amount", _("Give either an amount to refund or the lines returned, not both."))
    elif data.amount is not None and (not _is_int(data.amount) or data.amount <= 0):
        p.add("amount", _("The refund amount must be a whole number above zero, in the "
                          "smallest currency unit."))
    seen: set[int] = set()
    for line in data.lines:
        if not _is_int(line.index) or line.index < 0 or line.index in seen:
            p.add("lines", _("Each returned line must be a different line of the invoice."))
            break
        seen.add(line.index)
        if not _is_int(line.quantity) or line.quantity <= 0:
            p.add("lines", _("A returned quantity must be a whole number above zero."))
            break
    p.raise_if_any()
    return RefundInput(data.amount, tuple(data.lines), method, reason, note)


def _share(paid: int, part: int, whole: int) -> int:
    """paid × part / whole, rounded half up, in integers."""
    if whole <= 0:
        return 0
    return (2 * paid * part + whole) // (2 * whole)


def lines_amount(sold: list[SoldLine], returning: dict[int, int], paid: int,
                 given_by_lines: int) -> int:
    """The amount a line refund gives back. `sold` lists the invoice's lines
    (with what was already returned), `returning` maps a line index to the
    quantity coming back now, `paid` is what the invoice was paid and
    `given_by_lines` what earlier line refunds gave. Raises ValidationError
    when a line does not exist or more comes back than was sold."""
    for index, qty in returning.items():
        if index >= len(sold):
            raise ValidationError(_("The invoice has no line {n}.", n=index + 1), field="lines")
        line = sold[index]
        if line.returned + qty > line.quantity:
            raise ValidationError(
                _("Line {n}: {qty} cannot come back; {left} of {sold} are left to return.",
                  n=index + 1, qty=qty, left=line.quantity - line.returned, sold=line.quantity),
                field="lines")
    whole = sum(l.quantity * l.unit_amount for l in sold)
    returned = sum((l.returned + returning.get(i, 0)) * l.unit_amount
                   for i, l in enumerate(sold))
    return max(0, _share(paid, returned, whole) - given_by_lines)


def check_refundable(amount: int, paid: int, refunded: int) -> None:
    """The sum of refunds never exceeds what was paid."""
    left = paid - refunded
    if amount <= 0:
        raise ValidationError(_("Nothing is left to give back for these lines."),
                              field="amount")
    if amount > left:
        raise ValidationError(
            _("That is more than is left to refund: at most {left} can still be given back.",
              left=left), field="amount")


def is_fully_refunded(paid: int, refunded: int) -> bool:
    return paid > 0 and refunded >= paid


@dataclass(frozen=True)
class RefundLineRecord:
    index: int
    description: str
    quantity: int
    unit_amount: int

    def to_json(self) -> dict:
        return {"index": self.index, "description": self.description,
                "quantity": self.quantity, "unitAmount": self.unit_amount}


@dataclass(frozen=True)
class RefundRecord:
    id: int
    local_number: str
    invoice_id: int
    invoice_number: str  # the invoice as people name it (local number, or Plugipay's)
    amount: int
    currency: str
    method: str
    reason: str
    note: str
    operator: str
    approved_by: str | None
    source: str  # till | plugipay
    sync_state: str
    plugipay_id: str | None
    created_at: datetime
    lines: tuple[RefundLineRecord, ...] = field(default=())

    def to_json(self) -> dict:
        return {
            "id": self.id, "localNumber": self.local_number, "invoiceId": self.invoice_id,
            "invoiceNumber": self.invoice_number, "amount": self.amount,
            "currency": self.currency, "method": self.method, "reason": self.reason,
            "note": self.note or None, "operator": self.operator,
            "approvedBy": self.approved_by, "source": self.source,
            "createdAt": iso(self.created_at), "syncState": self.sync_state,
            "plugipayId": self.plugipay_id, "lines": [l.to_json() for l in self.lines],
        }
