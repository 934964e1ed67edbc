"""How the command line proves who is acting, when an action needs a role:
--pin (or $KASIR_PIN), else a prompt when stdin is a terminal; a cashier adds
--approver NAME with --approver-pin (or is asked)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from app.i18n import _


def _tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def pin_asker(args):
    def ask(prompt: str) -> str | None:
        given = getattr(args, "pin", None) or os.environ.get("KASIR_PIN")
        if given:
            return given
        if _tty():
            return getpass.getpass(prompt)
        return None
    return ask


def approval_asker(args):
    def ask(prompt: str) -> tuple[str, str] | None:
        name = getattr(args, "approver", None)
        pin = getattr(args, "approver_pin", None)
        if name and pin:
            return name, pin
        if not _tty():
            return None
        print(prompt, file=sys.stderr)
        if not name:
            name = input(_("Manager's name: ")).strip()
        if not name:
            return None
        return name, getpass.getpass(_("PIN for {name}: ", name=name))
    return ask


def add_options(parser) -> None:
    parser.add_argument("--pin", default=argparse.SUPPRESS, metavar="PIN",
                        help="the operator's PIN, for actions that need a role "
                             "(or $KASIR_PIN; asked when omitted at a terminal)")
    parser.add_argument("--approver", default=argparse.SUPPRESS, metavar="NAME",
                        help="a manager approving this action on the spot")
    parser.add_argument("--approver-pin", default=argparse.SUPPRESS, metavar="PIN",
                        help="the approving manager's PIN (asked when omitted at a terminal)")
