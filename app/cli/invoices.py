"""`kasir invoice create|edit|issue|pay|void|write-off|show|list|history`.

Feature groups add their own invoice actions (`register_invoice`). Handlers import the
services (SQLAlchemy) when they run: building the parser stays cheap.
"""

from __future__ import annotations

import argparse

from app.cli.customers import resolve_customer
from app.cli.argtypes import parse_amount, parse_id, parse_int
from app.cli.env import Parser, leaf, parse_limit
from app.cli.output import history_text, invoice_line, invoice_text, receipt_text
from app.domain.errors import ValidationError
from app.domain.formatting import format_amount
from app.domain.tax import format_rate
from app.domain.validation import TAX_RATE_SHOP, DraftInput, LineInput, parse_due, parse_moment
from app.i18n import _


def _lines(raw, env=None, currency=None):
    """`--line DESC QTY UNIT` and `--item CODE QTY`, in the order given (one list)."""
    lines = []
    for i, values in enumerate(raw or (), start=1):
        if len(values) == 2:  # --item CODE QTY: the catalogue's name, price and tax rate
            lines.append(_item_line(env, i, values[0], values[1], currency))
            continue
        desc, qty, unit = values
        lines.append(LineInput(desc, parse_int(qty, _("Line {n} quantity", n=i), f"lines[{i}].quantity"),
                               parse_amount(unit, _("Line {n} unit amount", n=i), f"lines[{i}].unit_amount")))
    return tuple(lines)


def _item_line(env, i, code, qty, currency):
    from app.services.items import find_by_code  # SQLAlchemy: only when a command runs

    quantity = parse_int(qty, _("Line {n} quantity", n=i), f"lines[{i}].quantity")
    item = find_by_code(env.ctx, code, currency=currency)
    if item is None:
        raise ValidationError(_("Line {n}: there is no item on sale with the code {code}. "
                                "See 'kasir item list'.", n=i, code=repr(code)),
                              field=f"lines[{i}].item_code")
    return LineInput(item.name, quantity, item.unit_amount, item.code)


def _tax_rate(args, base):
    """--tax-rate PERCENT (or `shop`): the flat tax computed from rates. Giving
    --tax too is refused by validate_draft. An edit that gives neither keeps how
    the draft was taxed: by rates if it was (its lines' rate), else the flat tax."""
    if getattr(args, "tax_rate", None) is not None:
        text = args.tax_rate.strip()
        return TAX_RATE_SHOP if text.lower() == TAX_RATE_SHOP else text
    if getattr(args, "tax", None) is not None or base is None:
        return None
    rates = {l.tax_rate for l in base.lines}
    if rates == {None} or not rates:
        return None
    if len(rates) == 1:
        return format_rate(rates.pop())
    if getattr(args, "line", None) is not None:
        return TAX_RATE_SHOP  # new lines: the shop's rate, or their item's own
    # Which line came from which item is not kept: pricing again could change the total.
    raise ValidationError(_("This draft's lines have different tax rates. Give the lines "
                            "again (--item CODE QTY keeps an item's own rate) or --tax-rate."),
                          field="tax_rate")


def _typed_discount(base) -> int:
    """The discount as it was typed: a tax-included draft stores Plugipay's net
    discount, the typed (shelf-price) one being Σ shelf prices − total."""
    if base.lines and all(l.shelf_unit_amount is not None for l in base.lines):
        return sum(l.quantity * l.shelf_unit_amount for l in base.lines) - base.total
    return base.discount


def _draft_input(args, env, base=None):
    def given(name):
        return getattr(args, name, None) is not None
    customer = resolve_customer(env.ctx, args.customer).id if given("customer") else (
        base.customer_id if base else None)
    currency = args.currency.upper() if given("currency") else (base.currency if base else None)
    if currency is None:
        raise ValidationError(_("Give the currency with --currency IDR or --currency USD."),
                              field="currency")
    rate = _tax_rate(args, base)
    if given("line"):
        lines = _lines(args.line, env, currency)
    elif base:
        # A draft priced tax-included keeps its shelf prices, so pricing again is exact.
        lines = tuple(LineInput(l.description, l.quantity,
                                l.shelf_unit_amount if l.shelf_unit_amount is not None
                                else l.unit_amount) for l in base.lines)
    else:
        lines = ()
    discount = parse_amount(args.discount, _("Discount"), "discount") if given("discount") else (
        _typed_discount(base) if base else 0)
    if given("tax"):
        tax = parse_amount(args.tax, _("Tax"), "tax")
    else:
        tax = base.tax if base and rate is None else 0
    due = parse_due(args.due) if given("due") else (base.due_at if base else None)
    memo = args.memo if given("memo") else (base.memo if base else "")
    return DraftInput(customer, currency, lines, discount, tax, due, memo, rate)


def _show(inv):
    return inv.to_json(), invoice_text(inv)


def _auto_print(env, inv, receipt=None) -> None:
    """Print-on-issue / print-on-pay, after the action has committed: a printer
    problem leaves the job queued and never undoes the sale."""
    from app.printing.queue import after_issue, after_payment, process_queue  # escpos: on use

    job = after_payment(env.ctx, inv, receipt) if receipt else after_issue(env.ctx, inv)
    if job is not None:
        process_queue(env.ctx)


def cmd_invoice_create(args, env):
    from app.services import invoices  # SQLAlchemy: only when a command runs

    data = _draft_input(args, env)
    if args.issue:
        # Validate everything before anything is stored; then draft and issue.
        inv = invoices.create_and_issue(env.ctx, data)
        _auto_print(env, inv)
    else:
        inv = invoices.create_draft(env.ctx, data)
    return _show(inv)


def cmd_invoice_edit(args, env):
    from app.services import invoices  # SQLAlchemy: only when a command runs
    from app.services.queries import get_invoice

    base = get_invoice(env.ctx, args.id)
    return _show(invoices.edit_draft(env.ctx, args.id, _draft_input(args, env, base)))


def cmd_invoice_issue(args, env):
    from app.services import invoices  # SQLAlchemy: only when a command runs

    inv = invoices.issue(env.ctx, args.id)
    _auto_print(env, inv)
    return _show(inv)


class _TenderAction(argparse.Action):
    """`--tender METHOD AMOUNT`: one tender, in the order given."""

    def __call__(self, parser, namespace, values, option_string=None):
        tenders = list(getattr(namespace, "tenders", None) or [])
        tenders.append([values[0], values[1], None])
        namespace.tenders = tenders


class _ReferenceAction(argparse.Action):
    """`--reference TEXT` belongs to the `--tender` just before it; with no tender
    before it, to the payment (`--method M --reference TEXT`)."""

    def __call__(self, parser, namespace, values, option_string=None):
        tenders = getattr(namespace, "tenders", None)
        if tenders:
            if tenders[-1][2] is not None:
                raise ValidationError(_("Tender {n} has two references: give one --reference "
                                        "after each --tender.", n=len(tenders)),
                                      field=f"tenders[{len(tenders)}].reference")
            tenders[-1][2] = values
        else:
            namespace.reference = values


def _tenders(args) -> tuple:
    from app.services.invoices import Tender  # SQLAlchemy: only when a command runs

    raw = getattr(args, "tenders", None) or ()
    if raw and args.method is not None:
        raise ValidationError(_("Give either --method (pays in full) or --tender lines, "
                                "not both."), field="method")
    if raw and args.reference is not None:
        raise ValidationError(_("Put --reference after the --tender it belongs to."),
                              field="reference")
    return tuple(Tender(method, parse_amount(amount, _("Tender {n} amount", n=n),
                                          f"tenders[{n}].amount"), ref or "")
                 for n, (method, amount, ref) in enumerate(raw, start=1))


def cmd_invoice_pay(args, env):
    from app.services import invoices  # SQLAlchemy: only when a command runs

    tenders = _tenders(args)
    paid_at = None
    if args.paid_at:
        paid_at = parse_moment(args.paid_at, _("Paid at"), "paid_at")
    inv, receipt, payment = invoices.pay_with_tenders(
        env.ctx, args.id, invoices.PaymentInput(args.method or "cash", args.reference or "",
                                                paid_at, tenders))
    _auto_print(env, inv, receipt)
    payload = inv.to_json()
    payload["receipt"] = receipt.to_json()
    pay = payment.to_json()
    payload["payment"] = pay
    payload.update({k: pay[k] for k in ("tenders", "cashReceived", "change")})
    text = invoice_text(inv) + "\n\n" + receipt_text(receipt)
    if payment.change:
        text += "\n" + _("Cash received {received}, change {change}.",
                         received=format_amount(payment.cash_received, inv.currency),
                         change=format_amount(payment.change, inv.currency))
    return payload, text


def cmd_invoice_void(args, env):
    from app.services import invoices  # SQLAlchemy: only when a command runs

    return _show(invoices.void(env.ctx, args.id, args.reason or ""))


def cmd_invoice_write_off(args, env):
    from app.services import invoices  # SQLAlchemy: only when a command runs

    return _show(invoices.write_off(env.ctx, args.id, args.reason or ""))


def cmd_invoice_show(args, env):
    from app.cli.refunds import refund_line
    from app.services.queries import get_invoice  # SQLAlchemy: only when a command runs
    from app.services.refunds import list_refunds

    inv = get_invoice(env.ctx, args.id)
    payload, text = _show(inv)
    refunds = list_refunds(env.ctx, inv.id) if inv.amount_refunded else ()
    payload["refunds"] = [r.to_json() for r in refunds]
    if refunds:
        text += "\n\n" + _("Refunded {amount}:", amount=format_amount(
            inv.amount_refunded, inv.currency)) + "\n" + "\n".join(
            "  " + refund_line(r) for r in refunds)
    return payload, text


def cmd_invoice_list(args, env):
    from app.services.queries import InvoiceQuery, list_invoices  # SQLAlchemy: on use

    customer = resolve_customer(env.ctx, args.customer).id if args.customer else None
    after = parse_id(args.after, _("Cursor"), "after") if args.after else None
    page = list_invoices(env.ctx, InvoiceQuery(args.status, customer, args.search or "",
                                               parse_limit(args.limit), after))
    text = "\n".join(map(invoice_line, page.items)) or _("No invoices.")
    if page.next_cursor and not env.json:
        text += "\n" + _("(more: --after {cursor})", cursor=page.next_cursor)
    return [i.to_json() for i in page.items], text


def cmd_invoice_history(args, env):
    from app.services.queries import invoice_history  # SQLAlchemy: only when a command runs

    entries = invoice_history(env.ctx, args.id)
    return [h.to_json() for h in entries], history_text(entries)


def _draft_options(p, *, creating: bool) -> None:
    p.add_argument("--customer", metavar="ID",
                   help="local id or Plugipay id (cus_...)"
                        + ("; default: the walk-in customer" if creating else ""))
    p.add_argument("--currency", required=creating, metavar="IDR|USD")
    p.add_argument("--line", nargs=3, action="append",
                   metavar=("DESCRIPTION", "QUANTITY", "UNIT_AMOUNT"),
                   help="a line; repeat for more" + ("" if creating else " (replaces all lines)"))
    p.add_argument("--item", nargs=2, action="append", dest="line", metavar=("CODE", "QUANTITY"),
                   help="a line from the catalogue (its name, price and own tax rate)")
    p.add_argument("--discount", metavar="N", help="flat discount in the smallest unit")
    p.add_argument("--tax", metavar="N", help="flat tax in the smallest unit")
    p.add_argument("--tax-rate", metavar="PERCENT",
                   help="compute the tax: 11 or 1.1 percent, or 'shop' for the shop's rate; "
                        "an item with its own rate keeps it")
    p.add_argument("--due", metavar="ISO8601", help="due date, e.g. 2026-12-31")
    p.add_argument("--memo", metavar="TEXT")


def register(sub, common):
    """Adds `kasir invoice ...`; returns its actions, for feature groups' `register_invoice`."""
    inv = sub.add_parser("invoice", help="create, issue, pay, void and list invoices")
    isub = inv.add_subparsers(dest="subcommand", metavar="ACTION", required=True,
                              parser_class=Parser)
    p = leaf(isub, common, "create", cmd_invoice_create, "create a draft (or issue it with --issue)")
    _draft_options(p, creating=True)
    p.add_argument("--issue", action="store_true", help="issue at once (assigns the local number)")
    p = leaf(isub, common, "edit", cmd_invoice_edit, "edit a draft")
    p.add_argument("id")
    _draft_options(p, creating=False)
    p = leaf(isub, common, "issue", cmd_invoice_issue, "issue a draft: draft -> open")
    p.add_argument("id")
    p = leaf(isub, common, "pay", cmd_invoice_pay, "mark an open invoice paid and issue a receipt")
    p.add_argument("id")
    p.add_argument("--method", metavar="transfer|cash|edc|qris|other",
                   help="pays the amount due in full by this method (default cash)")
    p.add_argument("--tender", nargs=2, action=_TenderAction, dest="tenders",
                   metavar=("METHOD", "AMOUNT"),
                   help="a tender: cash beyond what is due is change; repeat to split")
    p.add_argument("--reference", action=_ReferenceAction, metavar="TEXT",
                   help="transfer note, EDC slip number, ...: after a --tender, that tender's")
    p.add_argument("--paid-at", metavar="ISO8601", help="when the money landed (default: now)")
    p = leaf(isub, common, "void", cmd_invoice_void, "void a draft or open invoice")
    p.add_argument("id")
    p.add_argument("--reason", metavar="TEXT")
    p = leaf(isub, common, "write-off", cmd_invoice_write_off, "write off an open invoice as uncollectible")
    p.add_argument("id")
    p.add_argument("--reason", metavar="TEXT")
    p = leaf(isub, common, "show", cmd_invoice_show, "show one invoice")
    p.add_argument("id")
    p = leaf(isub, common, "list", cmd_invoice_list, "list invoices, newest first")
    p.add_argument("--status", metavar="S", help="draft, open, past_due, paid, void, uncollectible")
    p.add_argument("--customer", metavar="ID", help="local id or Plugipay id (cus_...)")
    p.add_argument("--search", metavar="TEXT", help="numbers, memo and customer name")
    p.add_argument("--limit", default="50")
    p.add_argument("--after", metavar="CURSOR", help="the cursor printed at the end of a page")
    p = leaf(isub, common, "history", cmd_invoice_history, "who did what to an invoice, and when")
    p.add_argument("id")
    return isub
