"""A statement line as read from a file, before it is stored, and the helpers
every format shares: exact amounts and a stable fingerprint for de-duplication."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from app.i18n import _
from app.domain.currency import MAX_AMOUNT, get_currency
from app.domain.errors import ValidationError


@dataclass(frozen=True)
class ParsedLine:
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
    return _SPACES.sub(" ", str(text or "")).strip()[:500]


def fingerprint(bank: str, account: str, line: ParsedLine, occurrence: int) -> str:
    """Stable across re-imports and overlapping files. With the bank's own id (FITID)
    that alone counts; otherwise the line's content and its running balance, plus
    which copy of an identical line within the file it is (two equal transfers on
    one day without balances are two lines, not one)."""
    if line.bank_ref:
        parts = ["id", bank.lower(), account, line.bank_ref]
    else:
        parts = ["line", bank.lower(), account, line.booked_on.isoformat(), str(line.amount),
                 clean_description(line.description).upper(),
                 "" if line.balance is None else str(line.balance), str(occurrence)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def fingerprints(bank: str, account: str, lines) -> list[str]:
    return list(Fingerprinter(bank, account).each(lines))


class Fingerprinter:
    """Fingerprints of a file's lines in order, as they stream past: identical lines
    are told apart by which copy they are. Only repeated lines are counted by
    content; the rest cost one 16-byte digest each."""

    def __init__(self, bank: str, account: str):
        self.bank, self.account = bank, account
        self._seen: dict[bytes, int] = {}

    def each(self, lines):
        for line in lines:
            first = fingerprint(self.bank, self.account, line, 0)
            key = bytes.fromhex(first[:32])
            n = self._seen.get(key, 0)
            self._seen[key] = n + 1
            yield first if n == 0 else fingerprint(self.bank, self.account, line, n)
