"""Tenders and change: how the money handed over pays an amount due.

Pure, so the window's pay step can call `settle` live as the cashier types.
Rules: amounts are positive whole numbers; a tender of a method other than
cash never exceeds what is due, nor do all non-cash tenders together (a card
is charged exactly, never "with change"); cash beyond what is due is change;
less in total than due is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from app.i18n import _

from .currency import MAX_AMOUNT
from .errors import ValidationError
from .labels import method_label

TENDER_METHODS = ("cash", "edc", "transfer", "qris", "other")
MAX_TENDERS = 20
MAX_TENDER_REFERENCE = 200
# The notes people hand over, in rupiah; above the largest, multiples of it.
IDR_NOTES = (2_000, 5_000, 10_000, 20_000, 50_000, 100_000)


@dataclass(frozen=True)
class Tender:
    method: str
    amount: int
    reference: str = ""

    def to_json(self) -> dict:
        return {"method": self.method, "amount": self.amount,
                "reference": self.reference or None}


@dataclass(frozen=True)
class Settlement:
    tenders: tuple[Tender, ...]  # cleaned: method lower-case, reference stripped
    due: int
    cash_received: int
    change: int

    @property
    def cash_kept(self) -> int:
        return self.cash_received - self.change

    @property
    def method(self) -> str:
        """The method Plugipay is told: the largest tender's (the first of equals)."""
        return max(self.tenders, key=lambda t: t.amount).method

    @property
    def reference(self) -> str:
        return "; ".join(t.reference for t in self.tenders if t.reference)


def _refuse(message: str, field: str = "tenders"):
    raise ValidationError(message, field=field)


def clean_tender(t: Tender, n: int) -> Tender:
    method = (t.method or "").strip().lower() if isinstance(t.method, str) else ""
    if method not in TENDER_METHODS:
        _refuse(_("Tender {n}: {method} is not a payment method. Choose one of: {choices}.",
                  n=n, method=repr(t.method), choices=", ".join(TENDER_METHODS)),
                f"tenders[{n}].method")
    amount = t.amount
    if isinstance(amount, bool) or not isinstance(amount, int):
        _refuse(_("Tender {n}: the amount must be a whole number in the smallest currency "
                  "unit.", n=n), f"tenders[{n}].amount")
    if amount <= 0:
        _refuse(_("Tender {n}: the amount must be more than zero.", n=n),
                f"tenders[{n}].amount")
    if amount > MAX_AMOUNT:
        _refuse(_("Tender {n}: the amount is too large.", n=n), f"tenders[{n}].amount")
    ref = t.reference if isinstance(t.reference, str) else ""
    ref = ref.strip()
    if len(ref) > MAX_TENDER_REFERENCE or "\x00" in ref:
        _refuse(_("Tender {n}: the reference is too long or has a character that cannot be "
                  "stored.", n=n), f"tenders[{n}].reference")
    return Tender(method, amount, ref)


def settle(due: int, tenders: Sequence[Tender]) -> Settlement:
    """The change to give, or a ValidationError saying what to fix."""
    if not tenders:
        _refuse(_("Add at least one tender: how was the invoice paid?"))
    if len(tenders) > MAX_TENDERS:
        _refuse(_("A payment can have at most {count} tenders.", count=MAX_TENDERS))
    clean = tuple(clean_tender(t, n) for n, t in enumerate(tenders, start=1))
    for n, t in enumerate(clean, start=1):
        if t.method != "cash" and t.amount > due:
            _refuse(_("Tender {n}: {method} cannot be more than the amount due; only cash "
                      "gives change.", n=n, method=method_label(t.method)),
                    f"tenders[{n}].amount")
    non_cash = sum(t.amount for t in clean if t.method != "cash")
    if non_cash > due:
        _refuse(_("The card, transfer and other tenders together are more than the amount "
                  "due; only cash gives change."))
    received = sum(t.amount for t in clean)
    if received < due:
        _refuse(_("The tenders cover {received} of {due}: {short} is still missing.",
                  received=received, due=due, short=due - received))
    cash = received - non_cash
    return Settlement(clean, due, cash, received - due)


def quick_cash(due: int) -> list[int]:
    """Cash buttons for an amount due in rupiah, smallest first, at most 4: the
    exact amount; then, among the amounts due rounded up to a note people hand
    over (Rp 2.000 ... 100.000, a note counting only when at most five of it
    make the amount) and to the next multiples of 50.000 and 100.000 above it,
    the smallest and the two largest (the big notes people hand over); under
    Rp 10.000, the three smallest."""
    if due <= 0:
        return [0]
    cands = {-(-due // n) * n for n in IDR_NOTES if n * 5 >= due}
    top = (due // 100_000 + 1) * 100_000
    cands |= {(due // 50_000 + 1) * 50_000, top, top + 100_000 if due >= 100_000 else top}
    cands = sorted(c for c in cands if c > due)
    if len(cands) <= 3 or due < 10_000:  # small sums: the next small notes
        return [due] + cands[:3]
    picks = [cands[0]] + cands[-2:]
    return [due] + picks
