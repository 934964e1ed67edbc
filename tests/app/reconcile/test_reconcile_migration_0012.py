"""Migration 0012 (issue 17): fingerprints stored as 64 hex digits become the 16
bytes the importer now computes, so a file imported before the upgrade is still
recognised after it; the table rebuild keeps the matches that point at lines."""

from __future__ import annotations

from sqlalchemy import text

from app.reconcile.csv_format import PRESETS, parse_csv
from app.reconcile.importer import import_statement
from app.reconcile.parsed import ParsedLine, fingerprint
from app.services.context import Context, open_store
from app.store.engine import make_engine
from app.store.migrate import upgrade
from reconcile_files import DAY, bca_csv, old_fingerprint_hex

ROWS = [(DAY, "TRF T1-000001 BUDI", 150_000), (DAY, "BIAYA ADM", -5_000),
        (DAY, "TRF T1-000002 SITI", 150_000)]
NOW = "2026-11-24 10:00:00.000000"


def _old_database(path):
    """A database at 0011 holding the BCA file's lines as the old importer stored them,
    one OFX line (the bank's id), and a confirmed match on the first line."""
    engine = make_engine(path)
    upgrade(engine, "0011_tamper")
    lines = parse_csv(bca_csv(ROWS), PRESETS["bca"]).lines
    fitid = ParsedLine(DAY, 10_000, "TRF X", None, "F1")
    with engine.begin() as c:
        c.execute(text("INSERT INTO bank_statements (id, bank, account, currency, format, "
                       "filename, imported_by, imported_at, lines_added, lines_skipped) VALUES "
                       "(1, 'BCA', '', 'IDR', 'csv', 'nov.csv', 'ana', :now, 4, 0)"), {"now": NOW})
        for i, (line, bank) in enumerate([(l, "bca") for l in lines] + [(fitid, "BCA")], start=1):
            c.execute(text(
                "INSERT INTO statement_lines (id, statement_id, bank, account, currency, booked_on,"
                " amount, description, balance, bank_ref, fingerprint, state, created_at) VALUES "
                "(:id, 1, 'BCA', '', 'IDR', :day, :amount, :desc, :balance, :ref, :fp, :state, :now)"),
                {"id": i, "day": line.booked_on.isoformat(), "amount": line.amount,
                 "desc": line.description, "balance": line.balance, "ref": line.bank_ref,
                 "fp": old_fingerprint_hex(bank, "", line, 0), "now": NOW,
                 "state": "unmatched" if line.amount > 0 else "debit"})
        c.execute(text("INSERT INTO customers (id, name, email, phone, tax_id, notes, created_at,"
                       " updated_at) VALUES (1, 'Budi', '', '', '', '', :now, :now)"), {"now": NOW})
        c.execute(text(
            "INSERT INTO invoices (id, till_code, customer_id, currency, status, subtotal, "
            "discount, tax, total, amount_paid, reason, memo, sync_state, created_by, "
            "created_at, updated_at, version) VALUES (1, 'T1', 1, 'IDR', 'paid', 150000, 0, 0, "
            "150000, 150000, '', '', 'local', 'ana', :now, :now, 1)"), {"now": NOW})
        c.execute(text(
            "INSERT INTO statement_matches (id, line_id, invoice_id, receipt_number, amount, state,"
            " auto, till_code, confirmed_by, confirmed_at, undone_by, approved_by, undo_reason) "
            "VALUES (1, 1, 1, '', 150000, 'active', 0, 'T1', 'ana', :now, '', '', '')"),
            {"now": NOW})
    return engine, lines, fitid


def test_old_fingerprints_are_converted_and_the_file_is_still_recognised(tmp_path, clock):
    engine, lines, fitid = _old_database(tmp_path / "old.db")
    upgrade(engine)
    with engine.connect() as c:
        stored = [bytes(r[0]) for r in c.execute(text(
            "SELECT fingerprint FROM statement_lines ORDER BY id"))]
        matches = c.execute(text("SELECT line_id, invoice_id FROM statement_matches")).all()
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
    assert stored == [fingerprint("bca", "", l, 0) for l in lines] + [fingerprint("BCA", "", fitid, 0)]
    assert [tuple(m) for m in matches] == [(1, 1)]

    store = open_store(tmp_path / "old.db")
    try:
        again = import_statement(Context(store, operator="ana", till="T1", clock=clock),
                                 bca_csv(ROWS), "csv", mapping=PRESETS["bca"])
    finally:
        store.dispose()
    assert (again.added, again.skipped) == (0, 3)
