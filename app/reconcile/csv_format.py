"""CSV statements: a column mapping per bank (saved and reused), Indonesian
number and date formats, preamble and footer rows skipped."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, fields
from datetime import datetime

from app.i18n import _
from app.domain.currency import get_currency
from app.domain.errors import ValidationError
from app.domain.validation import Problems

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
    date_format: str = "%d/%m/%Y"
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
    if "%" not in m.date_format:
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


def _rows(text: str, delimiter: str) -> list[list[str]]:
    delim = DELIMITERS[delimiter]
    if delim is None:
        sample = "\n".join(text.splitlines()[:50])
        counts = {d: sample.count(d) for d in (",", ";", "\t", "|")}
        delim = max(counts, key=counts.get) if any(counts.values()) else ","
    try:  # newline="": the csv module reads \r, \n and \r\n itself, also inside quotes
        return [[c.strip() for c in row]
                for row in csv.reader(io.StringIO(text, newline=""), delimiter=delim)]
    except csv.Error as exc:
        raise ValidationError(_("This file cannot be read as CSV ({reason}). Export the "
                                "statement again as CSV, OFX or MT940.", reason=str(exc)),
                              field="file") from None


def _find_header(rows, m: CsvMapping):
    """The first row naming every mapped column; numbers need no header."""
    wanted = [c for c in (m.date_col, *m.description_cols, m.amount_col, m.credit_col,
                          m.debit_col, m.type_col, m.balance_col, m.ref_col) if c]
    named = [c for c in wanted if not c.isdigit()]
    if not named:
        return -1, {}
    for i, row in enumerate(rows[:100]):
        lower = {c.lower(): j for j, c in enumerate(row) if c}
        if all(c.lower() in lower for c in named):
            return i, lower
    raise ValidationError(
        _("No header row names the columns {columns}. Check the mapping against the file's "
          "first lines.", columns=", ".join(repr(c) for c in named)), field="mapping")


def parse_csv(data: bytes, m: CsvMapping) -> ParsedStatement:
    m = validate_mapping(m)
    rows = _rows(_decode(data), m.delimiter)
    header_at, names = _find_header(rows, m)

    def col(c: str) -> int | None:
        if not c:
            return None
        return int(c) - 1 if c.isdigit() else names[c.lower()]

    c_date, c_amt, c_cr, c_db = col(m.date_col), col(m.amount_col), col(m.credit_col), col(m.debit_col)
    c_type, c_bal, c_ref = col(m.type_col), col(m.balance_col), col(m.ref_col)
    c_desc = [col(c) for c in m.description_cols]
    lines: list[ParsedLine] = []
    for i, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        cell = lambda j: row[j] if j is not None and j < len(row) else ""  # noqa: E731
        where = f"Line {i}: "
        raw_date = cell(c_date).lstrip("'").strip()
        if not any(ch.isdigit() for ch in raw_date):
            continue  # blank, a sub-header, "PEND" or a footer such as "Saldo Awal"
        try:
            booked = datetime.strptime(raw_date, m.date_format).date()
        except ValueError:
            raise ValidationError(_("{where}the date {raw_date} does not match the format "
                                    "{date_format}.",
                                    where=where, raw_date=repr(raw_date),
                                    date_format=m.date_format), field="date_format") from None
        num = lambda t: parse_decimal(t, m.decimal_sep, m.thousands_sep, where)  # noqa: E731
        if c_amt is not None:
            value = num(cell(c_amt))
            kind = cell(c_type).upper()
            if kind in ("DB", "DR", "D", "DEBIT", "DEBET") and value > 0:
                value = -value
        else:
            cr, db = cell(c_cr), cell(c_db)
            credit = num(cr) if cr and cr not in ("-", "0") else 0
            debit = num(db) if db and db not in ("-", "0") else 0
            if credit and debit:
                raise ValidationError(_("{where}both credit and debit are filled in.", where=where),
                                      field="amount")
            value = abs(credit) if credit else -abs(debit)
        amount = to_minor(value, m.currency, where)
        if amount == 0:
            continue
        bal = cell(c_bal)
        balance = to_minor(num(bal), m.currency, where) if bal else None
        desc = clean_description(" ".join(cell(j) for j in c_desc if cell(j)))
        lines.append(ParsedLine(booked, amount, desc, balance, cell(c_ref)[:64], i))
    if not lines:
        raise ValidationError(_("The file has no statement lines that this mapping can read."),
                              field="file")
    return ParsedStatement(m.bank or m.name or "bank", m.account, m.currency, "csv", tuple(lines))
