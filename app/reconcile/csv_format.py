"""CSV statements: a column mapping per bank (saved and reused), Indonesian
number and date formats, preamble and footer rows skipped."""

from __future__ import annotations

import csv
import itertools
import re
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from decimal import Decimal
from typing import Iterator

from app.i18n import _
from app.domain.currency import get_currency
from app.domain.errors import ValidationError
from app.domain.validation import Problems

from .date_formats import AUTO, guess_date_format, parse_date
from .parsed import ParsedLine, ParsedStatement, clean_description, parse_decimal, to_minor

DELIMITERS = {"auto": None, ",": ",", ";": ";", "tab": "\t", "\t": "\t", "|": "|"}


@dataclass(frozen=True)
class CsvMapping:
    """Which column holds what. Columns are header names (any case) or 1-based numbers."""

    name: str = ""
    bank: str = ""
    account: str = ""
    currency: str = "IDR"
    date_col: str = ""
    description_cols: tuple[str, ...] = ()
    amount_col: str = ""  # signed, or with a CR/DB suffix
    credit_col: str = ""
    debit_col: str = ""
    type_col: str = ""  # a CR/DB (or K/D) column giving the sign of amount_col
    balance_col: str = ""
    ref_col: str = ""
    date_format: str = AUTO  # or a strptime format such as %d/%m/%Y
    decimal_sep: str = ","
    thousands_sep: str = "."
    delimiter: str = "auto"

    def to_dict(self) -> dict:
        d = asdict(self)
        d["description_cols"] = list(self.description_cols)
        return d

    @classmethod
    def from_dict(cls, data: dict) -> "CsvMapping":
        names = {f.name for f in fields(cls)}
        kw = {k: v for k, v in (data or {}).items() if k in names and v is not None}
        if isinstance(kw.get("description_cols"), str):
            kw["description_cols"] = (kw["description_cols"],)
        if "description_cols" in kw:
            kw["description_cols"] = tuple(kw["description_cols"])
        return cls(**kw)


# Modelled on the exports of the big Indonesian banks; a shop adjusts and saves its own.
PRESETS = {
    "bca": CsvMapping("bca", "BCA", "", "IDR", "Tanggal Transaksi", ("Keterangan",), "Jumlah",
                      balance_col="Saldo", date_format="%d/%m/%Y", decimal_sep=".",
                      thousands_sep=","),
    "mandiri": CsvMapping("mandiri", "Mandiri", "", "IDR", "Tanggal", ("Keterangan",),
                          credit_col="Kredit", debit_col="Debit", balance_col="Saldo",
                          date_format="%d/%m/%Y", decimal_sep=",", thousands_sep="."),
    "bri": CsvMapping("bri", "BRI", "", "IDR", "TGL_TRAN", ("DESK_TRAN",),
                      credit_col="MUTASI_KREDIT", debit_col="MUTASI_DEBET",
                      balance_col="SALDO_AKHIR_MUTASI", date_format="%d/%m/%Y",
                      decimal_sep=".", thousands_sep=","),
}


def validate_mapping(m: CsvMapping) -> CsvMapping:
    p = Problems()
    if not m.date_col:
        p.add("date_col", _("Say which column holds the date (--date-col)."))
    if not m.description_cols:
        p.add("description_col", _("Say which column holds the description (--description-col)."))
    if not (m.amount_col or m.credit_col or m.debit_col):
        p.add("amount_col", _("Say which column holds the amount (--amount-col), or the credit "
                              "and debit columns (--credit-col, --debit-col)."))
    if m.amount_col and (m.credit_col or m.debit_col):
        p.add("amount_col", _("Give either an amount column or credit/debit columns, not both."))
    if m.delimiter not in DELIMITERS:
        p.add("delimiter", _("The delimiter must be one of: , ; tab | auto."))
    if m.decimal_sep not in (",", ".") or m.thousands_sep not in (",", ".", " ", "'", ""):
        p.add("decimal_sep", _("Decimal separator is ',' or '.'; thousands '.', ',', ' ' or none."))
    elif m.decimal_sep == m.thousands_sep:
        p.add("thousands_sep", _("The decimal and thousands separators must differ."))
    if "%" not in m.date_format and m.date_format != AUTO:
        p.add("date_format", _("The date format looks like %d/%m/%Y."))
    try:
        get_currency(m.currency)
    except ValidationError as e:
        p.add("currency", e.message)
    p.raise_if_any()
    return CsvMapping.from_dict({**m.to_dict(), "currency": m.currency.upper(),
                                 "name": m.name.strip().lower()})


def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" export
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def refuse_binary(data: bytes) -> None:
    """A spreadsheet, an image or a zip is not a CSV: say so instead of failing deep inside."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 text (Excel's "Unicode text"): decoded later
        return
    if b"\x00" in data[:65536]:
        raise ValidationError(_("The file is not a text statement (it holds binary data). Export "
                                "the statement from the bank as CSV, OFX or MT940."), field="file")


def _delimiter(text: str, delimiter: str) -> str:
    delim = DELIMITERS[delimiter]
    if delim is None:
        sample = "\n".join(text[:65536].splitlines()[:50])
        counts = {d: sample.count(d) for d in (",", ";", "\t", "|")}
        delim = max(counts, key=counts.get) if any(counts.values()) else ","
    return delim


def _text_lines(text: str) -> Iterator[str]:
    """The text's lines, newline kept, one at a time (io.StringIO would hold a
    second, four-bytes-a-character copy of the whole file)."""
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start)
        stop = end if stop < 0 else stop + 1
        yield text[start:stop]
        start = stop


def _reader(text: str, delim: str) -> Iterator[list[str]]:
    """Rows with their cells stripped, read as they are needed."""
    try:
        for row in csv.reader(_text_lines(text), delimiter=delim):
            yield [c.strip() for c in row]
    except csv.Error as e:
        raise ValidationError(_("The file is not a readable CSV statement ({reason}).",
                                reason=str(e)), field="file") from None


def wanted_columns(m: CsvMapping) -> list[str]:
    return [c for c in (m.date_col, *m.description_cols, m.amount_col, m.credit_col,
                        m.debit_col, m.type_col, m.balance_col, m.ref_col) if c]


def _find_header(rows, m: CsvMapping):
    """The first row naming every mapped column; numbers need no header."""
    named = [c for c in wanted_columns(m) if not c.isdigit()]
    if not named:
        return -1, {}
    for i, row in enumerate(rows[:100]):
        lower = {c.lower(): j for j, c in enumerate(row) if c}
        if all(c.lower() in lower for c in named):
            return i, lower
    raise ValidationError(
        _("No header row names the columns {columns}. Check the mapping against the file's "
          "first lines.", columns=", ".join(repr(c) for c in named)), field="mapping")


def _column(names: dict[str, int]):
    def col(c: str) -> int | None:
        if not c:
            return None
        return int(c) - 1 if c.isdigit() else names[c.lower()]
    return col


def resolve_date_format(text: str, delim: str, m: CsvMapping, header_at: int,
                        col) -> tuple[str, tuple[str, ...]]:
    """The mapping's date format; when it is `auto`, the one that reads every date in
    the file (a first pass over the date column), and a note when it was a guess."""
    if m.date_format != AUTO:
        return m.date_format, ()
    c_date = col(m.date_col)
    values = (row[c_date] for i, row in enumerate(_reader(text, delim))
              if i > header_at and c_date < len(row))
    guess = guess_date_format(values)
    if guess.format is None:
        raise ValidationError(_("The dates in column {column} are in no format Kasir knows. "
                                "Give it with --date-format, e.g. %d/%m/%Y.",
                                column=repr(m.date_col)), field="date_format")
    if guess.ambiguous:
        return guess.format, (_("Dates such as 05/12 could be day-first or month-first; read "
                                "day-first ({date_format}), as Indonesian banks write them. "
                                "Give --date-format if that is wrong.",
                                date_format=guess.format),)
    return guess.format, ()


def iter_csv(data: bytes, m: CsvMapping) -> tuple[ParsedStatement, Iterator[ParsedLine]]:
    """The statement's header (bank, account, currency, notes) and its lines, parsed
    one by one as the iterator is consumed: a bad row raises when it is reached."""
    m = validate_mapping(m)
    refuse_binary(data)
    text = _decode(data)
    delim = _delimiter(text, m.delimiter)
    rows = _reader(text, delim)
    first = list(itertools.islice(rows, 100))
    header_at, names = _find_header(first, m)
    col = _column(names)
    date_format, notes = resolve_date_format(text, delim, m, header_at, col)
    head = ParsedStatement(m.bank or m.name or "bank", m.account, m.currency, "csv", (), notes,
                           date_format)
    body = itertools.chain(first[header_at + 1:], rows)
    return head, _lines(body, m, col, date_format, header_at + 2)


def _lines(rows, m: CsvMapping, col, date_format: str, first_row: int) -> Iterator[ParsedLine]:
    c_date, c_amt, c_cr, c_db = col(m.date_col), col(m.amount_col), col(m.credit_col), col(m.debit_col)
    c_type, c_bal, c_ref = col(m.type_col), col(m.balance_col), col(m.ref_col)
    c_desc = [col(c) for c in m.description_cols]
    auto = m.date_format == AUTO
    days: dict[str, object] = {}
    numbers = _Numbers(m.decimal_sep, m.thousands_sep, m.currency)
    used = [j for j in (c_date, c_amt, c_cr, c_db, c_type, c_bal, c_ref, *c_desc) if j is not None]
    width = max(used) + 1 if used else 0
    for i, row in enumerate(rows, start=first_row):
        if len(row) < width:  # a short row (a footer, a blank line): missing cells are empty
            row = row + [""] * (width - len(row))
        cell = lambda j: "" if j is None else row[j]  # noqa: E731
        where = f"Line {i}: "
        raw_date = row[c_date].lstrip("'").strip()
        if not any(ch.isdigit() for ch in raw_date):
            continue  # blank, a sub-header, "PEND" or a footer such as "Saldo Awal"
        booked = days.get(raw_date)
        if booked is None:  # a statement has few distinct days: each is parsed once
            try:
                booked = (parse_date(raw_date, date_format) if auto
                          else datetime.strptime(raw_date, date_format).date())
            except ValueError:
                raise ValidationError(_("{where}the date {raw_date} does not match the format "
                                        "{date_format}.",
                                        where=where, raw_date=repr(raw_date),
                                        date_format=date_format), field="date_format") from None
            days[raw_date] = booked
        if c_amt is not None:
            amount = numbers(cell(c_amt), where)
            kind = cell(c_type).upper()
            if kind in ("DB", "DR", "D", "DEBIT", "DEBET") and amount > 0:
                amount = -amount
        else:
            cr, db = cell(c_cr), cell(c_db)
            credit = numbers(cr, where) if cr and cr not in ("-", "0") else 0
            debit = numbers(db, where) if db and db not in ("-", "0") else 0
            if credit and debit:
                raise ValidationError(_("{where}both credit and debit are filled in.", where=where),
                                      field="amount")
            amount = abs(credit) if credit else -abs(debit)
        if amount == 0:
            continue
        bal = cell(c_bal)
        balance = numbers(bal, where) if bal else None
        desc = clean_description(" ".join(row[j] for j in c_desc if row[j]))
        yield ParsedLine(booked, amount, desc, balance, cell(c_ref)[:64], i)


class _Numbers:
    """Cell text -> an amount in the smallest unit, as parse_decimal and to_minor would
    give it, faster: recent answers kept (amounts repeat a lot in a statement), and
    plain numbers such as `10,067,000.00` converted without the general parser."""

    def __init__(self, decimal_sep: str, thousands_sep: str, currency: str, size: int = 4096):
        self.decimal_sep, self.thousands_sep, self.size = decimal_sep, thousands_sep, size
        self.currency, self.exp = currency, get_currency(currency).exponent
        self._seen: dict[str, int] = {}

    def __call__(self, text: str, where: str) -> int:
        found = self._seen.get(text)
        if found is None:
            found = to_minor(self.decimal(text, where), self.currency, where)
            if len(self._seen) >= self.size:
                self._seen.clear()
            self._seen[text] = found
        return found

    def decimal(self, text: str, where: str) -> Decimal:
        if _PLAIN.fullmatch(text):
            raw = text.replace(self.thousands_sep, "") if self.thousands_sep else text
            if self.decimal_sep != ".":
                raw = raw.replace(self.decimal_sep, ".")
            if _NUMBER.fullmatch(raw):
                return Decimal(raw)
        return parse_decimal(text, self.decimal_sep, self.thousands_sep, where)


_PLAIN = re.compile(r"[0-9][0-9.,]*")
_NUMBER = re.compile(r"\d+(\.\d+)?")


def no_lines() -> ValidationError:
    return ValidationError(_("The file has no statement lines that this mapping can read."),
                           field="file")


def parse_csv(data: bytes, m: CsvMapping) -> ParsedStatement:
    head, lines = iter_csv(data, m)
    parsed = tuple(lines)
    if not parsed:
        raise no_lines()
    return replace(head, lines=parsed)
