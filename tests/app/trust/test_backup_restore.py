"""Backups (on demand, daily, before migrations, rotated), restore after a check,
and the start-up check that finds a damaged file and the way back."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from app.cli import main
from app.domain.errors import ValidationError
from app.services.context import open_store
from app.services.customers import CustomerInput, add_customer, list_customers
from app.store import backup as bk
from app.trust.checks import check_file, latest_good_backup, startup_check
from app.trust.instance_lock import AlreadyRunningError, InstanceLock
from app.trust.restore import restore

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)


def _names(ctx):
    return [c.name for c in list_customers(ctx).items]


def test_round_trip(ctx, store, db_path, tmp_path, customer):
    info = bk.make_backup(db_path, tmp_path / "copy.db")
    assert info.size > 0 and check_file(info.path).ok
    add_customer(ctx, CustomerInput("Sari", "", "", "", ""))
    assert set(_names(ctx)) == {"Budi Santoso", "Sari"}
    store.dispose()
    result = restore(info.path, db_path)
    assert result.kept_as is not None and check_file(result.kept_as).ok  # the pre-restore copy
    s2 = open_store(db_path)
    try:
        from dataclasses import replace
        assert _names(replace(ctx, store=s2)) == ["Budi Santoso"]
    finally:
        s2.dispose()


def test_backup_during_an_open_write_is_consistent(store, db_path, tmp_path, ctx, customer):
    with store.unit_of_work() as uow:  # a writer holds the lock and has uncommitted work
        from app.store.models import Customer
        uow.session.add(Customer(name="half", email="", phone="", tax_id="", notes="",
                                 created_at=T0, updated_at=T0))
        uow.session.flush()
        info = bk.make_backup(db_path, tmp_path / "during.db")
    conn = sqlite3.connect(info.path)
    assert [r[0] for r in conn.execute("SELECT name FROM customers")] == ["Budi Santoso"]
    conn.close()


def test_daily_backup_and_rotation(store, db_path, customer):
    assert bk.backup_if_due(db_path, T0) is not None
    assert bk.backup_if_due(db_path, T0 + timedelta(hours=23)) is None
    for day in range(1, 12):
        assert bk.backup_if_due(db_path, T0 + timedelta(days=day)) is not None
    daily = bk.list_backups(db_path, "daily")
    assert len(daily) == bk.KEEP["daily"]
    assert daily[0].taken_at == T0 + timedelta(days=11)


def test_backup_before_a_migration(db_path, tmp_path):
    from app.store.engine import make_engine
    from app.store.migrate import upgrade

    engine = make_engine(db_path)
    upgrade(engine, "0001")  # an older database, with data
    with engine.begin() as c:
        c.exec_driver_sql("INSERT INTO customers (id, name, email, phone, tax_id, notes, "
                          "created_at, updated_at) VALUES (1, 'Ani', '', '', '', '', "
                          "'2026-01-01 10:00:00.000000', '2026-01-01 10:00:00.000000')")
        c.exec_driver_sql("INSERT INTO history (entity_type, entity_id, action, operator, "
                          "till_code, at, note) VALUES ('customer', 1, 'create', 'ana', 'T1', "
                          "'2026-01-01 10:00:00.000000', '')")
    engine.dispose()
    store = open_store(db_path)  # migrates: must back up first
    store.dispose()
    before = bk.list_backups(db_path, "migration")
    assert len(before) == 1
    conn = sqlite3.connect(before[0].path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
    conn.close()
    assert open_store(db_path) and len(bk.list_backups(db_path, "migration")) == 1  # up to date
    # The entry written before the chain existed was linked by the migration.
    report = check_file(db_path)
    assert report.ok and report.chain.checked == 1


def test_fresh_database_needs_no_migration_backup(db_path):
    open_store(db_path).dispose()
    assert bk.list_backups(db_path) == []


def test_restore_refuses_a_bad_backup_and_changes_nothing(store, db_path, tmp_path, customer):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)
    with pytest.raises(ValidationError, match="cannot be restored"):
        restore(bad, db_path)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (a)").connection.commit()
    with pytest.raises(ValidationError, match="not a Kasir database"):
        restore(other, db_path)
    tampered = bk.make_backup(db_path, tmp_path / "tampered.db").path
    conn = sqlite3.connect(tampered)
    conn.execute("UPDATE history SET operator = 'mallory'")
    conn.commit()
    conn.close()
    with pytest.raises(ValidationError, match="altered"):
        restore(tampered, db_path)
    assert check_file(db_path).ok and bk.list_backups(db_path, "prerestore") == []


def test_restore_refuses_while_the_app_runs(store, db_path, tmp_path, customer):
    copy = bk.make_backup(db_path, tmp_path / "copy.db").path
    with InstanceLock(db_path):
        with pytest.raises(AlreadyRunningError):
            restore(copy, db_path)


def test_damaged_database_is_found_and_the_way_back_works(store, db_path, ctx, customer):
    good = bk.make_backup(db_path, kind="daily", now=T0)
    store.dispose()
    assert startup_check(db_path).ok
    data = bytearray(db_path.read_bytes())
    data[100:4096 * 3] = b"\xa5" * (4096 * 3 - 100)  # the schema pages are scribbled over
    db_path.write_bytes(bytes(data))
    report = startup_check(db_path)
    assert report.damaged and not report.ok
    assert report.latest_good_backup == good.path
    assert "kasir restore" in report.message() and str(good.path) in report.message()
    result = restore(report.latest_good_backup, db_path)
    assert "damaged" in result.kept_as.name and result.kept_as.exists()
    assert startup_check(db_path).ok
    s2 = open_store(db_path)
    from dataclasses import replace
    assert _names(replace(ctx, store=s2)) == ["Budi Santoso"]
    s2.dispose()


def test_latest_good_backup_skips_bad_ones(store, db_path, customer):
    older = bk.make_backup(db_path, kind="daily", now=T0)
    newer = bk.make_backup(db_path, kind="daily", now=T0 + timedelta(days=1))
    newer.path.write_bytes(b"garbage" * 100)
    assert latest_good_backup(db_path) == older.path


def test_tampered_history_is_a_warning_at_start_up(store, db_path, customer):
    store.dispose()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE history SET note = 'changed' WHERE id = 1")
    conn.commit()
    conn.close()
    report = startup_check(db_path)
    assert not report.ok and not report.damaged
    assert "changed outside Kasir" in report.message() and "#1" in report.message()


def test_cli_backup_check_restore(db_path, tmp_path, capsys, store, customer):
    store.dispose()
    run = lambda *a: (main(["--db", str(db_path), "--json", *a]), capsys.readouterr().out)  # noqa
    code, out = run("backup")
    assert code == 0 and json.loads(out)["kind"] == "manual"
    code, out = run("backup", str(tmp_path / "mine.db"))
    assert code == 0 and (tmp_path / "mine.db").exists()
    code, out = run("backup", "--list")
    assert code == 0 and len(json.loads(out)) == 1  # a named file is not in the folder
    code, out = run("check")
    assert code == 0 and json.loads(out)["ok"]
    code, out = run("audit", "verify")
    assert code == 0 and json.loads(out)["checked"] >= 1
    code, out = run("restore", "--latest")
    assert code == 0 and json.loads(out)["keptAs"]
    code, out = run("restore", str(tmp_path / "nothing.db"))
    assert code == 3 and "no file" in json.loads(out)["error"]["message"]
    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM history WHERE id = 1")
    conn.commit()
    conn.close()
    code, out = run("audit", "verify")
    assert code == 1 and json.loads(out)["problems"][0]["seq"] == 1
