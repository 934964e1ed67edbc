"""The command line's argument grammar, read from the parser itself, as Hypothesis strategies.

`commands()` walks argparse's subparsers down to every action that has a handler, so a new
command is fuzzed without anyone listing it here. Each argument gets values by its kind
(an id, a whole number, a date, a file, a choice, free text), guessed from its name and
metavar, and every kind mixes valid values with hostile ones: huge and negative numbers,
unicode digits, terminal escapes, bidi overrides, NUL, lone surrogates (what Python makes
of bytes that are not UTF-8), empty and very long strings.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
from dataclasses import dataclass

from hypothesis import strategies as st

from app.cli import build_parser

GLOBAL_DESTS = {"help", "version", "db", "operator", "till", "json", "pin", "approver",
                "approver_pin"}

# Commands that leave the process: a server that runs until stopped, the keyring, printers
# and the network. They are fuzzed through their argument types elsewhere, not run here.
NOT_RUN = {("sandbox",), ("login",), ("logout",), ("sync",), ("printer", "find"),
           ("printer", "status"), ("printer", "test"), ("printer", "process"), ("demo",)}
# Words always added to a command so that it stays inside the process.
FORCED = {("print",): ["--queue-only"]}

NASTY = [
    "", " ", "-1", "0", "-0", "1.5", "1e3", "0x10", "1_000", "99999999999999999999999",
    str(2 ** 63), str(-2 ** 63 - 1), "9" * 400, "NaN", "inf", "-inf", "\u0663", "\uff11\uff12",
    "\x00", "a\x00b", "a\x1b[31mRED\x07", "\x1b[2J\x07evil\u202etxt.exe", "\u202e", "\u2066x",
    "kopi\udcfa", "\udcff\udcfe", "x" * 10_000, "\n", "a\r\nb", "\t", "'; drop table invoices;--",
    "%s%n", "{0}{name}", "..", "/", "/dev/null", "cus_", "cus_\x00", "INV-", "T1-000001",
    "2026-02-30", "0001-01-01", "9999-12-31T23:59:59+14:00", "2026-12-31T25:00",
    "\U0001F600", "\u00e9", "e\u0301",
]
nasty = st.sampled_from(NASTY)
small_text = st.text(max_size=20)
any_text = st.one_of(nasty, small_text, st.text(st.characters(codec="utf-8"), max_size=8))
ints = st.one_of(st.integers(-5, 5), st.integers(-2 ** 70, 2 ** 70)).map(str)
ids = st.one_of(st.sampled_from(["1", "2", "3", "cus_x", "T1-000001"]), ints, nasty)
numbers = st.one_of(st.sampled_from(["1", "2", "1000", "50"]), ints, nasty)
dates = st.one_of(st.sampled_from(["2026-12-31", "2026-12-05T10:00:00+07:00", "2026-12-05"]),
                  nasty, small_text)

ID_NAMES = {"id", "line_id", "invoice_ids", "ref", "shift", "customer", "after", "line",
            "receipt", "receipt_number", "name", "uri"}
NUMBER_NAMES = {"limit", "price", "discount", "tax", "float", "counted", "columns", "timeout",
                "every_days", "invoices", "min_confidence", "port", "tolerance", "seed"}
DATE_NAMES = {"due", "paid_at", "from", "to"}
PATH_NAMES = {"file", "output", "pdf"}


@dataclass(frozen=True)
class Command:
    path: tuple[str, ...]
    parser: argparse.ArgumentParser

    @property
    def actions(self) -> list[argparse.Action]:
        return [a for a in self.parser._actions if a.dest not in GLOBAL_DESTS
                and not isinstance(a, (argparse._SubParsersAction, argparse._HelpAction))]


def commands(parser: argparse.ArgumentParser | None = None) -> list[Command]:
    """Every runnable command, found by walking the subparsers."""
    out: list[Command] = []

    def walk(p, path):
        if p.get_default("handler") is not None and path not in NOT_RUN:
            out.append(Command(path, p))
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, path + (name,))

    walk(parser or build_parser(), ())
    return out


def _kind(action: argparse.Action) -> str:
    if action.dest in PATH_NAMES:
        return "path"
    if action.choices:
        return "choice"
    if action.dest in DATE_NAMES:
        return "date"
    if action.dest in NUMBER_NAMES or action.metavar in ("N", "SECONDS"):
        return "number"
    if action.dest in ID_NAMES:
        return "id"
    return "text"


def value_for(action: argparse.Action, paths) -> st.SearchStrategy[str]:
    kind = _kind(action)
    if kind == "path":
        return paths
    if kind == "choice":
        return st.one_of(st.sampled_from(list(action.choices)), nasty)
    return {"date": dates, "number": numbers, "id": ids, "text": any_text}[kind]


def _values(action, paths):
    if action.nargs == 3:  # --line DESCRIPTION QUANTITY UNIT_AMOUNT
        return st.tuples(any_text, numbers, numbers).map(list)
    if action.nargs == "+":
        return st.lists(value_for(action, paths), min_size=1, max_size=3)
    return value_for(action, paths).map(lambda v: [v])


def _option_words(action, paths):
    flag = action.option_strings[-1]
    if action.nargs == 0:
        return st.just([flag])
    return _values(action, paths).map(lambda vs: [f"{flag}={vs[0]}" if len(vs) == 1 else flag,
                                                  *([] if len(vs) == 1 else vs)])


@st.composite
def argv_for(draw, command: Command, paths) -> list[str]:
    """Words for one command: its positionals, then some of its options in any order."""
    words = list(command.path) + FORCED.get(command.path, [])
    positionals = []
    for a in command.actions:
        if not a.option_strings:
            if a.nargs == "?" and draw(st.booleans()):
                continue
            positionals += draw(_values(a, paths))
    options = [a for a in command.actions if a.option_strings]
    chosen = draw(st.lists(st.sampled_from(options), unique_by=id, max_size=len(options))
                  if options else st.just([]))
    for a in options:
        if a.required and a not in chosen:
            chosen.append(a)
    for a in chosen:
        repeat = 2 if isinstance(a, argparse._AppendAction) and draw(st.booleans()) else 1
        for _ in range(repeat):
            words += draw(_option_words(a, paths))
    # `--` keeps a positional like "-1" a value, as a careful script would write it.
    return words + (["--", *positionals] if positionals else [])


def global_words():
    return st.lists(st.one_of(
        st.just(["--json"]),
        st.tuples(st.just("--operator"), any_text).map(lambda t: [f"{t[0]}={t[1]}"]),
        st.tuples(st.just("--till"), st.one_of(st.just("T2"), any_text)).map(
            lambda t: [f"{t[0]}={t[1]}"]),
        st.tuples(st.just("--pin"), numbers).map(lambda t: [f"{t[0]}={t[1]}"]),
        st.sampled_from([["--operator"], ["--till"], ["--db"]]),  # the value missing
    ), max_size=2).map(lambda chunks: [w for c in chunks for w in c])


def table_digest(db_path) -> dict[str, str]:
    """Every table's rows, hashed: a refusal must leave each one as it was."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute(
            "select name from sqlite_master where type='table' order by name")]
        out = {}
        for name in names:
            rows = sorted(repr(r) for r in con.execute(f'select * from "{name}"'))
            out[name] = hashlib.sha256("\n".join(rows).encode("utf-8", "backslashreplace")).hexdigest()
        return out
    finally:
        con.close()
