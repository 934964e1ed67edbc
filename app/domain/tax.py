"""Tax rates and the flat `tax` Plugipay takes: the rounding rule, written once.

A rate is an integer count of hundredths of a percent (PPN 11 % = 1100,
1.1 % = 110), parsed from the decimal text a person types; no float ever.

Prices WITHOUT tax (the rule of issue 14, exactly): lines are grouped by rate;
the invoice discount is spread over the groups in proportion to their base
(Σ quantity × unitAmount), each share rounded down and the remainder given to
the largest group (the first of equals, by rate); each group's tax is
round-half-up of (base − its discount share) × rate / 100 in the smallest
unit, and `tax` is the sum. Lines and discount go to Plugipay as typed.

Prices INCLUDING tax (shelf prices): the customer pays exactly Σ shelf prices
minus the discount. Plugipay computes `total = subtotal − discount + tax`, so
what it receives is split into net and tax, this way:
- each line keeps its quantity and gets the net unit price
  round-half-up(shelf × 100 / (100 + rate)): the line reads as it would on a
  tax invoice (net price per unit), and its tax is quantity × (shelf − net);
- the (shelf-price) discount is spread over rate groups as above; each share
  is netted the same way, round-half-up(share × 100 / (100 + rate)), kept
  between max(0, net lines − (shelf − share)) and min(share, net lines) so
  that no group's tax goes below zero;
- Plugipay's `discount` is the sum of the net shares and `tax` the sum of the
  groups' tax = (shelf − share) − (net lines − net share).
Then subtotal − discount + tax = Σ shelf − discount, to the rupiah, by
construction. Rounding per unit means the tax can differ by a rupiah or two
from the tax of the group total; the customer's price never does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from app.i18n import _

from .errors import ValidationError

HUNDRED_PERCENT = 10000  # a rate of 100 %, in hundredths of a percent
DEFAULT_RATE = 1100  # PPN 11 %
_RATE_TEXT = re.compile(r"^(\d{1,3})(?:[.,](\d{1,2}))?$")


def parse_rate(text, field: str = "tax_rate") -> int:
    """"11" -> 1100, "1.1" -> 110, "12,5" -> 1250, "0" -> 0. An int is taken as
    whole percent. Refuses negatives, more than 100 %, more than 2 decimals, words."""
    if isinstance(text, bool):
        text = None
    if isinstance(text, int):
        text = str(text)
    value = text.strip().rstrip("%").strip() if isinstance(text, str) else ""
    m = _RATE_TEXT.match(value)
    if m is None:
        if value.startswith("-"):
            raise ValidationError(_("A tax rate cannot be negative."), field=field)
        raise ValidationError(
            _("{text} is not a tax rate. Type a percentage such as 11 or 1.1 "
              "(at most two decimals).", text=repr(text)), field=field)
    rate = int(m.group(1)) * 100 + int((m.group(2) or "0").ljust(2, "0"))
    if rate > HUNDRED_PERCENT:
        raise ValidationError(_("A tax rate cannot be more than 100 %."), field=field)
    return rate


def format_rate(rate: int) -> str:
    """1100 -> "11", 110 -> "1.1", 1250 -> "12.5" (for people and JSON)."""
    whole, frac = divmod(int(rate), 100)
    return f"{whole}.{frac:02d}".rstrip("0").rstrip(".") if frac else str(whole)


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for numerator >= 0, denominator > 0."""
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True)
class TaxLine:
    quantity: int
    unit_amount: int  # the price as typed: net (exclusive) or shelf (inclusive)
    rate: int


@dataclass(frozen=True)
class TaxGroup:
    rate: int
    base: int  # Σ quantity × unit price sent to Plugipay for this rate
    discount: int  # this group's share of Plugipay's discount
    tax: int


@dataclass(frozen=True)
class TaxResult:
    unit_amounts: tuple[int, ...]  # per line, what Plugipay gets as unitAmount
    subtotal: int
    discount: int  # Plugipay's flat discount
    tax: int  # Plugipay's flat tax
    groups: tuple[TaxGroup, ...]

    @property
    def total(self) -> int:
        return max(0, self.subtotal - self.discount + self.tax)


def spread(amount: int, weights: Sequence[int]) -> list[int]:
    """`amount` shared in proportion to `weights`, shares rounded down, the
    remainder to the largest weight (the first of equals). Capped at Σ weights."""
    total = sum(weights)
    amount = min(amount, total)
    if total <= 0:
        return [0] * len(weights)
    shares = [amount * w // total for w in weights]
    largest = max(range(len(weights)), key=lambda i: (weights[i], -i))
    shares[largest] += amount - sum(shares)
    return shares


def _groups(lines: Sequence[TaxLine], amounts: Sequence[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for line, amount in zip(lines, amounts):
        out[line.rate] = out.get(line.rate, 0) + amount
    return dict(sorted(out.items()))


def tax_exclusive(lines: Sequence[TaxLine], discount: int) -> TaxResult:
    amounts = [l.quantity * l.unit_amount for l in lines]
    groups = _groups(lines, amounts)
    shares = spread(discount, list(groups.values()))
    out = tuple(TaxGroup(rate, base, share, round_half_up((base - share) * rate, HUNDRED_PERCENT))
                for (rate, base), share in zip(groups.items(), shares))
    return TaxResult(tuple(l.unit_amount for l in lines), sum(amounts), discount,
                     sum(g.tax for g in out), out)


def net_of(amount: int, rate: int) -> int:
    """The part of a tax-included amount that is not tax, rounded half up."""
    return round_half_up(amount * HUNDRED_PERCENT, HUNDRED_PERCENT + rate)


def tax_inclusive(lines: Sequence[TaxLine], discount: int) -> TaxResult:
    units = tuple(net_of(l.unit_amount, l.rate) for l in lines)
    shelf = _groups(lines, [l.quantity * l.unit_amount for l in lines])
    net = _groups(lines, [l.quantity * u for l, u in zip(lines, units)])
    shares = spread(discount, list(shelf.values()))
    out = []
    for (rate, gross), share in zip(shelf.items(), shares):
        lo, hi = max(0, net[rate] - (gross - share)), min(share, net[rate])
        net_share = min(max(net_of(share, rate), lo), hi)
        out.append(TaxGroup(rate, net[rate], net_share,
                            (gross - share) - (net[rate] - net_share)))
    return TaxResult(units, sum(net.values()), sum(g.discount for g in out),
                     sum(g.tax for g in out), tuple(out))


def compute_tax(lines: Iterable[TaxLine], discount: int, *, inclusive: bool) -> TaxResult:
    """Lines at their rates and the invoice discount -> what Plugipay is sent."""
    lines = tuple(lines)
    return (tax_inclusive if inclusive else tax_exclusive)(lines, discount)


def stored_groups(lines: Iterable[tuple[int, int, int | None, int | None]], discount: int,
                  total: int) -> tuple[TaxGroup, ...]:
    """The rate groups of a stored invoice, for documents' tax breakdown: `lines`
    are (quantity, unit_amount, rate, shelf_unit_amount). Empty when the tax was
    typed as an amount. A tax-included invoice's typed discount is Σ shelf − total."""
    lines = tuple(lines)
    if not lines or any(rate is None for _q, _u, rate, _s in lines):
        return ()
    if any(shelf is not None for _q, _u, _r, shelf in lines):
        shelf_total = sum(q * shelf for q, _u, _r, shelf in lines)
        return tax_inclusive([TaxLine(q, shelf, rate) for q, _u, rate, shelf in lines],
                             shelf_total - total).groups
    return tax_exclusive([TaxLine(q, u, rate) for q, u, rate, _s in lines], discount).groups
