"""`kasir invoice refund|refunds`: money given back on a paid invoice (issue 15).

`refund` calls the same service as the window (app/services/refunds.py): one
transaction with the refund's own number, its history entry and outbox entry;
a refusal changes nothing. Manager approval comes from the global --pin,
--approver and --approver-pin options, as for a void.
"""

from __future__ import annotations

import re

from app.cli.argtypes import parse_amount
from app.cli.env import leaf, parse_int
from app.domain.errors import NotFoundError, ValidationError
from app.domain.formatting import format_amount
from app.domain.labels import method_label
from app.i18n import _

METHODS = "cash|transfer|edc|other"
REASONS = "requested_by_customer|duplicate|fraudulent|other"
# A refund named by its own number (T1-F000001) or Plugipay's id (re_...).
_REFUND_NUMBER = re.compile(r"^[A-Za-z0-9]{1,8}-F\d+$")


def refund_line(r) -> str:
    """One refund as `kasir invoice refunds` lists it."""
    from app.domain.refunds import reason_label

    at = r.created_at.astimezone().strftime("%Y-%m-%d %H:%M") if r.created_at else "-"
    text = (f"{r.local_number:<12} {at}  {format_amount(r.amount, r.currency):>16}  "
            f"{method_label(r.method)}, {reason_label(r.reason)}")
    if r.note:
        text += f"  — {r.note}"
    return text + f"  [{r.sync_state}]"


def _returned(raw) -> tuple:
    """`--line INDEX QTY` (INDEX counts from 1, as the invoice shows its lines)."""
    from app.domain.refunds import RefundLineInput

    out = []
    for n, (index, qty) in enumerate(raw or (), start=1):
        i = parse_int(index, _("Returned line {n} index", n=n), "lines")
        if i < 1:
            raise ValidationError(_("Line numbers start at 1, as the invoice shows them."),
                                  field="lines")
        out.append(RefundLineInput(i - 1, parse_int(qty, _("Returned line {n} quantity", n=n),
                                                    "lines")))
    return tuple(out)


def cmd_invoice_refund(args, env):
    from app.domain.refunds import RefundInput
    from app.services.refunds import refund  # SQLAlchemy: only when a command runs

    if (args.amount is None) == (not args.line):
        raise ValidationError(_("Give either --amount N or the lines returned (--line INDEX "
                                "QUANTITY), not both."), field="amount")
    amount = (parse_amount(args.amount, _("Refund amount"), "amount") if args.amount is not None
              else None)
    rec = refund(env.ctx, args.id, RefundInput(amount, _returned(args.line), args.method,
                                               args.reason, args.note or ""))
    text = _("Refund {number} of {amount} on invoice {invoice} ({method}).",
             number=rec.local_number, amount=format_amount(rec.amount, rec.currency),
             invoice=rec.invoice_number, method=method_label(rec.method))
    return rec.to_json(), text


def cmd_invoice_refunds(args, env):
    from app.services.refunds import list_refunds  # SQLAlchemy: only when a command runs

    refunds = list_refunds(env.ctx, args.id)
    return ([r.to_json() for r in refunds],
            "\n".join(map(refund_line, refunds)) or _("No refunds."))


def refund_ref(ctx, ref, chosen: str | None = None) -> str:
    """Which refund a reprint means: `chosen` (--refund), else `ref` when it names a
    refund (T1-F000001, re_...), else the latest refund of the invoice `ref`."""
    from app.services.refunds import list_refunds  # SQLAlchemy: only when a command runs

    if chosen:
        return chosen
    text = str(ref).strip()
    if _REFUND_NUMBER.match(text) or text.startswith("re_"):
        return text
    refunds = list_refunds(ctx, text)
    if not refunds:
        raise NotFoundError(_("Invoice {ref} has no refund.", ref=text), field="id")
    return str(refunds[-1].id)


def register_invoice(isub, common) -> None:
    p = leaf(isub, common, "refund", cmd_invoice_refund,
             "give money back on a paid invoice: an amount, or lines returned")
    p.add_argument("id")
    p.add_argument("--amount", metavar="N", help="the amount to give back, in the smallest unit")
    p.add_argument("--line", nargs=2, action="append", metavar=("INDEX", "QUANTITY"),
                   help="a line returned (1 = the invoice's first line); repeat for more")
    p.add_argument("--method", required=True, metavar=METHODS,
                   help="how the money goes back; cash comes out of the drawer")
    p.add_argument("--reason", required=True, metavar=REASONS)
    p.add_argument("--note", metavar="TEXT")
    p = leaf(isub, common, "refunds", cmd_invoice_refunds, "list an invoice's refunds")
    p.add_argument("id")
