"""Importing a statement file: parse everything first, then store the new lines
in one transaction. A bad file imports nothing; a re-import adds nothing twice."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.i18n import _
from app.domain.errors import NotFoundError, ValidationError
from app.services.audit import record_history
from app.services.context import Context
from app.store.limits import text_limit
from app.store.reconcile_models import BankMapping, BankStatement, StatementLine

from .csv_format import PRESETS, CsvMapping, parse_csv, validate_mapping
from .mt940_format import parse_mt940
from .ofx_format import parse_ofx
from .parsed import ParsedStatement, fingerprints

FORMATS = ("csv", "ofx", "mt940")
MAX_FILE = 20 * 1024 * 1024


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

    def to_json(self) -> dict:
        return {"statementId": self.statement_id, "bank": self.bank, "account": self.account,
                "currency": self.currency, "format": self.format, "added": self.added,
                "skipped": self.skipped, "credits": self.credits, "debits": self.debits}


def detect_format(name: str, data: bytes) -> str:
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


def parse_statement(data: bytes, fmt: str, mapping: CsvMapping | None = None,
                    bank: str = "", account: str = "") -> ParsedStatement:
    if fmt == "csv":
        if mapping is None:
            raise ValidationError(_("A CSV statement needs a column mapping: --mapping NAME "
                                    "(bca, mandiri, bri or one you saved) or --date-col, "
                                    "--description-col and --amount-col."), field="mapping")
        st = parse_csv(data, mapping)
    elif fmt == "ofx":
        st = parse_ofx(data, bank)
    elif fmt == "mt940":
        st = parse_mt940(data, bank)
    else:
        raise ValidationError(_("Unknown statement format {fmt}. Choose csv, ofx or mt940.",
                                fmt=repr(fmt)),
                              field="format")
    if bank or account:
        st = ParsedStatement(bank or st.bank, account or st.account, st.currency, st.format,
                             st.lines)
    return st


def import_statement(ctx: Context, data: bytes, fmt: str | None = None, *,
                     mapping: CsvMapping | None = None, bank: str = "", account: str = "",
                     filename: str = "") -> ImportResult:
    if len(data) > MAX_FILE:
        raise ValidationError(_("The file is larger than 20 MB; is it really a statement?"),
                              field="file")
    if not data.strip():
        raise ValidationError(_("The file is empty."), field="file")
    fmt = (fmt or detect_format(filename, data)).lower()
    st = parse_statement(data, fmt, mapping, bank.strip(), account.strip())
    prints = fingerprints(st.bank, st.account, st.lines)
    now = ctx.now()
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        known: set[str] = set()
        for i in range(0, len(prints), 500):
            chunk = prints[i:i + 500]
            known.update(s.execute(select(StatementLine.fingerprint)
                                   .where(StatementLine.fingerprint.in_(chunk))).scalars())
        new = [(fp, line) for fp, line in zip(prints, st.lines) if fp not in known]
        if not new:
            return ImportResult(None, st.bank, st.account, st.currency, fmt, 0, len(prints),
                                0, 0)
        stmt = BankStatement(bank=st.bank[:64], account=st.account[:64], currency=st.currency,
                             format=fmt, filename=Path(filename).name[:200],
                             imported_by=ctx.operator, imported_at=now,
                             lines_added=len(new), lines_skipped=len(prints) - len(new))
        s.add(stmt)
        s.flush()
        s.add_all(StatementLine(
            statement_id=stmt.id, bank=st.bank[:64], account=st.account[:64],
            currency=st.currency, booked_on=line.booked_on, amount=line.amount,
            description=line.description, balance=line.balance,
            # OFX allows 255-character FITIDs; the fingerprint keeps the whole one
            bank_ref=line.bank_ref[:text_limit("statement_lines", "bank_ref")],
            fingerprint=fp, state="unmatched" if line.amount > 0 else "debit", created_at=now)
            for fp, line in new)
        credits = sum(1 for _, l in new if l.amount > 0)
        record_history(s, ctx, "statement", stmt.id, "import", None,
                       {"format": fmt, "bank": st.bank, "account": st.account,
                        "added": len(new), "skipped": len(prints) - len(new)},
                       Path(filename).name[:200])
        uow.commit()
    return ImportResult(stmt.id, st.bank, st.account, st.currency, fmt, len(new),
                        len(prints) - len(new), credits, len(new) - credits)


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
