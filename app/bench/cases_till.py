"""The till's two actions of issues 14 and 15 by their database time: issuing and
paying from the pay step (tenders, with change), and a refund. Database time is
the time spent inside the database driver (every statement, BEGIN IMMEDIATE and
the COMMIT with its fsync), measured by timing the SQLAlchemy dialect's execute
and commit calls; the Python around them (validation, the ORM, the hash chain)
is not counted. Each is a median beside the fsync floor measured in the same
run: as many one-row write transactions in raw sqlite3 as the action has."""

from __future__ import annotations

import sqlite3
import statistics
import time
from pathlib import Path
from typing import Callable

from app.domain.refunds import RefundInput
from app.domain.tenders import Tender
from app.domain.validation import DraftInput, LineInput
from app.services import invoices
from app.services.refunds import refund

from .report import Row, median_time, missing, ms

TIMED = ("do_execute", "do_executemany", "do_execute_no_params", "do_commit", "do_rollback")


class DbTimer:
    """Adds up the time spent in the dialect's driver calls while it is entered."""

    def __init__(self, engine):
        self.dialect = engine.dialect
        self.total = 0.0

    def _timed(self, fn: Callable):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.total += time.perf_counter() - started
        return timed

    def __enter__(self) -> "DbTimer":
        for name in TIMED:
            setattr(self.dialect, name, self._timed(getattr(self.dialect, name)))
        return self

    def __exit__(self, *exc) -> None:
        for name in TIMED:
            delattr(self.dialect, name)  # the class's own method again


def median_db_time(engine, fn: Callable[[], object], repeat: int, warmup: int = 2) -> float:
    """Median database time of `fn()` in seconds."""
    for _ in range(warmup):
        fn()
    samples = []
    with DbTimer(engine) as timer:
        for _ in range(repeat):
            before = timer.total
            fn()
            samples.append(timer.total - before)
    return statistics.median(samples)


def _floor(path: Path, transactions: int) -> Callable[[], None]:
    con = sqlite3.connect(path, isolation_level=None, timeout=30)
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE IF NOT EXISTS bench_floor (x INTEGER)")
    con.execute("INSERT INTO bench_floor VALUES (0)")

    def floor():
        for _ in range(transactions):
            con.execute("BEGIN IMMEDIATE")
            con.execute("UPDATE bench_floor SET x = x + 1")
            con.execute("COMMIT")
    floor.close = con.close  # type: ignore[attr-defined]
    return floor


def till_rows(ctx, path: Path, repeat: int) -> list[Row]:
    engine = ctx.store.engine
    sale = DraftInput(None, "IDR", (LineInput("Kopi susu", 2, 18000),
                                    LineInput("Roti bakar", 1, 25000)), 0, 0, None, "", "shop")
    # 61.000 with tax from the shop's rate, paid by card and cash with change.
    paying = invoices.PaymentInput(tenders=(Tender("edc", 20000, "4411"), Tender("cash", 100000)))

    def pay_step():
        inv = invoices.create_and_issue(ctx, sale)
        invoices.pay_with_tenders(ctx, inv.id, paying)

    two, one = _floor(path, 2), _floor(path, 1)
    try:
        t_sale = median_db_time(engine, pay_step, repeat)
        b_sale = median_time(two, repeat=repeat)
        rows = [Row("issue and pay from the pay step (tenders): database time", ms(t_sale), "ms",
                    ms(b_sale), target=10.0,
                    baseline_what="two one-row write transactions in raw sqlite3 (fsync floor)")]
        con = sqlite3.connect(path, timeout=30)
        paid = [r[0] for r in con.execute(
            "SELECT id FROM invoices WHERE status = 'paid' AND amount_paid > amount_refunded "
            "ORDER BY id DESC LIMIT ?", ((repeat + 4) * 2,))]
        con.close()
        if len(paid) < repeat + 2:
            rows.append(missing("refund: database time", "ms", "too few paid invoices"))
            return rows
        it = iter(paid)
        data = RefundInput(amount=1, method="cash")
        t_refund = median_db_time(engine, lambda: refund(ctx, next(it), data), repeat)
        b_refund = median_time(one, repeat=repeat)
        rows.append(Row("refund: database time", ms(t_refund), "ms", ms(b_refund), target=10.0,
                        baseline_what="a one-row write transaction in raw sqlite3 (fsync floor)"))
        return rows
    finally:
        two.close()
        one.close()
