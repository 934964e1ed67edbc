"""The benchmark suite itself: the database builder writes what the app would
(valid chain, gapless numbers, consistent money), results rows judge targets
right, and a tiny run of the command prints the table and writes the JSON."""

from __future__ import annotations

import json
import sqlite3

import pytest

from app.bench.dataset import build_database
from app.bench.report import Row, format_table, missing


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    return build_database(3000, tmp_path_factory.mktemp("bench"))


def test_builder_writes_a_database_the_app_accepts(small_db):
    from app.domain.validation import DraftInput, LineInput
    from app.services import invoices
    from app.services.context import Context, open_store
    from app.services.queries import InvoiceQuery, get_invoice, list_invoices
    from app.trust.chain import verify

    assert small_db.rows["invoices"] == 3000 and small_db.rows["lines"] >= 3000
    store = open_store(small_db.path)
    try:
        report = verify(store)
        assert report.ok, report.summary()
        assert report.checked == small_db.rows["history"]
        ctx = Context(store, operator="ana", till="T2")
        page = list_invoices(ctx, InvoiceQuery(status="paid"))
        assert len(page.items) == 50 and page.next_cursor
        inv = get_invoice(ctx, page.items[0].id)
        assert inv.amount_paid == inv.total and inv.lines
        assert sum(l.amount for l in inv.lines) == inv.subtotal
        # The app carries on where the builder stopped: next number, chain still intact.
        con = sqlite3.connect(small_db.path)
        last = con.execute("SELECT last_value FROM number_series WHERE till_code='T2' "
                           "AND kind='invoice'").fetchone()[0]
        con.close()
        new = invoices.create_and_issue(ctx, DraftInput(1, "IDR", (LineInput("Teh", 1, 5000),),
                                                        0, 0, None, ""))
        assert new.local_number == f"T2-{last + 1:06d}"
        assert verify(store).ok
    finally:
        store.dispose()


def test_builder_numbers_are_gapless_and_money_adds_up(small_db):
    con = sqlite3.connect(small_db.path)
    try:
        for till, last in con.execute("SELECT till_code, last_value FROM number_series "
                                      "WHERE kind='invoice'"):
            nums = sorted(int(r[0].split("-")[1]) for r in con.execute(
                "SELECT local_number FROM invoices WHERE till_code=? AND local_number IS NOT "
                "NULL", (till,)))
            assert nums == list(range(1, last + 1))
        bad = con.execute("SELECT count(*) FROM invoices i WHERE subtotal != (SELECT "
                          "sum(amount) FROM invoice_lines l WHERE l.invoice_id = i.id) OR "
                          "total != max(0, subtotal - discount + tax)").fetchone()[0]
        assert bad == 0
        assert con.execute("SELECT count(*) FROM invoices WHERE status='paid'").fetchone()[0] \
            == con.execute("SELECT count(*) FROM receipts").fetchone()[0]
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()


def test_builder_reuses_its_cache(small_db, tmp_path):
    again = build_database(3000, small_db.path.parent)
    assert again.cached and again.path == small_db.path
    other = build_database(500, tmp_path, mix="open")
    con = sqlite3.connect(other.path)
    assert {r[0] for r in con.execute("SELECT DISTINCT status FROM invoices")} == {"open"}
    con.close()
    with pytest.raises(ValueError):
        build_database(10, tmp_path, mix="nonsense")


def test_rows_judge_targets_and_ratios():
    fast = Row("list", 2.0, "ms", baseline=1.0, target=5.0, max_ratio=3.0)
    assert fast.ratio == 2.0 and fast.ok is True
    assert Row("list", 6.0, "ms", baseline=1.0, target=5.0).ok is False
    assert Row("list", 4.0, "ms", baseline=1.0, target=5.0, max_ratio=3.0).ok is False
    gone = missing("slip", "ms")
    assert gone.value is None and gone.ok is None and gone.note == "not available yet"
    d = fast.to_json()
    assert {"name", "value", "unit", "baseline", "ratio", "target", "ok"} <= set(d)
    assert d["target"] == "< 5.00 ms and ≤ 3× base"
    table = format_table([fast, gone])
    assert "not available yet" in table and "2.00×" in table


def test_a_small_run_prints_the_table_and_writes_json(tmp_path, capsys):
    from app.bench.__main__ import main

    out = tmp_path / "res" / "bench.json"
    assert main(["--invoices", "2000", "--out", str(out), "--repeat", "3",
                 "--only", "build,list,search,open,sale,slip,pdf"]) == 0
    text = capsys.readouterr().out
    assert "list page: paid" in text and "search: no match" in text
    data = json.loads(out.read_text())
    names = {r["name"] for r in data["results"]}
    assert "create, issue, pay (3 transactions)" in names
    assert "build 2,000-invoice database" in names
    for r in data["results"]:
        assert set(r) >= {"name", "value", "unit", "baseline", "ratio", "target", "ok"}
        if r["value"] is not None and r["name"].startswith("list page"):
            assert r["baseline"] > 0 and r["ratio"] > 0
    assert data["meta"]["invoices"] == 2000
    assert not (tmp_path / "res" / "bench-work.db").exists()


def test_unknown_benchmark_name_is_refused(tmp_path, capsys):
    from app.bench.__main__ import main

    assert main(["--only", "nonsense", "--out", str(tmp_path / "x.json")]) == 2
    assert "unknown benchmark" in capsys.readouterr().err


def test_the_refund_row_measures_a_refund_beside_the_fsync_floor(tmp_path, capsys):
    from app.bench.__main__ import main

    out = tmp_path / "res" / "bench.json"
    assert main(["--invoices", "2000", "--out", str(out), "--repeat", "5",
                 "--only", "build,refund"]) == 0
    [row] = [r for r in json.loads(out.read_text())["results"]
             if r["name"] == "refund (1 transaction)"]
    assert row["value"] > 0 and row["baseline"] > 0 and row["target"] == "< 10.0 ms"
    print(row)


def test_the_till_rows_measure_database_time_beside_the_fsync_floor(tmp_path):
    from app.bench.__main__ import main

    out = tmp_path / "res" / "bench.json"
    assert main(["--invoices", "2000", "--out", str(out), "--repeat", "5",
                 "--only", "build,till"]) == 0
    rows = {r["name"]: r for r in json.loads(out.read_text())["results"]}
    for name in ("issue and pay from the pay step (tenders): database time",
                 "refund: database time"):
        row = rows[name]
        assert row["value"] > 0 and row["baseline"] > 0 and row["target"] == "< 10.0 ms", row


def test_the_database_timer_counts_driver_time_only_and_puts_the_dialect_back(tmp_path):
    import time as clock

    from app.bench.cases_till import DbTimer, median_db_time
    from app.services.context import open_store
    from sqlalchemy import text

    store = open_store(tmp_path / "t.db")
    try:
        dialect = store.engine.dialect
        assert "do_execute" not in vars(dialect)

        def work():
            with store.engine.connect() as conn:
                conn.execute(text("SELECT count(*) FROM invoices")).all()
            clock.sleep(0.02)  # Python time: not the database's

        t = median_db_time(store.engine, work, repeat=3, warmup=1)
        assert 0 < t < 0.02
        assert "do_execute" not in vars(dialect) and "do_commit" not in vars(dialect)
        with DbTimer(store.engine) as timer:
            work()
        assert 0 < timer.total < 0.02
    finally:
        store.dispose()
