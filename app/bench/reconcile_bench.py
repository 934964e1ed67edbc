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


# ── importing a long statement ───────────────────────────────────────────
IMPORT_CHILD = r'''
import csv, hashlib, io, json, resource, sqlite3, sys, time
from datetime import date
mode, csv_path, db_path = sys.argv[1:4]
if mode == "kasir":  # as `kasir reconcile import FILE` does: the file's path, streamed
    from pathlib import Path
    from app.reconcile.csv_format import PRESETS
    from app.reconcile.importer import import_statement
    from app.services.context import Context, open_store
    store = open_store(db_path)
    started = time.perf_counter()
    res = import_statement(Context(store, operator="bench", till="T1"), Path(csv_path), "csv",
                           mapping=PRESETS["bca"], filename="long.csv")
    added = res.added
    store.dispose()
else:  # the floor: csv parse, sqlite3 executemany of the same rows, one transaction
    data = open(csv_path, "rb").read()
    started = time.perf_counter()
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    con.execute("INSERT INTO bank_statements (bank, account, currency, format, filename, "
                "imported_by, imported_at, lines_added, lines_skipped) VALUES "
                "('BCA', '', 'IDR', 'csv', 'long.csv', 'bench', '2026-12-06 10:00:00.000000', 0, 0)")
    rows = csv.reader(io.StringIO(data.decode()))
    def lines():
        for r in rows:
            if len(r) < 5 or not r[0][:1].isdigit():
                continue
            d, m, y = r[0].split("/")
            amount = int(r[3].split(".")[0].replace(",", "")) * (-1 if r[3].endswith("DB") else 1)
            day = date(int(y), int(m), int(d)).toordinal().to_bytes(3, "big")
            yield (1, "BCA", "", "IDR", f"{y}-{m}-{d}", amount, r[1], None, "",
                   day + hashlib.sha256(repr(r).encode()).digest()[:13],  # as Kasir's: 16 bytes
                   "unmatched" if amount > 0 else "debit", "2026-12-06 10:00:00.000000")
    con.executemany("INSERT INTO statement_lines (statement_id, bank, account, currency, "
                    "booked_on, amount, description, balance, bank_ref, fingerprint, state, "
                    "created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", lines())
    added = con.execute("SELECT COUNT(*) FROM statement_lines").fetchone()[0]
    con.execute("COMMIT")
    con.close()
seconds = time.perf_counter() - started
# This process's own peak: VmHWM belongs to the memory of the program exec'd; ru_maxrss
# keeps the parent's at the fork (a bench parent holding a big database: 300 MB).
try:
    status = open("/proc/self/status").read()
    peak = int(status.split("VmHWM:")[1].split()[0]) / 1024  # kB -> MB
except (OSError, IndexError):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux -> MB
print(json.dumps({"seconds": seconds, "peak_mb": peak, "added": added}))
'''


def long_statement(path: Path, n_lines: int, seed: int = 17) -> int:
    """A BCA-style export of `n_lines` lines (about 19 MB for 300,000); its size."""
    rng = random.Random(seed)
    balance = 10_000_000
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write("Informasi Rekening - Mutasi Rekening\nNo. rekening : 1234567890\n\n"
                "Tanggal Transaksi,Keterangan,Cabang,Jumlah,Saldo\n")
        for i in range(n_lines):
            amount = rng.randint(1, 190) * 500 * (1 if rng.random() < 0.8 else -1)
            balance += amount
            day = 1 + i * 28 // n_lines
            f.write(f'{day:02d}/11/2026,TRF T1-{i:06d} ANI,0000,'
                    f'"{abs(amount):,}.00 {"CR" if amount > 0 else "DB"}","{balance:,}.00"\n')
    return path.stat().st_size


def _child(mode: str, csv_path: Path, db: Path) -> dict:
    import json
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])))
    out = subprocess.run([sys.executable, "-c", IMPORT_CHILD, mode, str(csv_path), str(db)],
                         capture_output=True, text=True, env=env, cwd=str(root))
    if out.returncode:
        raise RuntimeError(f"{mode} import failed: {out.stderr.strip()[-300:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def import_rows(n_lines: int, results: Path, repeat: int = 3) -> list[Row]:
    """Import of an `n_lines` statement (app.reconcile.importer.import_statement given
    the file's path, in a child process of its own: its peak memory is the process's),
    beside the raw csv parse + sqlite3 executemany of the same rows into the same
    table; each `repeat` times, alternately, into a fresh database (median time).
    Memory is also compared with the import of a third of the lines: flat means
    the same peak."""
    label = f"reconcile import {n_lines:,}-line statement"
    from app.services.context import open_store

    work = results / "import-work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        csv_path, third_path = work / "long.csv", work / "third.csv"
        size = long_statement(csv_path, n_lines)
        long_statement(third_path, n_lines // 3)
        empty = work / "empty.db"
        open_store(empty).dispose()

        def fresh(name: str) -> Path:
            shutil.copyfile(empty, work / name)
            for suffix in ("-wal", "-shm"):
                (work / (name + suffix)).unlink(missing_ok=True)
            return work / name

        kasir, raw = [], []
        for _ in range(repeat):
            kasir.append(_child("kasir", csv_path, fresh("kasir.db")))
            raw.append(_child("raw", csv_path, fresh("raw.db")))
        third = _child("kasir", third_path, fresh("third.db"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    seconds = sorted(k["seconds"] for k in kasir)[len(kasir) // 2]
    raw_seconds = sorted(r["seconds"] for r in raw)[len(raw) // 2]
    peak, raw_peak = max(k["peak_mb"] for k in kasir), max(r["peak_mb"] for r in raw)
    what = "csv parse + sqlite3 executemany of the same rows, one transaction"
    note = (f"{size / 2**20:.1f} MB file, {kasir[0]['added']:,} lines added; median of "
            f"{repeat}: " + ", ".join(f"{k['seconds']:.2f}" for k in kasir) + " s")
    return [
        Row(f"{label}: time", round(seconds, 2), "s", round(raw_seconds, 2),
            target=10.0, baseline_what=what, note=note),
        Row(f"{label}: peak memory", round(peak), "MB", round(raw_peak),
            target=400.0, baseline_what=what + " (peak RSS of its process, the file read whole)",
            note="peak RSS of a child process that only imports"),
        Row(f"{label}: peak memory vs a third of the lines", round(peak), "MB",
            round(third["peak_mb"]), within=0.15,
            baseline_what=f"the same import of {n_lines // 3:,} lines",
            note="flat: the same peak for three times the file"),
    ]
