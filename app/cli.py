"""The `kasir` command line. With no command it opens the desktop window.

Feature packages add their own commands: a module `app/<feature>/commands.py`
with `register(subparsers, common)` (and optionally `register_invoice(...)`
for `kasir invoice ...` subcommands). Handlers are `handler(args, env) ->
(json_payload, text)`; they raise KasirError to refuse.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

from app.i18n import _
from app import __version__, logs
from app.cli_env import (CliEnv, Parser, common_options, emit, emit_error, parse_int)
from app.domain.errors import KasirError, ValidationError

FEATURE_COMMANDS = (
    "app.demo_commands",
    "app.items.commands",
    "app.sandbox.commands",
    "app.sync.commands",
    "app.printing.commands",
    "app.documents.commands",
    "app.reconcile.commands",
    "app.trust.commands",
)


def _features():
    for name in FEATURE_COMMANDS:
        if importlib.util.find_spec(name.rsplit(".", 1)[0]) and importlib.util.find_spec(name):
            yield importlib.import_module(name)


# ---------------------------------------------------------------- customers

def _customer_input(args, base=None):
    from app.services.customers import CustomerInput

    def pick(name):
        value = getattr(args, name, None)
        return value if value is not None else (getattr(base, name) if base else "")
    return CustomerInput(pick("name"), pick("email"), pick("phone"), pick("tax_id"), pick("notes"))


def cmd_customer_add(args, env):
    from app.cli_format import customer_text
    from app.services.customers import add_customer

    c = add_customer(env.ctx, _customer_input(args))
    return c.to_json(), customer_text(c)


def cmd_customer_edit(args, env):
    from app.cli_format import customer_text
    from app.services.customers import edit_customer, get_customer

    current = get_customer(env.ctx, args.id)
    c = edit_customer(env.ctx, args.id, _customer_input(args, current))
    return c.to_json(), customer_text(c)


def cmd_customer_list(args, env):
    from app.cli_format import customer_line
    from app.services.customers import list_customers

    page = list_customers(env.ctx, args.search or "", limit=_limit(args.limit))
    return [c.to_json() for c in page.items], "\n".join(map(customer_line, page.items)) or _("No customers.")


def cmd_customer_show(args, env):
    from app.cli_format import customer_text
    from app.services.customers import get_customer

    c = get_customer(env.ctx, args.id)
    return c.to_json(), customer_text(c)


# ---------------------------------------------------------------- invoices

def _limit(value) -> int:
    n = parse_int(value, _("Limit"), "limit")
    if not 1 <= n <= 500:
        raise ValidationError(_("The limit must be between 1 and 500."), field="limit")
    return n


def _lines(raw):
    from app.domain.validation import LineInput

    lines = []
    for i, (desc, qty, unit) in enumerate(raw or (), start=1):
        lines.append(LineInput(desc, parse_int(qty, _("Line {n} quantity", n=i), f"lines[{i}].quantity"),
                               parse_int(unit, _("Line {n} unit amount", n=i), f"lines[{i}].unit_amount")))
    return tuple(lines)


def _draft_input(args, base=None):
    from app.domain.validation import DraftInput, LineInput, parse_due

    def given(name):
        return getattr(args, name, None) is not None
    customer = parse_int(args.customer, _("Customer id"), "customer_id") if given("customer") else (
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
    discount = parse_int(args.discount, _("Discount"), "discount") if given("discount") else (
        base.discount if base else 0)
    tax = parse_int(args.tax, _("Tax"), "tax") if given("tax") else (base.tax if base else 0)
    due = parse_due(args.due) if given("due") else (base.due_at if base else None)
    memo = args.memo if given("memo") else (base.memo if base else "")
    return DraftInput(customer, currency, lines, discount, tax, due, memo)


def _show(inv):
    from app.cli_format import invoice_text

    return inv.to_json(), invoice_text(inv)


def _auto_print(env, inv, receipt=None) -> None:
    """Print-on-issue / print-on-pay, after the action has committed: a printer
    problem leaves the job queued and never undoes the sale."""
    from app.printing.queue import after_issue, after_payment, process_queue

    job = after_payment(env.ctx, inv, receipt) if receipt else after_issue(env.ctx, inv)
    if job is not None:
        process_queue(env.ctx)


def cmd_invoice_create(args, env):
    from app.services import invoices

    data = _draft_input(args)
    if args.issue:
        # Validate everything before anything is stored; then draft and issue.
        inv = invoices.create_and_issue(env.ctx, data)
        _auto_print(env, inv)
    else:
        inv = invoices.create_draft(env.ctx, data)
    return _show(inv)


def cmd_invoice_edit(args, env):
    from app.services import invoices
    from app.services.queries import get_invoice

    base = get_invoice(env.ctx, args.id)
    return _show(invoices.edit_draft(env.ctx, args.id, _draft_input(args, base)))


def cmd_invoice_issue(args, env):
    from app.services import invoices

    inv = invoices.issue(env.ctx, args.id)
    _auto_print(env, inv)
    return _show(inv)


def cmd_invoice_pay(args, env):
    from app.cli_format import invoice_text, receipt_text
    from app.domain.validation import parse_due
    from app.services import invoices

    paid_at = None
    if args.paid_at:
        paid_at = parse_due(args.paid_at)
    inv, receipt = invoices.mark_paid(
        env.ctx, args.id, invoices.PaymentInput(args.method, args.reference or "", paid_at))
    _auto_print(env, inv, receipt)
    payload = inv.to_json()
    payload["receipt"] = receipt.to_json()
    return payload, invoice_text(inv) + "\n\n" + receipt_text(receipt)


def cmd_invoice_void(args, env):
    from app.services import invoices

    return _show(invoices.void(env.ctx, args.id, args.reason or ""))


def cmd_invoice_write_off(args, env):
    from app.services import invoices

    return _show(invoices.write_off(env.ctx, args.id, args.reason or ""))


def cmd_invoice_show(args, env):
    from app.services.queries import get_invoice

    return _show(get_invoice(env.ctx, args.id))


def cmd_invoice_list(args, env):
    from app.cli_format import invoice_line
    from app.services.queries import InvoiceQuery, list_invoices

    customer = parse_int(args.customer, _("Customer id"), "customer_id") if args.customer else None
    after = parse_int(args.after, _("Cursor"), "after") if args.after else None
    page = list_invoices(env.ctx, InvoiceQuery(args.status, customer, args.search or "",
                                               _limit(args.limit), after))
    text = "\n".join(map(invoice_line, page.items)) or _("No invoices.")
    if page.next_cursor and not env.json:
        text += "\n" + _("(more: --after {cursor})", cursor=page.next_cursor)
    return [i.to_json() for i in page.items], text


def cmd_invoice_history(args, env):
    from app.cli_format import history_text
    from app.services.queries import invoice_history

    entries = invoice_history(env.ctx, args.id)
    return [h.to_json() for h in entries], history_text(entries)


# ---------------------------------------------------------------- parser

def _draft_options(p, *, creating: bool) -> None:
    p.add_argument("--customer", required=creating, metavar="ID")
    p.add_argument("--currency", required=creating, metavar="IDR|USD")
    p.add_argument("--line", nargs=3, action="append",
                   metavar=("DESCRIPTION", "QUANTITY", "UNIT_AMOUNT"),
                   help="a line; repeat for more" + ("" if creating else " (replaces all lines)"))
    p.add_argument("--discount", metavar="N", help="flat discount in the smallest unit")
    p.add_argument("--tax", metavar="N", help="flat tax in the smallest unit")
    p.add_argument("--due", metavar="ISO8601", help="due date, e.g. 2026-12-31")
    p.add_argument("--memo", metavar="TEXT")


def build_parser() -> Parser:
    common = common_options()
    parser = Parser(prog="kasir", parents=[common],
                    description="Kasir: point-of-sale invoicing for Plugipay shops. "
                                "With no command, opens the desktop window.")
    parser.add_argument("--version", action="version", version=f"kasir {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    def leaf(subs, name, handler, help_text):
        p = subs.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    cust = sub.add_parser("customer", help="add, list and show customers").add_subparsers(
        dest="subcommand", metavar="ACTION", required=True, parser_class=Parser)
    p = leaf(cust, "add", cmd_customer_add, "add a customer")
    p.add_argument("--name", required=True)
    for opt in ("--email", "--phone", "--tax-id", "--notes"):
        p.add_argument(opt)
    p = leaf(cust, "edit", cmd_customer_edit, "change a customer's details")
    p.add_argument("id")
    for opt in ("--name", "--email", "--phone", "--tax-id", "--notes"):
        p.add_argument(opt)
    p = leaf(cust, "list", cmd_customer_list, "list customers, newest first")
    p.add_argument("--search", metavar="TEXT", help="name, email or phone")
    p.add_argument("--limit", default="50")
    p = leaf(cust, "show", cmd_customer_show, "show one customer")
    p.add_argument("id")

    inv = sub.add_parser("invoice", help="create, issue, pay, void and list invoices")
    isub = inv.add_subparsers(dest="subcommand", metavar="ACTION", required=True,
                              parser_class=Parser)
    p = leaf(isub, "create", cmd_invoice_create, "create a draft (or issue it with --issue)")
    _draft_options(p, creating=True)
    p.add_argument("--issue", action="store_true", help="issue at once (assigns the local number)")
    p = leaf(isub, "edit", cmd_invoice_edit, "edit a draft")
    p.add_argument("id")
    _draft_options(p, creating=False)
    p = leaf(isub, "issue", cmd_invoice_issue, "issue a draft: draft -> open")
    p.add_argument("id")
    p = leaf(isub, "pay", cmd_invoice_pay, "mark an open invoice paid and issue a receipt")
    p.add_argument("id")
    p.add_argument("--method", default="cash", metavar="transfer|cash|edc|other")
    p.add_argument("--reference", metavar="TEXT", help="transfer note, EDC slip number, ...")
    p.add_argument("--paid-at", metavar="ISO8601", help="when the money landed (default: now)")
    p = leaf(isub, "void", cmd_invoice_void, "void a draft or open invoice")
    p.add_argument("id")
    p.add_argument("--reason", metavar="TEXT")
    p = leaf(isub, "write-off", cmd_invoice_write_off, "write off an open invoice as uncollectible")
    p.add_argument("id")
    p.add_argument("--reason", metavar="TEXT")
    p = leaf(isub, "show", cmd_invoice_show, "show one invoice")
    p.add_argument("id")
    p = leaf(isub, "list", cmd_invoice_list, "list invoices, newest first")
    p.add_argument("--status", metavar="S", help="draft, open, past_due, paid, void, uncollectible")
    p.add_argument("--customer", metavar="ID")
    p.add_argument("--search", metavar="TEXT", help="numbers, memo and customer name")
    p.add_argument("--limit", default="50")
    p.add_argument("--after", metavar="CURSOR", help="the cursor printed at the end of a page")
    p = leaf(isub, "history", cmd_invoice_history, "who did what to an invoice, and when")
    p.add_argument("id")

    for module in _features():
        module.register(sub, common)
        if hasattr(module, "register_invoice"):
            module.register_invoice(isub, common)
    return parser


def run_window(env: CliEnv) -> int:
    from ui.app import run_app

    return run_app(db=env.db, operator=env.operator, till=env.till, argv=sys.argv[:1])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    logs.install()  # the log file, faulthandler and the crash hook (app/logs.py)
    wants_json = "--json" in argv
    env = None
    try:
        # Only global options: the window. Skip building every command's parser
        # (and importing the feature packages) on the start-up path.
        only_globals, rest = common_options().parse_known_args(argv)
        args = only_globals if not rest else build_parser().parse_args(argv)
        env = CliEnv(args)
        if not getattr(args, "handler", None):
            if getattr(args, "command", None):
                raise ValidationError(_("Say what to do with '{command}'. Run 'kasir {command} "
                                        "--help'.", command=args.command))
            return run_window(env)
        result = args.handler(args, env)
        if isinstance(result, int):
            return result
        payload, text = result
        emit(env.json, payload, text)
        return 0
    except KasirError as err:
        return emit_error(wants_json, err)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    finally:
        if env is not None:
            env.close()


if __name__ == "__main__":
    sys.exit(main())
