"""The demo's bulk path writes exactly what the services write, only faster."""

from __future__ import annotations

import io
import sqlite3
import time

import pytest

import app.demo as demo
from app.demo_bulk import terminal_progress
from app.services.context import Context, open_store

TABLES = {
    "invoices": "*", "invoice_lines": "*", "payments": "*", "receipts": "*",
    "history": "*", "number_series": "*", "history_chain_head": "*", "customers": "*",
    "outbox": "id, aggregate, operation, payload, state, attempts, next_attempt_at, "
              "last_error, created_at, done_at",  # the idempotency key is random
}


def _seed(path, clock, *, bulk: bool, n: int, monkeypatch, progress=None) -> int:
    store = open_store(path)
    try:
        with monkeypatch.context() as m:
            if not bulk:
                m.setattr(demo, "can_bulk_write", lambda ctx: False)
            return demo.seed_demo(Context(store, operator="ana", till="T1", clock=clock), n,
                                  progress=progress)
    finally:
        store.dispose()


def _dump(path) -> dict:
    con = sqlite3.connect(path)
    try:
        return {t: con.execute(f"SELECT {cols} FROM {t} ORDER BY 1, 2").fetchall()
                for t, cols in TABLES.items()}
    finally:
        con.close()


def test_bulk_rows_are_the_services_rows(tmp_path, clock, monkeypatch):
    """Same plan, both paths: every row, number and history hash the same."""
    slow, fast = tmp_path / "services.db", tmp_path / "bulk.db"
    assert _seed(slow, clock, bulk=False, n=120, monkeypatch=monkeypatch) == 122
    assert _seed(fast, clock, bulk=True, n=120, monkeypatch=monkeypatch) == 122
    a, b = _dump(slow), _dump(fast)
    statuses = {row[8] for row in a["invoices"]}
    assert statuses == {"draft", "open", "paid", "void", "uncollectible"}
    assert len(a["history"]) > 250 and len(a["outbox"]) > 150
    for table in TABLES:
        assert a[table] == b[table], table


def test_a_big_demo_is_fast_gapless_and_verifies(tmp_path, clock, monkeypatch):
    from app.cli import main

    path = tmp_path / "big.db"
    seen = []
    started = time.perf_counter()
    made = _seed(path, clock, bulk=True, n=5000, monkeypatch=monkeypatch,
                 progress=lambda done, total: seen.append((done, total)))
    took = time.perf_counter() - started
    assert made == 5002 and took < 30, took
    assert seen[-1] == (5000, 5000) and seen == sorted(seen)
    con = sqlite3.connect(path)
    numbers = [r[0] for r in con.execute(
        "SELECT local_number FROM invoices WHERE local_number IS NOT NULL ORDER BY id")]
    receipts = [r[0] for r in con.execute("SELECT number FROM receipts ORDER BY id")]
    assert con.execute("SELECT count(*) FROM invoice_search").fetchone()[0] == 5002
    con.close()
    assert numbers == [f"T1-{i:06d}" for i in range(1, len(numbers) + 1)]
    assert receipts == [f"T1-R{i:06d}" for i in range(1, len(receipts) + 1)]
    assert main(["--db", str(path), "audit", "verify"]) == 0
    assert main(["--db", str(path), "check"]) == 0


def test_bulk_write_that_fails_leaves_the_file_as_it_was(tmp_path, clock, monkeypatch):
    import random

    import app.demo_bulk as bulk

    path = tmp_path / "k.db"
    _seed(path, clock, bulk=True, n=10, monkeypatch=monkeypatch)
    before = _dump(path)
    calls = []
    real = bulk.validate_draft

    def fails_on_the_fifth(data):
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("disk on fire")
        return real(data)

    monkeypatch.setattr(bulk, "validate_draft", fails_on_the_fifth)
    monkeypatch.setattr(bulk, "CHUNK", 2)  # rows were already sent when it fails
    store = open_store(path)
    try:
        ctx = Context(store, operator="ana", till="T1", clock=clock)
        plan = demo.plan_sales(random.Random(1), [1, 2], 10, clock())
        with pytest.raises(RuntimeError):
            bulk.write_sales(ctx, plan, 10)
    finally:
        store.dispose()
    assert len(calls) == 5 and _dump(path) == before


def test_progress_bar_only_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert terminal_progress(io.StringIO()) is None
    out = Tty()
    show = terminal_progress(out)
    show(500, 1000)
    show(1000, 1000)
    assert out.getvalue() == ("\r[" + "#" * 15 + "." * 15 + "] 500/1000"
                              "\r[" + "#" * 30 + "] 1000/1000\n")
