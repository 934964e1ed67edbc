"""SQLite state of the sandbox: schema, documents, pagination, counters, events.

Objects are stored as JSON documents beside the few columns that are filtered
on. One connection, guarded by a lock (the sandbox is a test double: a single
writer is plenty and keeps transactions simple); WAL journal.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import threading
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from .common import ACCOUNT_ID, new_id, validation

SCHEMA = """
CREATE TABLE IF NOT EXISTS customers (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL, email TEXT, external_id TEXT, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS customers_email ON customers(email);
CREATE INDEX IF NOT EXISTS customers_external ON customers(external_id);
CREATE TABLE IF NOT EXISTS invoices (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL, status TEXT NOT NULL, customer_id TEXT NOT NULL,
    subscription_id TEXT, due_at TEXT, hosted_token TEXT UNIQUE, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS invoices_status ON invoices(status);
CREATE INDEX IF NOT EXISTS invoices_customer ON invoices(customer_id);
CREATE INDEX IF NOT EXISTS invoices_subscription ON invoices(subscription_id);
CREATE TABLE IF NOT EXISTS receipts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
    issued_at TEXT NOT NULL, source_type TEXT NOT NULL, source_id TEXT NOT NULL,
    customer_id TEXT, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS receipts_source ON receipts(source_id);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
    occurred_at TEXT NOT NULL, type TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_type ON events(type);
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY, method TEXT NOT NULL, path TEXT NOT NULL,
    body_hash TEXT NOT NULL, status INTEGER NOT NULL, response BLOB NOT NULL,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS refunds (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL, source_id TEXT NOT NULL, status TEXT NOT NULL,
    amount INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS refunds_source ON refunds(source_id);
"""

TABLES = ("customers", "invoices", "receipts", "events", "refunds")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def _dumps(doc: Any) -> str:
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def encode_cursor(table: str, seq: int) -> str:
    raw = f"{table}:{seq}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(table: str, cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        name, _, seq = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        if name != table:
            raise ValueError(name)
        return int(seq)
    except (ValueError, UnicodeDecodeError):
        raise validation("cursor is not a cursor from this list") from None


class Store:
    def __init__(self, path: str):
        self.path = path
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA busy_timeout=5000")
        self.conn.executescript(SCHEMA)
        self.lock = threading.RLock()
        self._depth = 0

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    # ── transactions ──────────────────────────────────────────────
    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """BEGIN IMMEDIATE ... COMMIT (nested calls join the outer one)."""
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._depth = 0
                self.conn.execute("ROLLBACK")
                raise
            self._depth = 0
            self.conn.execute("COMMIT")

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Undo the block's writes if it raises (inside a transaction)."""
        self.conn.execute("SAVEPOINT work")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO work")
            self.conn.execute("RELEASE work")
            raise
        self.conn.execute("RELEASE work")

    def reset(self) -> None:
        with self.transaction():
            for table in (*TABLES, "idempotency", "counters"):
                self.conn.execute(f"DELETE FROM {table}")
            self.conn.execute("DELETE FROM sqlite_sequence")

    # ── documents ─────────────────────────────────────────────────
    def insert(self, table: str, doc: dict, **cols: Any) -> None:
        names = ["id", *cols, "doc"]
        values = [doc["id"], *cols.values(), _dumps(doc)]
        marks = ",".join("?" * len(names))
        self.conn.execute(f"INSERT INTO {table} ({','.join(names)}) VALUES ({marks})", values)

    def update(self, table: str, doc: dict, **cols: Any) -> None:
        sets = ",".join(f"{c}=?" for c in [*cols, "doc"])
        self.conn.execute(
            f"UPDATE {table} SET {sets} WHERE id=?", [*cols.values(), _dumps(doc), doc["id"]]
        )

    def get(self, table: str, ident: str) -> dict | None:
        with self.lock:
            row = self.conn.execute(f"SELECT doc FROM {table} WHERE id=?", (ident,)).fetchone()
        return json.loads(row[0]) if row else None

    def find_one(self, table: str, where: str, params: Sequence[Any]) -> dict | None:
        with self.lock:
            row = self.conn.execute(
                f"SELECT doc FROM {table} WHERE {where} ORDER BY seq LIMIT 1", params
            ).fetchone()
        return json.loads(row[0]) if row else None

    def page(
        self,
        table: str,
        where: list[str],
        params: list[Any],
        *,
        order: str = "desc",
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
    ) -> tuple[list[dict], str | None, bool]:
        """One page in insertion order; the cursor holds the last row's seq, so
        rows inserted while a client pages never shift or repeat items."""
        where = list(where)
        params = list(params)
        if cursor:
            where.append("seq < ?" if order == "desc" else "seq > ?")
            params.append(decode_cursor(table, cursor))
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        direction = "DESC" if order == "desc" else "ASC"
        sql = f"SELECT seq, doc FROM {table} {clause} ORDER BY seq {direction} LIMIT ?"
        with self.lock:
            rows = self.conn.execute(sql, [*params, limit + 1]).fetchall()
        has_more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = encode_cursor(table, rows[-1][0]) if rows else None
        return [json.loads(r[1]) for r in rows], next_cursor, has_more

    # ── counters, events ──────────────────────────────────────────
    def next_counter(self, name: str) -> int:
        row = self.conn.execute(
            "INSERT INTO counters(name, value) VALUES (?, 1) "
            "ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
            (name,),
        ).fetchone()
        return int(row[0])

    def add_event(self, type_: str, data: dict, now_iso: str) -> dict:
        event = {
            "id": new_id("evt"),
            "type": type_,
            "accountId": ACCOUNT_ID,
            "mode": "test",
            "occurredAt": now_iso,
            "data": data,
            "metadata": {},
            "createdAt": now_iso,
            "publishedAt": now_iso,
        }
        self.insert("events", event, occurred_at=now_iso, type=type_)
        return event

    # ── idempotency ───────────────────────────────────────────────
    def get_idempotent(self, key: str) -> tuple[str, str, str, int, bytes] | None:
        row = self.conn.execute(
            "SELECT method, path, body_hash, status, response FROM idempotency WHERE key=?", (key,)
        ).fetchone()
        return (row[0], row[1], row[2], int(row[3]), bytes(row[4])) if row else None

    def put_idempotent(
        self, key: str, method: str, path: str, body_hash: str, status: int, response: bytes, now_iso: str
    ) -> None:
        self.conn.execute(
            "INSERT INTO idempotency(key, method, path, body_hash, status, response, created_at) "
            "VALUES (?,?,?,?,?,?,?)",
            (key, method, path, body_hash, status, response, now_iso),
        )

    def count(self, table: str) -> int:
        with self.lock:
            return int(self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
