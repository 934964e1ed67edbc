"""What every command module shares: the parser class and global options, what a handler
gets (the parsed options and a lazily opened store), and how results and refusals are printed."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import dataclass, field

from app.i18n import _
from app.cli.argtypes import parse_int, parse_limit, record_ref_arg  # noqa: F401 (re-exported)
from app.cli.output import printable, printable_json
from app.domain.errors import KasirError, ValidationError
from app.domain.validation import unsafe_char
from app.trust.cli_auth import add_options, approval_asker, pin_asker

# README lists them; 1 is any other refusal. argparse's own errors are refusals too (3).
EXIT_CODES = {"validation_error": 3, "not_found": 4, "conflict": 5, "permission_denied": 6,
              "database_unusable": 7}

# Arguments that name a record: digits there must be an id the database can hold.
# (An item's `ref` is not one: digits there may be a barcode; items.py checks it.)
RECORD_REFS = {"id", "line_id", "invoice_ids", "customer"}


FALLBACK_OPERATOR = "operator"  # an operator name, stored in history: not translated


def default_operator() -> str:
    try:
        return getpass.getuser() or FALLBACK_OPERATOR
    except Exception:  # no user name on this system (e.g. a container without passwd)
        return FALLBACK_OPERATOR


class Parser(argparse.ArgumentParser):
    """argparse that reports bad input as a KasirError, so --json users get JSON."""

    def error(self, message):  # noqa: D401
        raise ValidationError(_("{message}. Run '{prog} --help' to see the options.",
                                message=message, prog=self.prog))

    def add_argument(self, *args, **kwargs):
        """Every argument naming a record gets the record-reference type, so a command
        added later is range-checked without anyone remembering to."""
        action = super().add_argument(*args, **kwargs)
        if action.dest in RECORD_REFS and action.type is None and action.nargs != 0:
            action.type = record_ref_arg
        return action


def refuse_undecodable(argv: list[str]) -> None:
    """Bytes that are not UTF-8 reach Python as lone surrogates; say which word it was
    instead of failing when it is stored or printed."""
    for word in argv:
        if any("\ud800" <= ch <= "\udfff" for ch in word):
            shown = word.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            raise ValidationError(_("The argument '{word}' is not valid UTF-8 text. Type it "
                                    "again (or check the terminal's character set).",
                                    word=printable(shown)[:80]))


def check_operator(name: str) -> str:
    """The operator's name is stored in every history entry: one line, no control
    characters, no longer than its column."""
    from app.store.limits import check_length  # SQLAlchemy: only when a command runs

    name = name.strip()
    bad = unsafe_char(name)
    if not name or bad is not None:
        raise ValidationError(_("The operator name {name} must be one line of text without "
                                "control characters.", name=repr(name)[:60]), field="operator")
    check_length(name, "history", "operator", _("The operator name"), "operator")
    return name


def common_options() -> argparse.ArgumentParser:
    """Global options, accepted before or after the command. A Parser too: `--db` without
    its value is a coded refusal (exit 3, JSON with --json), not argparse's exit 2."""
    p = Parser(prog="kasir", add_help=False)
    p.add_argument("--db", default=argparse.SUPPRESS, metavar="PATH_OR_URL",
                   help="database file or SQLAlchemy URL (default: kasir.db in the user data folder)")
    p.add_argument("--operator", default=argparse.SUPPRESS, metavar="NAME",
                   help="who is acting (default: the OS user name)")
    p.add_argument("--till", default=argparse.SUPPRESS, metavar="CODE",
                   help="this till's code, the prefix of its numbers (default: $KASIR_TILL or T1)")
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                   help="machine-readable output")
    add_options(p)  # --pin, --approver, --approver-pin
    return p


def leaf(subs, common, name, handler, help_text) -> argparse.ArgumentParser:
    """One action of a command group, e.g. `customer add`, taking the global options."""
    p = subs.add_parser(name, parents=[common], help=help_text, description=help_text)
    p.set_defaults(handler=handler)
    return p


@dataclass
class CliEnv:
    args: argparse.Namespace
    _ctx: object = field(default=None, repr=False)

    @property
    def db(self):
        return getattr(self.args, "db", None) or os.environ.get("KASIR_DB") or None

    @property
    def operator(self) -> str:
        return check_operator(getattr(self.args, "operator", None) or default_operator())

    @property
    def till(self) -> str:
        till = getattr(self.args, "till", None) or os.environ.get("KASIR_TILL") or "T1"
        till = till.strip().upper()
        if not (1 <= len(till) <= 8 and till.isalnum()):
            raise ValidationError(_("Till code {till} must be 1 to 8 letters or digits, like T1.",
                                    till=repr(till)))
        return till

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    @property
    def ctx(self):
        if self._ctx is None:
            # SQLAlchemy and the services load only when a command touches the store.
            from app.services.context import Context, open_store
            from app.services.settings import apply_language

            self._ctx = Context(open_store(self.db), operator=self.operator, till=self.till,
                                ask_pin=pin_asker(self.args),
                                ask_approval=approval_asker(self.args))
            apply_language(self._ctx)  # the language chosen in Settings, unless KASIR_LANG
        return self._ctx

    def close(self) -> None:
        if self._ctx is not None:
            self._ctx.store.dispose()


def emit(env_json: bool, payload, text: str | None) -> None:
    if env_json:
        sys.stdout.write(printable_json(payload, indent=2) + "\n")
    elif text:
        print(printable(text))


def emit_error(env_json: bool, err: KasirError) -> int:
    if env_json:
        sys.stdout.write(printable_json({"error": err.to_dict()}) + "\n")
    else:
        print(printable(f"kasir: {err.message}"), file=sys.stderr)
    return EXIT_CODES.get(err.code, 1)
