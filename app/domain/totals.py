"""Invoice totals, exactly as Plugipay computes them. Integers only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Totals:
    subtotal: int
    discount: int
    tax: int
    total: int
    amount_paid: int
    amount_due: int


def line_amount(quantity: int, unit_amount: int) -> int:
    return quantity * unit_amount


def compute_totals(
    lines: Iterable[tuple[int, int]], discount: int = 0, tax: int = 0, amount_paid: int = 0
) -> Totals:
    """`lines` are (quantity, unit_amount) pairs in the smallest currency unit."""
    subtotal = sum(line_amount(q, u) for q, u in lines)
    total = max(0, subtotal - discount + tax)
    return Totals(subtotal, discount, tax, total, amount_paid, total - amount_paid)
