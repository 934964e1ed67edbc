"""A statement line as read from a file, before it is stored, and the helpers
every format shares: exact amounts and a stable fingerprint for de-duplication."""

from __future__ import annotations

from hashlib import sha256
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from app.i18n import _
from app.domain.currency import MAX_AMOUNT, get_currency
from app.domain.errors import ValidationError


class ParsedLine(NamedTuple):  # a named tuple: a long statement makes 300,000 of them
    booked_on: date
    amount: int  # signed, smallest unit: credit > 0, debit < 0
    description: str
    balance: int | None = None
    bank_ref: str = ""  # the bank's own id of the line (OFX FITID), if it has one
    row: int = 0  # where it was in the file, for messages


@dataclass(frozen=True)
class ParsedStatement:
    bank: str
    account: str
    currency: str
    format: str
    lines: tuple[ParsedLine, ...] = field(default=())
    notes: tuple[str, ...] = ()  # what the reader guessed, for the person importing
    date_format: str = ""  # the one a CSV's dates were read with


def to_minor(value: Decimal, currency: str, where: str = "") -> int:
    """An exact Decimal in major units to an int in the smallest unit, or a clear refusal."""
    exp = get_currency(currency).exponent
    scaled = value.scaleb(exp)
    if scaled != scaled.to_integral_value():
        raise ValidationError(
            _("{where}amount {value} has more decimals than {currency} allows ({exp}).",
              where=where, value=value, currency=currency, exp=exp),
            field="amount")
    out = int(scaled)
    if abs(out) > MAX_AMOUNT:
        raise ValidationError(_("{where}amount {value} is too large.", where=where, value=value), field="amount")
    return out


_SPACES = re.compile(r"\s+")


def parse_decimal(text: str, decimal_sep: str = ",", thousands_sep: str = ".",
                  where: str = "") -> Decimal:
    """`1.500.000,00`, `1,500,000.00 CR`, `(25.000)`, `-25000`: an exact signed Decimal.

    A trailing or leading CR/DB (K/D in some exports) gives the sign."""
    raw = _SPACES.sub("", str(text or "")).upper()
    sign = 1
    for suffix, s in (("CR", 1), ("DB", -1), ("DR", -1), ("D", -1), ("K", 1), ("C", 1)):
        if raw.endswith(suffix) and len(raw) > len(suffix):
            raw, sign = raw[: -len(suffix)], s
            break
    for prefix in ("IDR", "RP", "USD", "$"):
        if raw.startswith(prefix):
            raw = raw[len(prefix):]
    if raw.startswith("(") and raw.endswith(")"):
        raw, sign = raw[1:-1], -sign
    if raw.startswith("-"):
        raw, sign = raw[1:], -sign
    elif raw.startswith("+"):
        raw = raw[1:]
    if thousands_sep:
        raw = raw.replace(thousands_sep, "")
    if decimal_sep and decimal_sep != ".":
        raw = raw.replace(decimal_sep, ".")
    if not raw or not re.fullmatch(r"\d+(\.\d+)?", raw):
        raise ValidationError(_("{where}{text} is not an amount.", where=where, text=repr(text)), field="amount")
    try:
        return Decimal(raw) * sign
    except InvalidOperation:  # pragma: no cover - the regex above rules it out
        raise ValidationError(_("{where}{text} is not an amount.", where=where, text=repr(text)), field="amount") from None


def clean_description(text: str) -> str:
    text = str(text or "")
    if text.isprintable() and "  " not in text:  # whitespace is single spaces already
        return text.strip()[:500]
    return _SPACES.sub(" ", text).strip()[:500]


NO_DAY = bytes(3)  # the day part of a fingerprint taken from the bank's own id


def fingerprint(bank: str, account: str, line: ParsedLine, occurrence: int) -> bytes:
    """Stable across re-imports and overlapping files. With the bank's own id (FITID)
    that alone counts; otherwise the line's content and its running balance, plus
    which copy of an identical line within the file it is (two equal transfers on
    one day without balances are two lines, not one).

    16 bytes: the day (3, big-endian ordinal, so that a statement's lines go into
    one end of the unique index instead of all over it; zeros for a bank id),
    then the first 13 bytes of the SHA-256 of the parts joined by \\x1f (the first
    26 hex digits of the fingerprint Kasir kept before migration 0012)."""
    if line.bank_ref:
        return _by_id(f"id\x1f{bank.lower()}\x1f{account}\x1f", line)
    day = line.booked_on
    return _by_content(f"line\x1f{bank.lower()}\x1f{account}\x1f", day.toordinal().to_bytes(3, "big"),
                       day.isoformat(), line, occurrence)


def _by_id(head: str, line: ParsedLine) -> bytes:
    return NO_DAY + sha256(f"{head}{line.bank_ref}".encode()).digest()[:13]


def _by_content(head: str, day: bytes, iso: str, line: ParsedLine, occurrence: int) -> bytes:
    balance = "" if line.balance is None else line.balance
    text = (f"{head}{iso}\x1f{line.amount}\x1f{clean_description(line.description).upper()}"
            f"\x1f{balance}\x1f{occurrence}")
    return day + sha256(text.encode()).digest()[:13]


def fingerprints(bank: str, account: str, lines) -> list[bytes]:
    prints = Fingerprinter(bank, account, by_day=False)
    return [prints(line) for line in lines]


class DaysNotGrouped(Exception):
    """A day's lines came back after another day's: count copies over the whole file."""


class Fingerprinter:
    """Fingerprints of a file's lines in order, as they stream past: identical lines
    are told apart by which copy they are. Copies share their day and a statement
    lists its lines day by day, so (`by_day`) only the day being read is counted and
    memory does not grow with the file; a day seen again after another raises
    DaysNotGrouped, and the caller starts over with `by_day=False` (every line's
    digest kept, as for a file in no order)."""

    def __init__(self, bank: str, account: str, by_day: bool = True):
        self.by_day = by_day
        self._id_head = f"id\x1f{bank.lower()}\x1f{account}\x1f"
        self._head = f"line\x1f{bank.lower()}\x1f{account}\x1f"
        self._seen: dict[bytes, int] = {}
        self._day = None
        self._day_bytes, self._iso = b"", ""
        self._days_done: set = set()

    def __call__(self, line: ParsedLine) -> bytes:
        if line.bank_ref:
            return _by_id(self._id_head, line)  # the bank's id alone: no copies to count
        if line.booked_on != self._day:
            self._next_day(line.booked_on)
        first = _by_content(self._head, self._day_bytes, self._iso, line, 0)
        n = self._seen.get(first, 0)
        self._seen[first] = n + 1
        return first if n == 0 else _by_content(self._head, self._day_bytes, self._iso, line, n)

    def _next_day(self, day) -> None:
        if self.by_day:
            if day in self._days_done:
                raise DaysNotGrouped()
            if self._day is not None:
                self._days_done.add(self._day)
            self._seen.clear()
        self._day, self._day_bytes, self._iso = day, day.toordinal().to_bytes(3, "big"), day.isoformat()
