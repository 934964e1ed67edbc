"""Reconciliation: suggestions for 10,000 statement lines against 100,000 open
invoices (app.reconcile.service.suggest, database read included), beside the
raw sqlite3 read of the same lines and candidates."""

from __future__ import annotations

import random
import shutil
import sqlite3
import time
from pathlib import Path

from app.reconcile.service import suggest
from app.services.context import Context, open_store

from .dataset import build_database
from .report import Row, median_time


def _add_lines(path: Path, n_lines: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA synchronous=OFF")
    opens = con.execute("SELECT i.id, i.local_number, i.total - i.amount_paid, c.name "
                        "FROM invoices i JOIN customers c ON c.id = i.customer_id "
                        "WHERE i.status = 'open'").fetchall()
    con.execute("BEGIN")
    con.execute("INSERT INTO bank_statements (id, bank, account, currency, format, filename, "
                "imported_by, imported_at, lines_added, lines_skipped) VALUES "
                "(1, 'BCA', '1234567890', 'IDR', 'csv', 'bench.csv', 'bench', "
                "'2026-01-31 10:00:00.000000', ?, 0)", (n_lines,))
    rows = []
    for i in range(1, n_lines + 1):
        _, local, due, name = opens[rng.randrange(len(opens))]
        kind = rng.random()
        if kind < 0.45:
            desc = f"TRSF E-BANKING CR {local} {name.upper()}"
        elif kind < 0.75:
            desc = f"TRSF E-BANKING CR 3101/FTSCY/WS95051 {name.upper()}"
        elif kind < 0.85:
            desc = f"SETORAN TUNAI {local.replace('-', '')[-6:]}"
            due = due + rng.choice((-1000, 0, 500))
        else:
            desc = f"TRSF E-BANKING CR {rng.randint(10**9, 10**10)} PEMBAYARAN"
            due = rng.randint(1, 400) * 1000
        rows.append((i, 1, "BCA", "1234567890", "IDR",
                     f"2026-01-{1 + i % 28:02d}", due, desc, None, f"ref{i}",
                     f"fp{i:012d}", "unmatched", "2026-01-31 10:00:00.000000"))
    con.executemany("INSERT INTO statement_lines VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    con.execute("COMMIT")
    con.close()


def reconcile_row(n_open: int, n_lines: int, results: Path, repeat: int = 3) -> Row:
    label = f"reconcile {n_lines:,} lines vs {n_open:,} open invoices"
    info = build_database(n_open, results, mix="open")
    work = results / "reconcile-work.db"
    shutil.copyfile(info.path, work)
    _add_lines(work, n_lines)
    store = open_store(work)
    ctx = Context(store, operator="bench", till="T1")
    con = sqlite3.connect(work)

    def raw():
        con.execute("SELECT id, booked_on, amount, currency, description FROM statement_lines "
                    "WHERE state = 'unmatched' ORDER BY id").fetchall()
        con.execute("SELECT i.id, i.local_number, i.number, i.memo, i.customer_id, c.name, "
                    "i.currency, i.total - i.amount_paid, i.issued_at, i.due_at FROM invoices i "
                    "JOIN customers c ON c.id = i.customer_id WHERE i.status = 'open' "
                    "AND i.total > i.amount_paid").fetchall()

    try:
        started = time.perf_counter()
        got = suggest(ctx)
        first = time.perf_counter() - started
        t = median_time(lambda: suggest(ctx), repeat=repeat, warmup=0)
        b = median_time(raw, repeat=repeat, warmup=1)
        with_any = sum(1 for s in got if getattr(s, "suggestions", None))
    finally:
        con.close()
        store.dispose()
        work.unlink(missing_ok=True)
    return Row(label, round(t, 3), "s", round(b, 3), target=2.0,
               baseline_what="reading the same lines and candidates in raw sqlite3",
               note=f"first run {first:.2f} s; {with_any:,} of {len(got):,} lines got a suggestion")
