"""`kasir sandbox`: run the Plugipay-compatible sandbox server; `kasir sandbox
pay-session ID`: pay a checkout session on a running sandbox as a buyer would."""

from __future__ import annotations

from app.i18n import _
from app.sandbox.cli import DEFAULT_PORT, add_arguments, run


def register(sub, common) -> None:
    # No shared options here: the sandbox's --db is its own state file, not Kasir's.
    p = sub.add_parser("sandbox", help="run a local Plugipay-compatible sandbox server",
                       description="A local server speaking Plugipay's API, for tests, demos "
                                   "and staff training. Ctrl-C stops it.")
    add_arguments(p)
    p.set_defaults(handler=cmd_sandbox)
    actions = p.add_subparsers(dest="sandbox_action", metavar="ACTION")
    pay = actions.add_parser(
        "pay-session", help="pay a checkout session as the buyer's phone would",
        description="Pays a checkout session through the sandbox's public routes: a "
                    "gateway session is charged; a manual one gets the buyer's claim with a "
                    "proof image, for the cashier to confirm.")
    pay.add_argument("session_id", metavar="ID", help="the session's id (cs_...)")
    pay.add_argument("--url", default=f"http://127.0.0.1:{DEFAULT_PORT}",
                     help="the running sandbox (default %(default)s)")
    pay.add_argument("--method", default="qris", help="the method the buyer picks (default qris)")
    pay.add_argument("--json", action="store_true", help="machine-readable output")
    pay.set_defaults(handler=cmd_pay_session)


def cmd_sandbox(args, env):
    return run(args)


def cmd_pay_session(args, env):
    from app.domain.errors import ConflictError, ValidationError
    from app.sandbox.buyer import BuyerError, pay_session

    if not str(args.url).startswith(("http://", "https://")):
        raise ValidationError(_("--url is the sandbox's address, like http://127.0.0.1:{port}.",
                                port=DEFAULT_PORT), field="url")
    if not args.session_id.strip() or not args.session_id.isprintable():
        raise ValidationError(_("Give the checkout session's id (cs_…)."), field="session_id")
    try:
        session = pay_session(args.url, args.session_id, method=args.method)
    except BuyerError as err:
        cls = ConflictError if err.status == 409 else ValidationError
        raise cls(_("The sandbox refused to pay {session}: {message}",
                    session=args.session_id, message=err.message)) from None
    except (OSError, ValueError) as err:  # ValueError: a URL urllib cannot use
        raise ValidationError(_("The sandbox at {url} cannot be reached ({error}). Start it "
                                "with 'kasir sandbox'.", url=args.url, error=err)) from None
    text = _("Session {session} is now {status}.", session=session["id"],
             status=session["status"])
    return session, text
