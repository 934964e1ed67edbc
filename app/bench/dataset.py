"""Build a realistic shop database of N invoices fast, for the benchmarks.

The schema comes from the real migrations (`open_store`), then rows are
written by the shared bulk writer (app/bulk_load.py: raw sqlite3 `executemany`
in one transaction, secondary indexes dropped during the load and rebuilt
after, `synchronous=OFF` for the build only). Amounts are integers. The
history entries are linked into a valid hash chain with the app's own
`entry_hash`, so `kasir`'s integrity check passes on the result.

The built file is cached under bench-results/, keyed by the row count, the
schema heads and this module's version."""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from app.bulk_load import HistoryChain, bulk_connection, insert, set_number_series
from app.services.context import open_store
from app.store.migrate import head_revisions

BUILDER_VERSION = 4
TILLS = ("T1", "T2", "T3")
OPERATORS = ("ana", "budi", "citra", "dewi")
FIRST = ("Adi", "Agus", "Ahmad", "Ani", "Bambang", "Bayu", "Budi", "Citra", "Dedi", "Dewi", "Eka",
         "Fajar", "Fitri", "Gita", "Hadi", "Hendra", "Indah", "Joko", "Kartika", "Lestari", "Made",
         "Nur", "Putri", "Rina", "Rudi", "Sari", "Siti", "Sri", "Teguh", "Wahyu", "Wayan", "Yuni")
LAST = ("Santoso", "Wijaya", "Saputra", "Hidayat", "Kusuma", "Pratama", "Setiawan", "Nugroho",
        "Lestari", "Rahayu", "Susanto", "Gunawan", "Halim", "Tanoto", "Siregar", "Nasution",
        "Harahap", "Simanjuntak", "Putra", "Wibowo", "Purnomo", "Hartono")
GOODS = ("Kopi susu", "Es teh manis", "Roti bakar", "Nasi goreng", "Mie ayam", "Beras 5 kg",
         "Minyak goreng 2 L", "Gula pasir 1 kg", "Sabun mandi", "Pulsa 50.000", "Kain batik",
         "Sepatu sekolah", "Buku tulis", "Pensil 2B", "Semen 50 kg", "Cat tembok 5 kg",
         "Paku 1 kg", "Kabel listrik 10 m", "Lampu LED 9 W", "Servis motor", "Ganti oli",
         "Jasa potong rambut", "Laundry kiloan", "Sewa tenda")
START = datetime(2022, 1, 1, tzinfo=timezone.utc)
SPAN_DAYS = 4 * 365


@dataclass(frozen=True)
class BuildInfo:
    path: Path
    invoices: int
    seconds: float  # 0 when the cached file was reused
    cached: bool
    rows: dict


# Columns named: later migrations add columns (with defaults) after these.
_INVOICE_COLUMNS = tuple(("id, till_code, local_number, plugipay_id, number, hosted_url, customer_id, "
                          "currency, status, subtotal, discount, tax, total, amount_paid, due_at, "
                          "issued_at, paid_at, voided_at, written_off_at, reason, memo, sync_state, "
                          "created_by, created_at, updated_at, version").split(", "))


def _ts_formatter():
    """Fast 'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's SQLite DATETIME text) from
    seconds since START: per-day prefixes and per-second suffixes precomputed."""
    days = [(START + timedelta(days=d)).strftime("%Y-%m-%d ") for d in range(SPAN_DAYS + 400)]
    secs = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000" for s in range(86400)]

    def fmt(offset: int) -> str:
        d, s = divmod(offset, 86400)
        return days[d] + secs[s]

    return fmt


def cache_key(n: int, mix: str = "shop") -> str:
    heads = "+".join(sorted(head_revisions()))
    return f"bench-{n}{'' if mix == 'shop' else '-' + mix}-{heads}-v{BUILDER_VERSION}"


def build_database(n: int, folder: Path, *, seed: int = 2026, force: bool = False,
                   mix: str = "shop") -> BuildInfo:
    """Return the cached database of `n` invoices under `folder`, building it if needed.
    `mix`: "shop" (four years of a shop: mostly paid) or "open" (every invoice
    issued and still open, for reconciliation)."""
    if mix not in ("shop", "open"):
        raise ValueError(f"unknown mix {mix!r}")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (cache_key(n, mix) + ".db")
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists() and not force:
        return BuildInfo(path, n, 0.0, True, json.loads(meta.read_text())["rows"])
    for old in (path, meta, Path(str(path) + "-wal"), Path(str(path) + "-shm")):
        old.unlink(missing_ok=True)
    tmp = path.with_suffix(".building")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    started = time.perf_counter()
    open_store(tmp).dispose()  # the real schema, through the real migrations
    rows = _fill(tmp, n, seed, mix)
    took = time.perf_counter() - started
    tmp.rename(path)
    meta.write_text(json.dumps({"invoices": n, "seconds": took, "rows": rows}))
    return BuildInfo(path, n, took, False, rows)


def _fill(path: Path, n: int, seed: int, mix: str = "shop") -> dict:
    rng = random.Random(seed)
    ts = _ts_formatter()
    with bulk_connection(path, private=True) as con:
        return _write_rows(con, n, rng, ts, mix)


def _customers(n_cust: int, rng: random.Random, ts) -> list[tuple]:
    out = []
    for cid in range(1, n_cust + 1):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if cid % 7 == 0:
            name = f"Toko {rng.choice(LAST)} {cid}"
        email = f"{name.split()[0].lower()}.{cid}@contoh.co.id" if cid % 3 else ""
        phone = f"+62 81{rng.randint(1, 9)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
        at = ts(rng.randrange(0, 86400 * 30))
        out.append((cid, name, email, phone, "", "", f"cus_{cid:014x}", at, at))
    return out


ACTIONS = {"paid": "pay", "void": "void", "uncollectible": "write_off"}


def _write_rows(con, n: int, rng: random.Random, ts, mix: str = "shop") -> dict:
    chain = HistoryChain()
    n_cust = max(10, n // 50)
    cust = _customers(n_cust, rng, ts)
    names = [c[1] for c in cust]
    con.executemany("INSERT INTO customers VALUES (?,?,?,?,?,?,?,?,?)", cust)
    now_off = SPAN_DAYS * 86400
    step = now_off / max(n, 1)
    counters = {t: 0 for t in TILLS}
    rcounters = {t: 0 for t in TILLS}
    line_id = pay_id = 0
    outbox_id = 0
    totals = dict(invoices=0, lines=0, payments=0, receipts=0, history=0, customers=n_cust,
                  outbox=0)
    goods = [(g, rng.randint(2, 400) * 500) for g in GOODS]
    n_goods = len(goods)
    rnd = rng.random
    chunk = 20000
    for base in range(0, n, chunk):
        inv_rows, line_rows, pay_rows, rec_rows, out_rows = [], [], [], [], []
        for iid in range(base + 1, min(n, base + chunk) + 1):
            created = int((iid - 1) * step) + int(rnd() * 60)
            till = TILLS[iid % 3]
            op = OPERATORS[iid % 4]
            cid = 1 + int(rnd() * n_cust)
            age = now_off - created
            r = rnd()
            if mix == "open":
                status = "open"
            elif age < 86400 * 2 and r < 0.15:
                status = "draft"
            elif r < 0.70 or age > 86400 * 60 and r < 0.90:
                status = "paid"
            elif r < 0.78:
                status = "void"
            elif r < 0.82:
                status = "uncollectible"
            else:
                status = "open"
            k = (1, 1, 2, 2, 3, 4)[int(rnd() * 6)]
            sub = 0
            for pos in range(k):
                g, unit = goods[int(rnd() * n_goods)]
                q = 1 + int(rnd() * 5)
                line_id += 1
                line_rows.append((line_id, iid, pos, g, q, unit, q * unit))
                sub += q * unit
            tax = sub * 11 // 100 if iid % 4 == 0 else 0
            disc = (sub // 10) // 500 * 500 if iid % 9 == 0 else 0
            total = max(0, sub - disc + tax)
            c_at = ts(created)
            issued = status != "draft"
            local = None
            if issued:
                counters[till] += 1
                local = f"{till}-{counters[till]:06d}"
            synced = issued and age > 3600
            due = ts(created + 86400 * 14) if issued and iid % 5 == 0 else None
            paid_at = ts(created + 60 + int(rnd() * 86400 * 3)) if status == "paid" else None
            void_at = ts(created + 3600) if status == "void" else None
            wo_at = ts(created + 86400 * 45) if status == "uncollectible" else None
            memo = f"Bayar dengan kode {local}" if local else ""
            inv_rows.append((
                iid, till, local, f"in_{iid:020x}" if synced else None,
                f"INV-{2022 + created // (86400 * 365)}-{iid:07d}" if synced else None,
                f"https://pay.example/i/{iid:x}" if synced else None, cid, "IDR", status,
                sub, disc, tax, total, total if status == "paid" else 0, due,
                c_at if issued else None, paid_at, void_at, wo_at,
                "Salah input" if status == "void" else "", memo,
                "synced" if synced or not issued else "pending", op, c_at,
                paid_at or void_at or wo_at or c_at, 3 if status in ("paid", "void") else 2))
            # History: creation and issue, then payment or void, chained like the app does
            # (the JSON text is what JSONText writes: sorted keys, compact).
            lj = "null" if local is None else f'"{local}"'
            snap = f'{{"customerId":{cid},"localNumber":{lj},"status":"{status}","total":{total}}}'
            events = [("create", c_at, f'{{"customerId":{cid},"status":"draft","total":{total}}}')]
            if issued:
                events.append(("issue", c_at, snap))
            if status in ("paid", "void", "uncollectible"):
                events.append((ACTIONS[status], paid_at or void_at or wo_at, snap))
            for action, at, after_text in events:
                chain.add("invoice", iid, action, op, till, at, None, after_text)
            if status == "paid":
                pay_id += 1
                method = ("cash", "cash", "transfer", "edc")[int(rnd() * 4)]
                pay_rows.append((pay_id, iid, total, "IDR", method,
                                 f"BCA {1000 + int(rnd() * 9000)}" if method == "transfer" else "",
                                 op, paid_at, paid_at))
                rcounters[till] += 1
                rec_rows.append((pay_id, f"{till}-R{rcounters[till]:06d}", iid, pay_id, total,
                                 "IDR", paid_at, f"rc_{pay_id:020x}" if synced else None))
            if issued and not synced:
                outbox_id += 1
                out_rows.append((outbox_id, f"kasir_bench_{outbox_id:024d}", f"invoice:{iid}",
                                 "invoice.issue", json.dumps({"invoiceId": iid}), "pending",
                                 0, None, "", c_at, None))
        totals["history"] += len(chain.rows)
        chain.flush(con)
        totals["lines"] += insert(con, "invoice_lines", line_rows,
                                  ("id", "invoice_id", "position", "description", "quantity",
                                   "unit_amount", "amount"))
        totals["invoices"] += insert(con, "invoices", inv_rows, _INVOICE_COLUMNS)
        for key, table, rows in (("payments", "payments",
                                  [r + ((r[2] if r[4] == "cash" else 0), 0) for r in pay_rows]),
                                 ("receipts", "receipts", rec_rows),
                                 ("outbox", "outbox", out_rows)):
            totals[key] += insert(con, table, rows)
        insert(con, "payment_tenders", [(r[0], 0, r[4], r[2], r[5]) for r in pay_rows],
               ("payment_id", "position", "method", "amount", "reference"))
    set_number_series(con, {**{(t, "invoice"): counters[t] for t in TILLS},
                            **{(t, "receipt"): rcounters[t] for t in TILLS}})
    chain.close(con)
    con.executemany("INSERT OR REPLACE INTO tills (id, code, name, created_at) VALUES (?,?,?,?)",
                    [(i + 1, t, f"Kasir {i + 1}", ts(0)) for i, t in enumerate(TILLS)])
    return totals


def customer_names(path: Path, limit: int = 50) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("SELECT name FROM customers LIMIT ?", (limit,))]
    finally:
        con.close()
