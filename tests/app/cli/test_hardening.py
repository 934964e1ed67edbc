"""Issue 17's bad inputs, one named test each: every one was a traceback or stored garbage.
They run `app.cli.main` in this process on a real SQLite file (tests/app/cli/test_fuzz_cli.py
explains `run`); the database is hashed before and after each refusal."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from app.domain.errors import ValidationError
from app.services.context import Context, open_store
from app.services.customers import CustomerInput, add_customer
from tests.app.cli.fuzz_grammar import table_digest
from tests.app.reconcile.reconcile_files import ofx_file
from tests.app.cli.test_fuzz_cli import _seed, run


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    db = tmp_path_factory.mktemp("hardening") / "kasir.db"
    _seed(db)
    return db


@pytest.fixture
def db(seeded, tmp_path):
    copy = tmp_path / "kasir.db"
    shutil.copy(seeded, copy)
    return copy


def refused(db, *argv, code=3):
    """Run `kasir --json ARGV`: it must refuse with `code`, change nothing, and answer JSON."""
    before = table_digest(db)
    rc, out, err = run(["--db", str(db), "--json", *argv])
    assert rc == code, (rc, out, err)
    assert table_digest(db) == before
    return json.loads(out)["error"]


# --- numbers and ids --------------------------------------------------------------------

def test_an_id_too_big_for_the_database_is_not_an_id(db):
    error = refused(db, "invoice", "show", "99999999999999999999999")
    assert "is not an id" in error["message"] and error["field"] == "id"


@pytest.mark.parametrize("argv", [
    ("invoice", "edit", "9223372036854775808"), ("customer", "show", "-1"),
    ("reconcile", "confirm", "1", "99999999999999999999"), ("invoice", "list", "--customer=0"),
    ("sync", "resolve", "18446744073709551616")])
def test_every_record_argument_is_range_checked(db, argv):
    assert "is not an id" in refused(db, *argv)["message"]


def test_a_bad_quantity_is_told_about_quantities_not_amounts(db):
    error = refused(db, "invoice", "create", "--customer", "1", "--currency", "IDR",
                    "--line", "Kopi", "dua", "1000")
    assert error["field"] == "lines[1].quantity"
    assert "Line 1 quantity" in error["message"] and "smallest currency unit" not in error["message"]


def test_a_bad_customer_id_and_cursor_name_themselves(db):
    assert "is not an id" in refused(db, "invoice", "list", "--customer", "-5")["message"]
    error = refused(db, "invoice", "list", "--after", "abc")
    assert error["field"] == "after" and error["message"].startswith("Cursor")


def test_a_bad_amount_still_explains_the_smallest_unit(db):
    error = refused(db, "item", "add", "--code", "X", "--name", "X", "--price", "1.50")
    assert "smallest currency unit" in error["message"]


def test_a_bad_paid_at_is_not_called_a_due_date(db):
    error = refused(db, "invoice", "pay", "2", "--paid-at", "yesterday")
    assert error["field"] == "paid_at" and "Paid at" in error["message"]
    assert "due" not in error["message"]


def test_a_due_date_beyond_the_calendar_is_refused_not_overflowed(db):
    error = refused(db, "invoice", "edit", "1", "--due", "9999-12-31T23:59:59-14:00")
    assert error["field"] == "due_at"


@pytest.mark.parametrize("argv", [("printer", "jobs", "--limit="),
                                  ("reconcile", "auto", "--min-confidence", "NaN"),
                                  ("printer", "setup", "--width", "80", "--columns", "x"),
                                  ("printer", "setup", "--timeout", "inf"),
                                  ("backup", ""), ("sync", "reminders", "--every-days", "0")])
def test_option_values_the_fuzz_test_found(db, argv):
    assert refused(db, *argv)["code"] == "validation_error"


def test_shift_close_with_a_bad_width_leaves_the_shift_open(db):
    assert run(["--db", str(db), "shift", "open", "--float", "IDR=100000"])[0] == 0
    refused(db, "shift", "close", "--counted", "IDR=100000", "--width=")
    refused(db, "shift", "close", "--counted", "IDR=100000", "--pdf", str(db.parent))
    # a folder that takes no new file, whatever its permission bits say (found by the fuzz test)
    refused(db, "shift", "close", "--counted", "IDR=100000", "--pdf", "/proc/kasir-fuzz.pdf")


# --- text that is not text --------------------------------------------------------------

def test_an_undecodable_argument_is_refused_naming_it(db):
    error = refused(db, "invoice", "create", "--customer", "1", "--currency", "IDR",
                    "--line", "kopi\udcfa", "1", "1000")
    assert "not valid UTF-8" in error["message"] and "kopi\\xfa" in error["message"]


def test_terminal_escapes_in_a_line_are_refused_naming_the_line(db):
    error = refused(db, "invoice", "create", "--customer", "1", "--currency", "IDR",
                    "--line", "a\x1b[31mRED\x07", "1", "1000")
    assert error["field"] == "lines[1].description" and "\\x1b" in error["message"]


def test_a_name_with_escapes_and_a_right_to_left_override_is_refused(db):
    error = refused(db, "customer", "add", "--name", "\x1b[2J\x07evil\u202etxt.exe")
    assert error["field"] == "name"
    error = refused(db, "customer", "add", "--name", "evil\u202etxt.exe")
    assert error["field"] == "name" and "\\u202e" in error["message"]


def test_notes_and_memos_may_hold_line_breaks(db):
    rc, out, _err = run(["--db", str(db), "--json", "customer", "add", "--name", "Sari",
                         "--notes", "line one\nline two\ttab"])
    assert rc == 0 and json.loads(out)["notes"] == "line one\nline two\ttab"


def test_rows_stored_before_the_fix_are_printed_escaped(db):
    con = sqlite3.connect(db)
    con.execute("update customers set name=?, notes=? where id=1",
                ("\x1b[2J\x07evil\u202etxt.exe", "\x9b31m"))
    con.commit()
    con.close()
    for argv in (["customer", "show", "1"], ["--json", "customer", "show", "1"],
                 ["invoice", "show", "1"], ["customer", "list"]):
        rc, out, err = run(["--db", str(db), *argv])
        assert rc == 0, err
        assert not any(c in out for c in "\x1b\x07\u202e\x9b"), out
        assert "\\x1b" in out or "\\u001b" in out
    assert json.loads(run(["--db", str(db), "--json", "customer", "show", "1"])[1])["name"] == \
        "\x1b[2J\x07evil\u202etxt.exe"  # JSON carries the same data, escaped


def test_a_huge_operator_name_is_refused_not_stored(db):
    error = refused(db, "--operator", "x" * 10_000, "invoice", "issue", "1")
    assert error["field"] == "operator" and "100" in error["message"]


def test_an_operator_with_control_characters_is_refused(db):
    assert refused(db, "--operator", "ana\x1b[0m", "invoice", "issue", "1")["field"] == "operator"


def test_over_long_text_is_refused_on_flush_from_the_models_lengths(db):
    store = open_store(db)
    try:
        ctx = Context(store, operator="o" * 101, till="T1")
        before = table_digest(db)
        with pytest.raises(ValidationError) as caught:
            add_customer(ctx, CustomerInput("Dewi"))
        assert caught.value.field == "operator" and "at most 100" in caught.value.message
        assert table_digest(db) == before
    finally:
        store.dispose()


# --- a --db that is not Kasir's ---------------------------------------------------------

def _digest_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _unusable(path, *argv):
    rc, out, err = run(["--db", str(path), "--json", *(argv or ("invoice", "list"))])
    assert rc == 7, (rc, out, err)
    error = json.loads(out)["error"]
    assert error["code"] == "database_unusable" and "Nothing was written" in error["message"]
    return error["message"]


def test_a_text_file_is_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("hello\n")
    assert "not a database file" in _unusable(path)
    assert path.read_text() == "hello\n" and not Path(f"{path}-wal").exists()


def test_a_truncated_database_is_damaged(seeded, tmp_path):
    path = tmp_path / "cut.db"
    path.write_bytes(seeded.read_bytes()[:3000])
    before = _digest_file(path)
    assert "damaged" in _unusable(path)
    assert _digest_file(path) == before


def test_a_corrupted_database_is_refused_not_read_as_empty(seeded, tmp_path):
    raw = bytearray(seeded.read_bytes())
    page = 4096
    for p in range(1, len(raw) // page):
        raw[p * page + 8:p * page + 200] = b"\x5a" * 192
    path = tmp_path / "bad.db"
    path.write_bytes(bytes(raw))
    assert "damaged" in _unusable(path)
    assert path.read_bytes() == bytes(raw)


def test_a_folder_is_not_a_database(tmp_path):
    assert "is a folder" in _unusable(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_another_programs_sqlite_file_gets_no_kasir_tables(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("create table notes(t text)")
    con.commit()
    con.close()
    before = _digest_file(path)
    assert "another program's" in _unusable(path, "customer", "add", "--name", "X")
    assert _digest_file(path) == before


def test_a_path_where_no_file_can_be_made_does_not_pass_check():
    assert "cannot be created" in _unusable(Path("/proc/kasir.db"), "check")


def test_a_device_is_not_a_database():
    assert "not a regular file" in _unusable(Path("/dev/null"))


def test_a_new_path_and_an_empty_file_are_still_new_databases(tmp_path):
    for path in (tmp_path / "new" / "kasir.db", tmp_path / "empty.db"):
        if path.name == "empty.db":
            path.write_bytes(b"")
        rc, out, err = run(["--db", str(path), "--json", "invoice", "list"])
        assert rc == 0 and json.loads(out) == [], err


# --- statement files (found by tests/app/cli/test_fuzz_statements.py) ------------------------

def test_a_statement_with_a_lone_carriage_return_is_read_not_a_traceback(db, tmp_path):
    path = tmp_path / "cr.csv"
    path.write_bytes(b"date,description,amount\r\x00\n2026-12-05,a\rb,1\n")
    rc, out, err = run(["--db", str(db), "--json", "reconcile", "import", str(path),
                        "--mapping", "bca"])
    assert rc == 3 and json.loads(out)["error"]["code"] == "validation_error", err


def test_a_utf16_statement_from_excel_is_decoded(db, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("Tanggal Transaksi,Keterangan,Cabang,Jumlah,Saldo\r\n"
                     "05/12/2026,TRSF BUDI,0000,\"66,600.00 CR\",\"1,066,600.00\"\r\n"
                     .encode("utf-16"))
    rc, out, err = run(["--db", str(db), "--json", "reconcile", "import", str(path),
                        "--mapping", "bca"])
    assert rc == 0 and json.loads(out)["added"] == 1, (out, err)


def test_an_ofx_fitid_longer_than_its_column_is_kept_short_not_refused(db, tmp_path):
    path = tmp_path / "long.ofx"
    data = ofx_file([(date(2026, 12, 5), "TRSF BUDI", 66_600)])
    path.write_bytes(data.replace(b"<FITID>F1", b"<FITID>" + b"F" * 200))
    rc, out, err = run(["--db", str(db), "--json", "reconcile", "import", str(path)])
    assert rc == 0 and json.loads(out)["added"] == 1, (out, err)
    con = sqlite3.connect(db)
    assert con.execute("select length(bank_ref) from statement_lines").fetchone() == (64,)
    con.close()


def _corrupt(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    for p in range(1, len(raw) // 4096):
        raw[p * 4096 + 8:p * 4096 + 200] = b"\x5a" * 192
    path.write_bytes(bytes(raw))


def test_a_damaged_database_can_still_be_restored_from_its_backup(db):
    assert run(["--db", str(db), "backup"])[0] == 0
    _corrupt(db)
    assert "damaged" in _unusable(db)
    rc, out, err = run(["--db", str(db), "--json", "restore", "--latest"])
    assert rc == 0, (out, err)
    rc, out, err = run(["--db", str(db), "--json", "invoice", "list"])
    assert rc == 0 and len(json.loads(out)) == 3, err


def test_a_database_named_by_sqlite_url_is_checked_too(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("hello\n")
    assert "not a database file" in _unusable(f"sqlite:///{path}")


@pytest.mark.parametrize("argv", [("invoice", "list", "--db"), ("--operator",), ("--till",)])
def test_a_global_option_without_its_value_is_a_coded_refusal(db, argv):
    error = refused(db, *argv)
    assert "expected one argument" in error["message"] and "kasir --help" in error["message"]
