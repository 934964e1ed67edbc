"""`kasir invoice create|edit|issue|pay|void|write-off|show|list|history`.

Feature groups add their own invoice actions (`register_invoice`). Handlers import the
services (SQLAlchemy) when they run: building the parser stays cheap.
"""

from __future__ import annotations

from app.cli.customers import resolve_customer
from app.cli.argtypes import parse_amount, parse_id, parse_int
from app.cli.env import Parser, leaf, parse_limit
from app.cli.output import history_text, invoice_line, invoice_text, receipt_text
from app.domain.errors import ValidationError
from app.domain.validation import DraftInput, LineInput, parse_due, parse_moment
from app.i18n import _


def _lines(raw):
    lines = []
    for i, (desc, qty, unit) in enumerate(raw or (), start=1):
        lines.append(LineInput(desc, parse_int(qty, _("Line {n} quantity", n=i), f"lines[{i}].quantity"),
                               parse_amount(unit, _("Line {n} unit amount", n=i), f"lines[{i}].unit_amount")))
    return tuple(lines)


def _draft_input(args, env, base=None):
    def given(name):
        return getattr(args, name, None) is not None
    customer = resolve_customer(env.ctx, args.customer).id if given("customer") else (
        base.customer_id if base else None)
    currency = args.currency.upper() if given("currency") else (base.currency if base else None)
    if currency is None:
        raise ValidationError(_("Give the currency with --currency IDR or --currency USD."),
                              field="currency")
    if given("line"):
        lines = _lines(args.line)
    elif base:
        lines = tuple(LineInput(l.description, l.quantity, l.unit_amount) for l in base.lines)
    else:
        lines = ()
    discount = parse_amount(args.discount, _("Discount"), "discount") if given("discount") else (
        base.discount if base else 0)
    tax = parse_amount(args.tax, _("Tax"), "tax") if given("tax") else (base.tax if base else 0)
    due = parse_due(args.due) if given("due") else (base.due_at if base else None)
    memo = args.memo if given("memo") else (base.memo if base else "")
    return DraftInput(customer, currency, lines, discount, tax, due, memo)


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


def cmd_invoice_pay(args, env):
    from app.services import invoices  # SQLAlchemy: only when a command runs

    paid_at = None
    if args.paid_at:
        paid_at = parse_moment(args.paid_at, _("Paid at"), "paid_at")
    inv, receipt = invoices.mark_paid(
        env.ctx, args.id, invoices.PaymentInput(args.method, args.reference or "", paid_at))
    _auto_print(env, inv, receipt)
    payload = inv.to_json()
    payload["receipt"] = receipt.to_json()
    return payload, invoice_text(inv) + "\n\n" + receipt_text(receipt)


def cmd_invoice_void(args, env):
    from app.services import invoices  # SQLAlchemy: only when a command runs

    return _show(invoices.void(env.ctx, args.id, args.reason or ""))


def cmd_invoice_write_off(args, env):
    from app.services import invoices  # SQLAlchemy: only when a command runs

    return _show(invoices.write_off(env.ctx, args.id, args.reason or ""))


def cmd_invoice_show(args, env):
    from app.services.queries import get_invoice  # SQLAlchemy: only when a command runs

    return _show(get_invoice(env.ctx, args.id))


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
    p.add_argument("--customer", required=creating, metavar="ID",
                   help="local id or Plugipay id (cus_...)")
    p.add_argument("--currency", required=creating, metavar="IDR|USD")
    p.add_argument("--line", nargs=3, action="append",
                   metavar=("DESCRIPTION", "QUANTITY", "UNIT_AMOUNT"),
                   help="a line; repeat for more" + ("" if creating else " (replaces all lines)"))
    p.add_argument("--discount", metavar="N", help="flat discount in the smallest unit")
    p.add_argument("--tax", metavar="N", help="flat tax in the smallest unit")
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
    p.add_argument("--method", default="cash", metavar="transfer|cash|edc|other")
    p.add_argument("--reference", metavar="TEXT", help="transfer note, EDC slip number, ...")
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
