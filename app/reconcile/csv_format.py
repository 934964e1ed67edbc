"""CSV statements: a column mapping per bank (saved and reused), Indonesian
number and date formats, preamble and footer rows skipped."""

from __future__ import annotations

import csv
import itertools
from dataclasses import asdict, dataclass, fields, replace
from typing import Iterator

from app.i18n import _
from app.domain.currency import get_currency
from app.domain.errors import ValidationError
from app.domain.validation import Problems

from .csv_lines import csv_lines
from .date_formats import AUTO, guess_date_format
from .parsed import ParsedLine, ParsedStatement
from .source import Source

DELIMITERS = {"auto": None, ",": ",", ";": ";", "tab": "\t", "\t": "\t", "|": "|"}
HEADER_ROWS = 100  # the header row is looked for among the first rows


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


def refuse_binary(head: bytes) -> None:
    """A spreadsheet, an image or a zip is not a CSV: say so instead of failing deep inside.
    `head` is the file's first 64 KiB (or more)."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 text (Excel's "Unicode text"): decoded later
        return
    if b"\x00" in head[:65536]:
        raise ValidationError(_("The file is not a text statement (it holds binary data). Export "
                                "the statement from the bank as CSV, OFX or MT940."), field="file")


def _delimiter(source: Source, delimiter: str) -> str:
    delim = DELIMITERS[delimiter]
    if delim is None:
        with source.text() as f:
            sample = "\n".join(f.read(65536).splitlines()[:50])
        counts = {d: sample.count(d) for d in (",", ";", "\t", "|")}
        delim = max(counts, key=counts.get) if any(counts.values()) else ","
    return delim


def _rows(source: Source, delim: str) -> Iterator[list[str]]:
    """The file's rows as the csv module reads them, one at a time from a stream."""
    try:
        with source.text() as f:
            yield from csv.reader(f, delimiter=delim)
    except csv.Error as e:
        raise ValidationError(_("The file is not a readable CSV statement ({reason}).",
                                reason=str(e)), field="file") from None


def _reader(source: Source, delim: str) -> Iterator[list[str]]:
    """Rows with their cells stripped, read as they are needed."""
    for row in _rows(source, delim):
        yield [c.strip() for c in row]


def wanted_columns(m: CsvMapping) -> list[str]:
    return [c for c in (m.date_col, *m.description_cols, m.amount_col, m.credit_col,
                        m.debit_col, m.type_col, m.balance_col, m.ref_col) if c]


def _find_header(rows, m: CsvMapping):
    """The first row naming every mapped column; numbers need no header."""
    named = [c for c in wanted_columns(m) if not c.isdigit()]
    if not named:
        return -1, {}
    for i, row in enumerate(rows[:HEADER_ROWS]):
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


def resolve_date_format(source: Source, delim: str, m: CsvMapping, header_at: int,
                        col) -> tuple[str, tuple[str, ...]]:
    """The mapping's date format; when it is `auto`, the one that reads every date in
    the file (a first pass over the date column), and a note when it was a guess."""
    if m.date_format != AUTO:
        return m.date_format, ()
    c_date = col(m.date_col)
    values = (row[c_date].strip() for i, row in enumerate(_rows(source, delim))
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


def iter_csv(data: Source | bytes, m: CsvMapping) -> tuple[ParsedStatement, Iterator[ParsedLine]]:
    """The statement's header (bank, account, currency, notes) and its lines, parsed
    one by one as the iterator is consumed (the file read a chunk at a time, never
    held whole): a bad row raises when it is reached."""
    m = validate_mapping(m)
    source = Source.of(data)
    refuse_binary(source.head())
    delim = _delimiter(source, m.delimiter)
    rows = _rows(source, delim)
    first = list(itertools.islice(rows, HEADER_ROWS))
    header_at, names = _find_header([[c.strip() for c in row] for row in first], m)
    col = _column(names)
    date_format, notes = resolve_date_format(source, delim, m, header_at, col)
    head = ParsedStatement(m.bank or m.name or "bank", m.account, m.currency, "csv", (), notes,
                           date_format)
    body = itertools.chain(first[header_at + 1:], rows)
    return head, csv_lines(body, col, m, date_format, m.date_format == AUTO, header_at + 2)


def no_lines() -> ValidationError:
    return ValidationError(_("The file has no statement lines that this mapping can read."),
                           field="file")


def parse_csv(data: Source | bytes, m: CsvMapping) -> ParsedStatement:
    head, lines = iter_csv(data, m)
    parsed = tuple(lines)
    if not parsed:
        raise no_lines()
    return replace(head, lines=parsed)
