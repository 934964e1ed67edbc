"""Statements that should just work: the bank's preset or a generic mapping found
from the header, the date format from the dates, a preview of the first lines;
and files that are no statement at all refused cleanly."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.errors import ValidationError
from app.reconcile.csv_detect import detect_mapping, preview
from app.reconcile.csv_format import PRESETS, CsvMapping, parse_csv
from app.reconcile.date_formats import guess_date_format
from app.reconcile.importer import import_statement
from app.store.reconcile_models import BankStatement, StatementLine
from reconcile_files import DAY, bca_csv, mandiri_csv

ROOT = Path(__file__).resolve().parents[3]
PLAIN = b"date,description,amount\n2026-12-05,TRF T1-000001 BUDI,150000\n2026-12-06,BIAYA ADM,-5000\n"


def count(ctx, model=StatementLine):
    with ctx.store.reader() as uow:
        return uow.session.execute(select(func.count()).select_from(model)).scalar()


def test_plain_csv_with_iso_dates_imports_without_a_mapping(ctx):
    res = import_statement(ctx, PLAIN, "csv", filename="plain.csv")
    assert (res.added, res.credits, res.debits, res.notes) == (2, 1, 1, ())
    with ctx.store.reader() as uow:
        got = uow.session.execute(select(StatementLine.booked_on, StatementLine.amount)
                                  .order_by(StatementLine.id)).all()
    assert got == [(date(2026, 12, 5), 150_000), (date(2026, 12, 6), -5_000)]


@pytest.mark.parametrize("make,preset,delimiter", [(bca_csv, "bca", "auto"), (mandiri_csv, "mandiri", "auto")])
def test_bank_preset_found_from_the_header(make, preset, delimiter):
    rows = [(DAY, "TRF T1-000001", 150_000), (DAY, "BIAYA ADM", -5_000)]
    found = detect_mapping(make(rows))
    assert found.preset == preset
    assert found.mapping.date_col == PRESETS[preset].date_col
    assert [l.amount for l in parse_csv(make(rows), found.mapping).lines] == [150_000, -5_000]


def test_ambiguous_dates_are_read_day_first_and_say_so(ctx):
    data = b"Tanggal,Uraian,Nominal\n05/12/2026,TRF A,150.000\n06/12/2026,TRF B,\"1.250.000\"\n"
    res = import_statement(ctx, data, "csv")
    assert res.added == 2 and len(res.notes) == 1
    assert "day-first" in res.notes[0] and "%d/%m/%Y" in res.notes[0]
    with ctx.store.reader() as uow:
        got = uow.session.execute(select(StatementLine.booked_on, StatementLine.amount)
                                  .order_by(StatementLine.id)).all()
    assert got == [(date(2026, 12, 5), 150_000), (date(2026, 12, 6), 1_250_000)]


def test_one_unambiguous_date_settles_the_whole_file():
    day_first = b"date,description,amount\n05/12/2026,a,1000\n13/12/2026,b,2000\n"
    month_first = b"date,description,amount\n12/05/2026,a,1000\n12/13/2026,b,2000\n"
    a = parse_csv(day_first, detect_mapping(day_first).mapping)
    b = parse_csv(month_first, detect_mapping(month_first).mapping)
    assert [l.booked_on for l in a.lines] == [date(2026, 12, 5), date(2026, 12, 13)]
    assert [l.booked_on for l in b.lines] == [date(2026, 12, 5), date(2026, 12, 13)]
    assert a.notes == b.notes == ()


@pytest.mark.parametrize("values,fmt,ambiguous", [
    (["2026-12-05", "2026-01-31"], "%Y-%m-%d", False),
    (["2026-12-05 10:31:00", "2026-12-06T08:00:00"], "%Y-%m-%d", False),
    (["01/02/2026", "03/04/2026"], "%d/%m/%Y", True),
    (["31.12.2026"], "%d.%m.%Y", False),
    (["5-Dec-2026", "PEND", ""], "%d-%b-%Y", False),
    (["31/02/2026"], None, False),
])
def test_date_format_guess(values, fmt, ambiguous):
    guess = guess_date_format(values)
    assert (guess.format, guess.ambiguous) == (fmt, ambiguous)


def test_generic_debit_and_credit_columns_with_indonesian_numbers(ctx):
    data = (b"Tgl;Uraian;Debet;Kredit;Saldo\n"
            b"2026-12-01;SETORAN T1-000002;;1.500.000,00;2.500.000,00\n"
            b"2026-12-02;BIAYA ADM;5.000,00;;2.495.000,00\n")
    found = detect_mapping(data)
    assert found.preset == "generic"
    assert (found.mapping.credit_col, found.mapping.debit_col, found.mapping.decimal_sep) == ("Kredit", "Debet", ",")
    st = parse_csv(data, found.mapping)
    assert [(l.amount, l.balance) for l in st.lines] == [(1_500_000, 2_500_000), (-5_000, 2_495_000)]


def test_decimal_point_judged_from_the_amounts():
    dot = b"date,description,amount\n2026-12-05,a,150000.00\n2026-12-06,b,\"1,250,000.00\"\n"
    assert [l.amount for l in parse_csv(dot, detect_mapping(dot).mapping).lines] == [150_000, 1_250_000]
    mixed = b"date,description,amount\n2026-12-05,a,150000.00\n2026-12-06,b,\"1250000,00\"\n"
    with pytest.raises(ValidationError, match="decimal point"):
        detect_mapping(mixed)


def test_preview_shows_the_first_lines_and_the_mapping(tmp_path):
    rows = "".join(f"2026-12-{d:02d},TRANSFER {d},{d * 1000}\n" for d in range(1, 29))
    f = tmp_path / "plain.csv"
    f.write_text("Statement of account\n\ndate,description,amount\n" + rows)
    p = preview(f, 3)
    assert (p.preset, p.header_row, p.mapping.date_format) == ("generic", 3, "%Y-%m-%d")
    assert [(l.booked_on, l.amount, l.description) for l in p.lines] == [
        (date(2026, 12, d), d * 1000, f"TRANSFER {d}") for d in (1, 2, 3)]
    # with a mapping given, it is used as is
    bca = tmp_path / "bca.csv"
    bca.write_bytes(bca_csv([(DAY, "TRF", 1000)]))
    assert preview(bca, 5, PRESETS["bca"]).lines[0].amount == 1000


def test_an_explicit_date_format_is_kept(ctx):
    m = CsvMapping(date_col="date", description_cols=("description",), amount_col="amount",
                   date_format="%d/%m/%Y")
    with pytest.raises(ValidationError, match="does not match the format"):
        import_statement(ctx, PLAIN, "csv", mapping=m)
    assert count(ctx) == 0


def test_unrecognised_columns_are_a_clear_refusal(ctx):
    with pytest.raises(ValidationError, match="does not recognise"):
        import_statement(ctx, b"foo,bar\n1,2\n", "csv")


BINARIES = [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    b"PK\x03\x04\x14\x00\x06\x00" + bytes(200),
    bytes(range(256)) * 40,
    b"date,description,amount\n2026-12-05,\"a\x00b\",1000\n",
]


@pytest.mark.parametrize("data", BINARIES)
@pytest.mark.parametrize("fmt", [None, "csv", "ofx", "mt940"])
def test_binary_files_are_refused_and_change_nothing(ctx, data, fmt):
    with pytest.raises(ValidationError) as err:
        import_statement(ctx, data, fmt, filename="statement.csv")
    assert err.value.field == "file" or fmt in ("ofx", "mt940")
    assert count(ctx) == count(ctx, BankStatement) == 0


def _table_digest(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        h = hashlib.sha256()
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
            h.update(name.encode())
            for row in sorted(map(repr, con.execute(f'SELECT * FROM "{name}"'))):
                h.update(row.encode())
        return h.hexdigest()
    finally:
        con.close()


def test_cli_import_of_a_binary_file_is_a_coded_refusal(tmp_path):
    db, env = tmp_path / "k.db", dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("KASIR_DB", None)

    def kasir(*args):
        return subprocess.run([sys.executable, "-m", "app.cli", "--db", str(db), "--operator", "ana",
                               "--json", *args], capture_output=True, text=True, cwd=ROOT, env=env,
                              timeout=60)

    plain = tmp_path / "plain.csv"
    plain.write_bytes(PLAIN)
    ok = kasir("reconcile", "import", str(plain))
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["added"] == 2
    before = _table_digest(db)
    for i, data in enumerate(BINARIES):
        f = tmp_path / f"bin{i}.csv"
        f.write_bytes(data)
        p = kasir("reconcile", "import", str(f))
        assert p.returncode == 3, (p.stdout, p.stderr)
        assert "Traceback" not in p.stderr and "Error" not in p.stderr.split(":")[0]
        assert json.loads(p.stdout)["error"]["code"] == "validation_error"
    assert _table_digest(db) == before


# ── fuzz: any bytes end in an import or a coded refusal that changes nothing ──
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from app.domain.errors import KasirError  # noqa: E402

_CELL = st.one_of(st.sampled_from(["2026-12-05", "05/12/2026", "13/13/2026", "1.500.000,00",
                                   "150000", "-5000", "abc", "", "\"", "CR", "Rp 10.000", "\x00"]),
                  st.text(max_size=12))
_HEADER = st.sampled_from(["date,description,amount", "Tanggal Transaksi,Keterangan,Cabang,Jumlah,Saldo",
                           "Tgl;Uraian;Debet;Kredit", "a,b", ""])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=_HEADER, rows=st.lists(st.lists(_CELL, max_size=5), max_size=6),
       junk=st.binary(max_size=64), fmt=st.sampled_from([None, "csv", "ofx", "mt940"]))
def test_fuzzed_statement_files(ctx, header, rows, junk, fmt):
    delim = ";" if ";" in header else ","
    text = header + "\n" + "\n".join(delim.join(r) for r in rows)
    data = text.encode("utf-8", "surrogatepass") + junk
    before = (count(ctx), count(ctx, BankStatement))
    try:
        res = import_statement(ctx, data, fmt, filename="fuzz.csv")
    except KasirError as err:
        assert err.message
        assert (count(ctx), count(ctx, BankStatement)) == before
    else:
        assert count(ctx) == before[0] + res.added
