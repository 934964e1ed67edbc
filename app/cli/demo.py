"""`kasir demo`: fill a database with a demo shop's data."""

from __future__ import annotations

from app.cli.env import parse_int
from app.domain.errors import ValidationError
from app.i18n import _


def register(sub, common) -> None:
    p = sub.add_parser("demo", parents=[common], help="fill the database with demo data",
                       description="Add demo customers, items and invoices.")
    p.add_argument("--invoices", default="60", help="how many invoices (default 60)")
    p.add_argument("--if-empty", action="store_true", help="only when there are no invoices yet")
    p.set_defaults(handler=cmd_demo)


def cmd_demo(args, env):
    from app.demo import is_empty, seed_demo  # SQLAlchemy: only when the command runs

    n = parse_int(args.invoices, _("Invoice count"))
    if not 0 <= n <= 100_000:
        raise ValidationError(_("The demo can make between 0 and 100000 invoices."))
    if args.if_empty and not is_empty(env.ctx):
        return {"created": 0}, _("The database already has invoices: no demo data added.")
    from app.demo_bulk import terminal_progress

    made = seed_demo(env.ctx, n, progress=terminal_progress())
    return {"created": made}, _("Added {count} demo invoices.", count=made)
