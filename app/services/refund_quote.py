"""What a paid invoice still has to give back, read once for the refund dialog.

The window asks for a `RefundQuote` when the cashier opens the refund dialog,
then prices each choice of lines and quantities (or a typed amount) with
`quote.amount_for(...)` as they change, without a query per keystroke. The
arithmetic is the domain's (`lines_amount`, `check_refundable`), the same as
`services.refunds.refund` applies when the refund is stored, so the amount
shown is the amount given back; the service still checks again, in its own
transaction, and has the last word.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.refunds import (RefundInput, SoldLine, check_refundable, lines_amount,
                                validate_refund)

from .context import Context
from .invoices import load_invoice
from .refunds import _check_paid, invoice_refunds


@dataclass(frozen=True)
class QuoteLine:
    index: int
    description: str
    quantity: int      # sold
    unit_amount: int
    returned: int = 0  # by earlier refunds

    @property
    def left(self) -> int:
        return max(0, self.quantity - self.returned)


@dataclass(frozen=True)
class RefundQuote:
    invoice_id: int
    display_number: str
    currency: str
    amount_paid: int
    amount_refunded: int
    given_by_lines: int  # what earlier refunds by lines gave back
    lines: tuple[QuoteLine, ...] = field(default=())

    @property
    def left(self) -> int:
        """What can still be given back."""
        return max(0, self.amount_paid - self.amount_refunded)

    def amount_for(self, data: RefundInput) -> int:
        """The amount this refund would give back; raises the same
        ValidationError as the refund itself (more than is left, more of a
        line than was sold, nothing left for these lines)."""
        data = validate_refund(data)
        if data.amount is not None:
            check_refundable(data.amount, self.amount_paid, self.amount_refunded)
            return data.amount
        sold = [SoldLine(l.quantity, l.unit_amount, l.returned) for l in self.lines]
        amount = lines_amount(sold, {l.index: l.quantity for l in data.lines},
                              self.amount_paid, self.given_by_lines)
        amount = min(amount, self.left)  # refunds by amount may have given these back already
        check_refundable(amount, self.amount_paid, self.amount_refunded)
        return amount


def refund_quote(ctx: Context, ref) -> RefundQuote:
    """The quote of a paid invoice (a `conflict` when it is not paid)."""
    with ctx.store.reader() as uow:
        s = uow.session
        inv = load_invoice(s, ref)
        _check_paid(inv)
        earlier = invoice_refunds(s, inv.id)
        returned: dict[int, int] = {}
        for r in earlier:
            for l in r.lines:
                returned[l.line_position] = returned.get(l.line_position, 0) + l.quantity
        return RefundQuote(
            invoice_id=inv.id,
            display_number=inv.local_number or inv.number or str(inv.id),
            currency=inv.currency, amount_paid=inv.amount_paid,
            amount_refunded=inv.amount_refunded or 0,
            given_by_lines=sum(r.amount for r in earlier if r.by_lines),
            lines=tuple(QuoteLine(i, l.description, l.quantity, l.unit_amount,
                                  returned.get(i, 0)) for i, l in enumerate(inv.lines)))
