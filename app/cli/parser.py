"""The `kasir` command line: the top-level parser and `main`. With no command it opens
the desktop window.

Each command group is a module of this package with `register(subparsers, common)` (and
optionally `register_invoice(...)` for `kasir invoice ...` actions). Handlers are
`handler(args, env) -> (json_payload, text)`; they raise KasirError to refuse. Group
modules import their feature (SQLAlchemy, escpos, reportlab, the SDK) inside the
handlers, so building the whole parser stays cheap.
"""

from __future__ import annotations

import sys

from app.i18n import _
from app import __version__, logs
from app.cli import (collect, customers, demo, documents, invoices, items, printing, reconcile,
                     refunds, sandbox, settings, sync, trust)
from app.cli.env import CliEnv, Parser, common_options, emit, emit_error, refuse_undecodable
from app.domain.errors import KasirError, ValidationError

# After `customer` and `invoice`, in the order `kasir --help` lists them.
FEATURE_GROUPS = (demo, items, settings, sandbox, sync, printing, documents, reconcile, trust,
                  collect)


def build_parser() -> Parser:
    common = common_options()
    parser = Parser(prog="kasir", parents=[common],
                    description="Kasir: point-of-sale invoicing for Plugipay shops. "
                                "With no command, opens the desktop window.")
    parser.add_argument("--version", action="version", version=f"kasir {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    customers.register(sub, common)
    isub = invoices.register(sub, common)
    refunds.register_invoice(isub, common)
    for module in FEATURE_GROUPS:
        module.register(sub, common)
        if hasattr(module, "register_invoice"):
            module.register_invoice(isub, common)
    return parser


def run_window(env: CliEnv) -> int:
    from ui.app import run_app  # Qt loads only when the window opens

    return run_app(db=env.db, operator=env.operator, till=env.till, argv=sys.argv[:1])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    logs.install()  # the log file, faulthandler and the crash hook (app/logs.py)
    wants_json = "--json" in argv
    env = None
    try:
        refuse_undecodable(argv)
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
