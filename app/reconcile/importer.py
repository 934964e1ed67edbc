"""Importing a statement file: its lines streamed into the database in batches,
all in one transaction. A bad file imports nothing; a re-import adds nothing twice."""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Iterator

from sqlalchemy import select

from app.i18n import _
from app.domain.errors import NotFoundError, ValidationError
from app.services.audit import record_history
from app.services.context import Context
from app.store.limits import text_limit
from app.store.reconcile_models import BankMapping, BankStatement

from .bulk import LineWriter
from .csv_detect import detect_mapping
from .csv_format import PRESETS, CsvMapping, iter_csv, no_lines, refuse_binary, validate_mapping
from .mt940_format import parse_mt940
from .ofx_format import parse_ofx
from .parsed import DaysNotGrouped, Fingerprinter, ParsedLine, ParsedStatement
from .source import Source

FORMATS = ("csv", "ofx", "mt940")
MAX_FILE = 20 * 1024 * 1024
BATCH = 5000  # lines parsed, fingerprinted and inserted at a time


@dataclass(frozen=True)
class ImportResult:
    statement_id: int | None
    bank: str
    account: str
    currency: str
    format: str
    added: int
    skipped: int
    credits: int
    debits: int
    notes: tuple[str, ...] = ()  # what was guessed while reading, e.g. day-first dates

    def to_json(self) -> dict:
        return {"statementId": self.statement_id, "bank": self.bank, "account": self.account,
                "currency": self.currency, "format": self.format, "added": self.added,
                "skipped": self.skipped, "credits": self.credits, "debits": self.debits,
                "notes": list(self.notes)}


def detect_format(name: str, data: bytes) -> str:
    """csv, ofx or mt940, from the file's first bytes (`data` may be just those) and name."""
    head = data[:4096].decode("latin-1", errors="replace").upper()
    if "<OFX>" in head or "OFXHEADER" in head:
        return "ofx"
    if ":20:" in head and (":25:" in head or ":61:" in head):
        return "mt940"
    ext = Path(name).suffix.lower().lstrip(".")
    if ext in ("ofx", "qfx"):
        return "ofx"
    if ext in ("sta", "mt940", "940"):
        return "mt940"
    return "csv"


def stream_statement(data: Source | bytes, fmt: str, mapping: CsvMapping | None = None,
                     bank: str = "", account: str = "") -> tuple[ParsedStatement, Iterable[ParsedLine]]:
    """The statement's header and its lines, the lines of a CSV read as they are
    consumed. A CSV without a mapping gets the one its header row points to."""
    source = Source.of(data)
    if fmt == "csv":
        if mapping is None:
            found = detect_mapping(source)
            mapping, notes = found.mapping, found.notes
        else:
            notes = ()
        head, lines = iter_csv(source, mapping)
        head = replace(head, notes=notes + head.notes)
    elif fmt in ("ofx", "mt940"):
        refuse_binary(source.head())
        whole = source.read()  # small files, parsed whole
        head = parse_ofx(whole, bank) if fmt == "ofx" else parse_mt940(whole, bank)
        lines, head = head.lines, replace(head, lines=())
    else:
        raise ValidationError(_("Unknown statement format {fmt}. Choose csv, ofx or mt940.",
                                fmt=repr(fmt)),
                              field="format")
    if bank or account:
        head = replace(head, bank=bank or head.bank, account=account or head.account)
    return head, lines


def parse_statement(data: Source | bytes, fmt: str, mapping: CsvMapping | None = None,
                    bank: str = "", account: str = "") -> ParsedStatement:
    head, lines = stream_statement(data, fmt, mapping, bank, account)
    parsed = tuple(lines)
    if not parsed:
        raise no_lines()
    return replace(head, lines=parsed)


def _batches(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(itertools.islice(it, size)):
        yield batch


def import_statement(ctx: Context, data: Source | bytes | str | os.PathLike, fmt: str | None = None,
                     *, mapping: CsvMapping | None = None, bank: str = "", account: str = "",
                     filename: str = "") -> ImportResult:
    """Stream the file's lines (`data`: its bytes, or its path, read a chunk at a time)
    into the database in batches, inside one transaction: a bad line anywhere rolls
    back all of it, and a re-import adds nothing twice. Memory stays flat however long
    the statement is: a batch of lines, plus the digests of one day's lines to tell
    identical lines apart (of every line for a file whose days are not in order)."""
    source = Source.of(data)
    if source.size() > MAX_FILE:
        raise ValidationError(_("The file is larger than 20 MB; is it really a statement?"),
                              field="file")
    if source.is_blank():
        raise ValidationError(_("The file is empty."), field="file")
    fmt = (fmt or detect_format(filename, source.head(4096))).lower()
    try:
        return _import(ctx, source, fmt, mapping, bank.strip(), account.strip(), filename, True)
    except DaysNotGrouped:  # rolled back; again, counting copies over the whole file
        return _import(ctx, source, fmt, mapping, bank.strip(), account.strip(), filename, False)


def _import(ctx: Context, source: Source, fmt: str, mapping: CsvMapping | None, bank: str,
            account: str, filename: str, by_day: bool) -> ImportResult:
    st, lines = stream_statement(source, fmt, mapping, bank, account)
    bank_name, acct, cur = st.bank[:64], st.account[:64], st.currency
    now = ctx.now()
    total = 0
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        stmt = BankStatement(bank=bank_name, account=acct, currency=cur,
                             format=fmt, filename=Path(filename).name[:200],
                             imported_by=ctx.operator, imported_at=now,
                             lines_added=0, lines_skipped=0)
        s.add(stmt)
        s.flush()
        sid, prints = stmt.id, Fingerprinter(st.bank, st.account, by_day)
        ref_limit = text_limit("statement_lines", "bank_ref")
        writer = LineWriter(s)
        created, day = writer.value("created_at", now), writer.values("booked_on")
        try:
            for batch in _batches(lines, BATCH):
                # OFX allows 255-character FITIDs; the fingerprint keeps the whole one
                writer.insert([(sid, bank_name, acct, cur, day(line.booked_on), line.amount,
                                line.description, line.balance, line.bank_ref[:ref_limit],
                                prints(line), "unmatched" if line.amount > 0 else "debit",
                                created) for line in batch])
                total += len(batch)
        finally:
            writer.close()
        if not total:
            raise no_lines()
        added, credits = writer.added(sid)
        skipped = total - added
        if not added:  # nothing new: the statement row goes with the rolled-back transaction
            return ImportResult(None, st.bank, st.account, st.currency, fmt, 0, skipped, 0, 0,
                                st.notes)
        stmt.lines_added, stmt.lines_skipped = added, skipped
        record_history(s, ctx, "statement", stmt.id, "import", None,
                       {"format": fmt, "bank": st.bank, "account": st.account,
                        "added": added, "skipped": skipped},
                       Path(filename).name[:200])
        uow.commit()
    return ImportResult(stmt.id, st.bank, st.account, st.currency, fmt, added, skipped,
                        credits, added - credits, st.notes)


# ------------------------------------------------------------------ mappings

def save_mapping(ctx: Context, mapping: CsvMapping) -> CsvMapping:
    mapping = validate_mapping(mapping)
    if not mapping.name:
        raise ValidationError(_("Give the mapping a name (the bank's, e.g. bca)."), field="name")
    now = ctx.now()
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        row = s.execute(select(BankMapping).where(BankMapping.name == mapping.name)).scalar()
        before = None if row is None else row.config
        if row is None:
            row = BankMapping(name=mapping.name, config=mapping.to_dict(), created_at=now,
                              updated_at=now)
            s.add(row)
        else:
            row.config, row.updated_at = mapping.to_dict(), now
        s.flush()
        record_history(s, ctx, "bank_mapping", row.id, "save", before and {"config": before},
                       {"config": mapping.to_dict()})
        uow.commit()
    return mapping


def get_mapping(ctx: Context, name: str) -> CsvMapping:
    key = (name or "").strip().lower()
    with ctx.store.reader() as uow:
        row = uow.session.execute(select(BankMapping).where(BankMapping.name == key)).scalar()
        if row is not None:
            return CsvMapping.from_dict(row.config)
    if key in PRESETS:
        return PRESETS[key]
    raise NotFoundError(_("There is no saved mapping {name}. Known: {known}.", name=repr(name),
                          known=", ".join(list_mapping_names(ctx))), field="mapping")


def list_mapping_names(ctx: Context) -> list[str]:
    with ctx.store.reader() as uow:
        saved = list(uow.session.execute(select(BankMapping.name)).scalars())
    return sorted(set(saved) | set(PRESETS))
