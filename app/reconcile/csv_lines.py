"""A CSV statement's rows to statement lines, at the speed of a long file: the
mapping's columns resolved once, only the cells used stripped, each distinct
date text parsed once, plain amounts converted with integer arithmetic (no
Decimal, no regular expression), and messages built only for a bad row."""

from __future__ import annotations

from datetime import datetime
from typing import Iterator

from app.i18n import _
from app.domain.currency import MAX_AMOUNT, get_currency
from app.domain.errors import ValidationError

from .date_formats import parse_date
from .parsed import ParsedLine, clean_description, parse_decimal, to_minor

DEBIT_KINDS = frozenset(("DB", "DR", "D", "DEBIT", "DEBET"))
CACHE = 4096  # distinct texts remembered per column kind; cleared when full (flat memory)
_SKIP = object()  # a date cell without a digit: blank, a sub-header, "PEND", "Saldo Awal"


def where(row: int) -> str:
    return f"Line {row}: "


class Days:
    """Date cell text -> the day, each distinct text parsed once (a statement has few)."""

    def __init__(self, date_format: str, auto: bool):
        self.date_format, self.auto = date_format, auto
        self._seen: dict[str, object] = {}

    def __call__(self, text: str, row: int):
        """The day, or _SKIP for a cell that holds no date at all."""
        found = self._seen.get(text)
        if found is None:
            found = self._parse(text, row)
            if len(self._seen) >= CACHE:
                self._seen.clear()
            self._seen[text] = found
        return found

    def _parse(self, text: str, row: int):
        raw = text.strip().lstrip("'").strip()
        if not any(ch.isdigit() for ch in raw):
            return _SKIP
        try:
            return (parse_date(raw, self.date_format) if self.auto
                    else datetime.strptime(raw, self.date_format).date())
        except ValueError:
            raise ValidationError(_("{where}the date {raw_date} does not match the format "
                                    "{date_format}.", where=where(row), raw_date=repr(raw),
                                    date_format=self.date_format), field="date_format") from None


class Numbers:
    """Cell text -> an amount in the smallest unit, exactly as parse_decimal and
    to_minor give it: recent answers kept (amounts repeat a lot in a statement),
    and plain numbers such as `10,067,000.00` converted with int arithmetic."""

    def __init__(self, decimal_sep: str, thousands_sep: str, currency: str):
        self.decimal_sep, self.thousands_sep, self.currency = decimal_sep, thousands_sep, currency
        self.exp = get_currency(currency).exponent
        self._seen: dict[str, int] = {}

    def __call__(self, text: str, row: int) -> int:
        found = self._seen.get(text)
        if found is None:
            found = self.plain(text)
            if found is None:
                at = where(row)
                found = to_minor(parse_decimal(text, self.decimal_sep, self.thousands_sep, at),
                                 self.currency, at)
            if len(self._seen) >= CACHE:
                self._seen.clear()
            self._seen[text] = found
        return found

    def plain(self, text: str) -> int | None:
        """Digits and separators only (`1.500.000,00`), in range and with no more
        decimals than the currency has: its value; anything else None (the general
        parser then reads it, or says what is wrong)."""
        if not text or not text[0].isdigit() or text.strip("0123456789.,"):
            return None
        raw = text.replace(self.thousands_sep, "") if self.thousands_sep else text
        if self.decimal_sep != ".":
            raw = raw.replace(self.decimal_sep, ".")
        whole, dot, frac = raw.partition(".")
        if not whole.isdigit() or (dot and not frac.isdigit()):
            return None
        exp = self.exp
        if frac[exp:].strip("0"):
            return None  # more decimals than the currency allows: to_minor refuses it
        value = int(whole + frac[:exp].ljust(exp, "0"))
        return value if value <= MAX_AMOUNT else None


def csv_lines(rows, col, m, date_format: str, auto: bool,
              first_row: int) -> Iterator[ParsedLine]:
    """Parse `rows` (lists of raw cells) with mapping `m` whose columns `col` resolves;
    `first_row` is the file line of the first. A bad row raises when it is reached."""
    c_date, c_amt, c_cr, c_db = col(m.date_col), col(m.amount_col), col(m.credit_col), col(m.debit_col)
    c_type, c_bal, c_ref = col(m.type_col), col(m.balance_col), col(m.ref_col)
    c_desc = [col(c) for c in m.description_cols]
    one_desc = c_desc[0] if len(c_desc) == 1 else None
    used = [j for j in (c_date, c_amt, c_cr, c_db, c_type, c_bal, c_ref, *c_desc) if j is not None]
    width = max(used) + 1 if used else 0
    day = Days(date_format, auto)
    number = Numbers(m.decimal_sep, m.thousands_sep, m.currency)
    new = tuple.__new__  # ParsedLine is a named tuple: built without _make's checks
    for i, row in enumerate(rows, start=first_row):
        if len(row) < width:  # a short row (a footer, a blank line): missing cells are empty
            row = row + [""] * (width - len(row))
        booked = day(row[c_date], i)
        if booked is _SKIP:
            continue
        if c_amt is not None:
            amount = number(row[c_amt].strip(), i)
            if c_type is not None and amount > 0 and row[c_type].strip().upper() in DEBIT_KINDS:
                amount = -amount
        else:
            amount = _credit_or_debit(row, c_cr, c_db, number, i)
        if amount == 0:
            continue
        bal = "" if c_bal is None else row[c_bal].strip()
        balance = number(bal, i) if bal else None
        if one_desc is not None:
            desc = clean_description(row[one_desc])
        else:
            desc = clean_description(" ".join(c for c in (row[j].strip() for j in c_desc) if c))
        ref = "" if c_ref is None else row[c_ref].strip()[:64]
        yield new(ParsedLine, (booked, amount, desc, balance, ref, i))


def _credit_or_debit(row, c_cr, c_db, number, i: int) -> int:
    cr = "" if c_cr is None else row[c_cr].strip()
    db = "" if c_db is None else row[c_db].strip()
    credit = number(cr, i) if cr and cr not in ("-", "0") else 0
    debit = number(db, i) if db and db not in ("-", "0") else 0
    if credit and debit:
        raise ValidationError(_("{where}both credit and debit are filled in.", where=where(i)),
                              field="amount")
    return abs(credit) if credit else -abs(debit)

