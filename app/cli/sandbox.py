"""`kasir sandbox`: run the Plugipay-compatible sandbox server."""

from __future__ import annotations

from app.sandbox.cli import add_arguments, run


def register(sub, common) -> None:
    # No shared options here: the sandbox's --db is its own state file, not Kasir's.
    p = sub.add_parser("sandbox", help="run a local Plugipay-compatible sandbox server",
                       description="A local server speaking Plugipay's API, for tests, demos "
                                   "and staff training. Ctrl-C stops it.")
    add_arguments(p)
    p.set_defaults(handler=cmd_sandbox)


def cmd_sandbox(args, env):
    return run(args)
