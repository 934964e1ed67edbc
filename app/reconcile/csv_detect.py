"""Reading a CSV statement without being told how: which bank's export it is
(from the header row), or a generic mapping for a plain `date, description,
amount` file (or one with debit and credit columns); which date format the
dates are in; which decimal separator the amounts use. `preview` shows the
first lines as they would be imported, for the window to show before import."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from pathlib import Path

from app.i18n import _
from app.domain.errors import ValidationError

from .csv_format import (AUTO, HEADER_ROWS, PRESETS, CsvMapping, _delimiter, _reader, iter_csv,
                         refuse_binary, wanted_columns)
from .parsed import ParsedLine
from .source import Source

# Header names a plain export uses, English and Indonesian, in order of preference.
SYNONYMS = {
    "date": ("date", "tanggal", "tgl", "transaction date", "tanggal transaksi", "booking date",
             "posting date", "value date", "tgl transaksi", "tanggal mutasi"),
    "description": ("description", "keterangan", "uraian", "details", "detail", "memo",
                    "narrative", "deskripsi", "berita", "remark", "remarks"),
    "amount": ("amount", "jumlah", "nominal", "nilai", "mutasi", "amount (idr)"),
    "credit": ("credit", "kredit", "cr", "masuk", "mutasi kredit"),
    "debit": ("debit", "debet", "db", "keluar", "mutasi debet", "mutasi debit"),
    "balance": ("balance", "saldo", "running balance", "saldo akhir"),
    "ref": ("reference", "ref", "ref no", "no. referensi", "referensi"),
}
_LAST_SEP = re.compile(r"[.,](\d+)$")


@dataclass(frozen=True)
class Detection:
    mapping: CsvMapping
    preset: str  # bca, mandiri, bri, generic
    header_row: int  # 1-based line of the header
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Preview:
    mapping: CsvMapping  # with the date format and separators it settled on
    preset: str
    header_row: int
    notes: tuple[str, ...]
    lines: tuple[ParsedLine, ...]


def _matches(row: list[str], m: CsvMapping) -> bool:
    lower = {c.lower() for c in row if c}
    named = [c for c in wanted_columns(m) if not c.isdigit()]
    return bool(named) and all(c.lower() in lower for c in named)


def _generic(row: list[str]) -> CsvMapping | None:
    """A mapping by synonyms, or None when the row does not name a date, a description
    and an amount (or credit and debit) column."""
    lower = {c.lower(): c for c in row if c}
    found = {role: next((lower[n] for n in names if n in lower), "") for role, names in SYNONYMS.items()}
    if not found["date"] or not found["description"]:
        return None
    if found["credit"] and found["debit"]:
        amounts = {"credit_col": found["credit"], "debit_col": found["debit"]}
    elif found["amount"]:
        amounts = {"amount_col": found["amount"]}
    else:
        return None
    return CsvMapping(name="generic", date_col=found["date"], description_cols=(found["description"],),
                      balance_col=found["balance"], ref_col=found["ref"], date_format=AUTO,
                      **amounts)


def _decimal_votes(values) -> tuple[int, int]:
    """How many amounts show '.' as the decimal point, and how many ','."""
    dot = comma = 0
    for v in values:
        v = re.sub(r"[^\d.,]", "", v)
        if "." in v and "," in v:
            if v.rfind(".") > v.rfind(","):
                dot += 1
            else:
                comma += 1
            continue
        for sep in ".,":
            if v.count(sep) > 1:  # 1.500.000: a thousands separator
                comma += sep == "."
                dot += sep == ","
            elif v.count(sep) == 1:
                tail = _LAST_SEP.search(v)
                if tail and len(tail.group(1)) != 3:  # 12.50, 1,5: a decimal point
                    dot += sep == "."
                    comma += sep == ","
    return dot, comma


def _number_format(m: CsvMapping, rows) -> tuple[CsvMapping, tuple[str, ...]]:
    cols = [c for c in (m.amount_col, m.credit_col, m.debit_col, m.balance_col) if c]
    dot, comma = _decimal_votes(itertools.chain.from_iterable(
        (row.get(c.lower(), "") for c in cols) for row in rows))
    if dot and comma:
        raise ValidationError(_("The amounts mix '.' and ',' as the decimal point. Give "
                                "--decimal-sep and --thousands-sep."), field="decimal_sep")
    if dot:
        return replace(m, decimal_sep=".", thousands_sep=","), ()
    # No decimal seen (whole rupiah): 1.500 is read as fifteen hundred, the Indonesian way.
    return replace(m, decimal_sep=",", thousands_sep="."), ()


def detect_mapping(data: Source | bytes, delimiter: str = "auto") -> Detection:
    """The bank preset whose columns the header names, else a generic mapping (whose
    decimal separator is judged over the whole file, read a second time)."""
    source = Source.of(data)
    refuse_binary(source.head())
    delim = _delimiter(source, delimiter)
    first = list(itertools.islice(_reader(source, delim), HEADER_ROWS))
    for i, row in enumerate(first):
        for name in ("bca", "mandiri", "bri"):
            if _matches(row, PRESETS[name]):
                return Detection(replace(PRESETS[name], delimiter=delimiter), name, i + 1)
    for i, row in enumerate(first):
        generic = _generic(row)
        if generic is not None:
            names = [c.lower() for c in row]
            records = (dict(zip(names, r))
                       for r in itertools.islice(_reader(source, delim), i + 1, None))
            mapping, notes = _number_format(replace(generic, delimiter=delimiter), records)
            return Detection(mapping, "generic", i + 1, notes)
    raise ValidationError(_("Kasir does not recognise this statement's columns. Choose a "
                            "mapping (bca, mandiri, bri) or name the columns: --date-col, "
                            "--description-col and --amount-col."), field="mapping")


def preview(path: str | Path, n: int = 10, mapping: CsvMapping | None = None) -> Preview:
    """The first `n` lines of a CSV statement as they would be imported, with the
    mapping used (detected when none is given) and what was guessed on the way."""
    data = Source.from_path(path)
    if mapping is None:
        found = detect_mapping(data)
        mapping, preset, header_row, notes = found.mapping, found.preset, found.header_row, found.notes
    else:
        preset, header_row, notes = mapping.name, 0, ()
    head, lines = iter_csv(data, mapping)
    shown = tuple(itertools.islice(lines, n))
    settled = mapping
    if mapping.date_format == AUTO and head.date_format:
        settled = replace(mapping, date_format=head.date_format)
    return Preview(settled, preset, header_row, notes + head.notes, shown)
