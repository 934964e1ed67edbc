"""Pricing a draft's lines: a typed tax as before, or the tax computed from rates
(the shop's default, or the line's catalogue item's own) by app/domain/tax.py,
tax-included or not as the shop's setting says."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import _
from app.domain.errors import ValidationError
from app.domain.tax import TaxLine, compute_tax
from app.domain.totals import compute_totals, line_amount
from app.domain.validation import TAX_RATE_SHOP, DraftInput
from app.store.models import InvoiceLine, Item

from .settings import tax_settings_in


@dataclass
class Priced:
    lines: list[InvoiceLine]
    subtotal: int
    discount: int
    tax: int
    total: int


def _item_rates(s: Session, data: DraftInput) -> dict[str, int | None]:
    codes = {l.item_code for l in data.lines if l.item_code}
    if not codes:
        return {}
    found = dict(s.execute(select(Item.code, Item.tax_rate).where(Item.code.in_(codes))).all())
    for i, l in enumerate(data.lines, start=1):
        if l.item_code and l.item_code not in found:
            raise ValidationError(_("Line {n}: there is no item with the code {code}.",
                                    n=i, code=l.item_code), field=f"lines[{i}].item_code")
    return found


def price_lines(s: Session, data: DraftInput) -> Priced:
    """`data` as cleaned by validate_draft: `tax_rate` is None, an int or TAX_RATE_SHOP."""
    if data.tax_rate is None:
        lines = [InvoiceLine(position=i, description=l.description, quantity=l.quantity,
                             unit_amount=l.unit_amount,
                             amount=line_amount(l.quantity, l.unit_amount))
                 for i, l in enumerate(data.lines)]
        t = compute_totals(((l.quantity, l.unit_amount) for l in data.lines), data.discount,
                           data.tax)
        return Priced(lines, t.subtotal, t.discount, t.tax, t.total)
    shop = tax_settings_in(s)
    rate = shop.default_rate if data.tax_rate == TAX_RATE_SHOP else int(data.tax_rate)
    own = _item_rates(s, data)
    rates = [own.get(l.item_code) if own.get(l.item_code) is not None else rate
             for l in data.lines]
    inclusive = shop.prices_include_tax
    r = compute_tax([TaxLine(l.quantity, l.unit_amount, lr) for l, lr in zip(data.lines, rates)],
                    data.discount, inclusive=inclusive)
    lines = [InvoiceLine(position=i, description=l.description, quantity=l.quantity,
                         unit_amount=u, amount=line_amount(l.quantity, u), tax_rate=lr,
                         shelf_unit_amount=l.unit_amount if inclusive else None)
             for i, (l, u, lr) in enumerate(zip(data.lines, r.unit_amounts, rates))]
    return Priced(lines, r.subtotal, r.discount, r.tax, r.total)
