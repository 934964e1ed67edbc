"""`kasir customer add|edit|list|show`.

Handlers import the services (SQLAlchemy) when they run: building the parser stays cheap.
"""

from __future__ import annotations

from app.cli.env import Parser, leaf, parse_limit
from app.cli.output import customer_line, customer_text
from app.i18n import _


def resolve_customer(ctx, ref):
    """The customer a command names: local id or Plugipay `cus_...` id (NotFoundError if none).
    Every `--customer` and `customer show ID` go through here."""
    from app.services.customers import get_customer  # SQLAlchemy: only when a command runs

    return get_customer(ctx, ref)


def _customer_input(args, base=None):
    from app.services.customers import CustomerInput  # SQLAlchemy: only when a command runs

    def pick(name):
        value = getattr(args, name, None)
        return value if value is not None else (getattr(base, name) if base else "")
    return CustomerInput(pick("name"), pick("email"), pick("phone"), pick("tax_id"), pick("notes"))


def cmd_customer_add(args, env):
    from app.services.customers import add_customer  # SQLAlchemy: only when a command runs

    c = add_customer(env.ctx, _customer_input(args))
    return c.to_json(), customer_text(c)


def cmd_customer_edit(args, env):
    from app.services.customers import edit_customer  # SQLAlchemy: only when a command runs

    current = resolve_customer(env.ctx, args.id)
    c = edit_customer(env.ctx, current.id, _customer_input(args, current))
    return c.to_json(), customer_text(c)


def cmd_customer_list(args, env):
    from app.services.customers import list_customers  # SQLAlchemy: only when a command runs

    page = list_customers(env.ctx, args.search or "", limit=parse_limit(args.limit))
    return [c.to_json() for c in page.items], "\n".join(map(customer_line, page.items)) or _("No customers.")


def cmd_customer_show(args, env):
    c = resolve_customer(env.ctx, args.id)
    return c.to_json(), customer_text(c)


def register(sub, common) -> None:
    cust = sub.add_parser("customer", help="add, list and show customers").add_subparsers(
        dest="subcommand", metavar="ACTION", required=True, parser_class=Parser)
    p = leaf(cust, common, "add", cmd_customer_add, "add a customer")
    p.add_argument("--name", required=True)
    for opt in ("--email", "--phone", "--tax-id", "--notes"):
        p.add_argument(opt)
    p = leaf(cust, common, "edit", cmd_customer_edit, "change a customer's details")
    p.add_argument("id", help="local id or Plugipay id (cus_...)")
    for opt in ("--name", "--email", "--phone", "--tax-id", "--notes"):
        p.add_argument(opt)
    p = leaf(cust, common, "list", cmd_customer_list, "list customers, newest first")
    p.add_argument("--search", metavar="TEXT", help="name, email or phone")
    p.add_argument("--limit", default="50")
    p = leaf(cust, common, "show", cmd_customer_show, "show one customer")
    p.add_argument("id", help="local id or Plugipay id (cus_...)")
