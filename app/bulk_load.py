"""Writing many rows into a SQLite store fast: the one bulk writer behind the
benchmark's dataset (app/bench/dataset.py) and the demo (app/demo_bulk.py).

Rows go in with raw sqlite3 `executemany` in one transaction, with the
secondary indexes and the search triggers dropped during the load and rebuilt
after (the exact DDL is read back from the file first). History entries are
linked into the hash chain here, with the app's own hash (checked on a sample),
continuing from the chain head already in the file, so `kasir audit verify`
passes on the result. Only for building a file that nobody else has open."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from app.store import search
from app.store.history_chain import CONTENT, GENESIS, HEAD_ID, canonical_at, entry_hash

# The tables whose indexes are dropped during a load and rebuilt after.
LOADED_TABLES = ("invoices", "invoice_lines", "payments", "receipts", "history", "customers",
                 "outbox")
HISTORY_COLUMNS = ("id", "entity_type", "entity_id", "action", "operator", "till_code", "at",
                   "before", "after", "note", "approved_by", "chain_seq", "prev_hash",
                   "entry_hash", "state_digest")


@contextmanager
def bulk_connection(path: Path, *, private: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection in one open transaction with indexes and search triggers
    dropped; on leaving, they are rebuilt and everything commits (or nothing, on
    an error). `private`: the file is new and only ours, so the journal is off too."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        if private:
            con.execute("PRAGMA journal_mode=OFF")  # build only; the app sets WAL when it opens
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA cache_size=-200000")
        con.execute("PRAGMA temp_store=MEMORY")
        con.execute("BEGIN IMMEDIATE")
        marks = ",".join("?" * len(LOADED_TABLES))
        indexes = con.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND sql "
                              f"IS NOT NULL AND tbl_name IN ({marks})", LOADED_TABLES).fetchall()
        for name, _sql in indexes:
            con.execute(f'DROP INDEX "{name}"')
        search.drop_triggers(con.execute)  # the search index is filled once, at the end
        try:
            yield con
            for _name, sql in indexes:
                con.execute(sql)
            search.create(con.execute)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("ANALYZE")
        if private:
            con.execute("PRAGMA journal_mode=WAL")
    finally:
        con.close()


def insert(con: sqlite3.Connection, table: str, rows: list[tuple],
           columns: tuple[str, ...] | None = None) -> int:
    """executemany one table's rows (all columns in table order unless `columns`)."""
    if not rows:
        return 0
    names = f" ({', '.join(columns)})" if columns else ""
    marks = ",".join("?" * len(rows[0]))
    con.executemany(f"INSERT INTO {table}{names} VALUES ({marks})", rows)
    return len(rows)


def chain_hasher() -> Callable[[str, list], str]:
    """app.store.history_chain.entry_hash without its per-call set-up (same bytes:
    HistoryChain.check checks some links with the app's own function)."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
    sha = hashlib.sha256
    assert CONTENT == ("id", "chain_seq", "entity_type", "entity_id", "action",
                             "operator", "till_code", "at", "before", "after", "note",
                             "approved_by"), "the chain's content changed: update the bulk writer"

    def chain_hash(prev: str, values: list) -> str:
        return sha(f"{prev}\n{encode(values)}".encode("utf-8")).hexdigest()

    return chain_hash


def json_text(value) -> str | None:
    """What app.store.types.JSONText stores for `value`."""
    if value is None:
        return None
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


class HistoryChain:
    """History rows linked in memory, continuing a file's chain.

    `add` returns nothing; `rows` holds them in HISTORY_COLUMNS order; `flush`
    writes what is pending and `close` writes the chain head."""

    def __init__(self, last_id: int = 0, last_seq: int = 0, last_hash: str | None = None):
        self._hash = chain_hasher()
        self._canon = canonical_at
        self.last_id, self.last_seq = last_id, last_seq
        self.last_hash = last_hash or GENESIS
        self.rows: list[tuple] = []
        self.written = 0
        self._sample: list[tuple] = []

    @classmethod
    def continuing(cls, con: sqlite3.Connection) -> "HistoryChain":
        """Carry on from the chain head (or the newest linked entry) in the file."""
        last_id = con.execute("SELECT COALESCE(MAX(id), 0) FROM history").fetchone()[0]
        head = con.execute("SELECT last_seq, last_hash FROM history_chain_head WHERE id = ?",
                           (HEAD_ID,)).fetchone()
        if head is None:
            head = con.execute("SELECT chain_seq, entry_hash FROM history WHERE chain_seq IS "
                               "NOT NULL ORDER BY chain_seq DESC LIMIT 1").fetchone()
        return cls(last_id, *(head or (0, None)))

    def add(self, entity_type: str, entity_id: int, action: str, operator: str, till: str,
            at: str, before: str | None, after: str | None, note: str = "",
            approved_by: str | None = None, state_digest: str | None = None) -> None:
        """`at` is stored text ('YYYY-MM-DD HH:MM:SS.ffffff', UTC); `before`/`after`
        are JSON text as JSONText writes it (see json_text); `state_digest`: the
        record's digest after the change (app/store/record_digest.py), hashed last."""
        self.last_id += 1
        self.last_seq += 1
        values = [self.last_id, self.last_seq, entity_type, entity_id, action, operator, till,
                  self._canon(at), before, after, note, approved_by]
        if state_digest is not None:
            values.append(state_digest)
        h = self._hash(self.last_hash, values)
        row = (self.last_id, entity_type, entity_id, action, operator, till, at, before, after,
               note, approved_by, self.last_seq, self.last_hash, h, state_digest)
        self.rows.append(row)
        if len(self._sample) < 3:
            self._sample.append(row)
        self.last_hash = h

    def flush(self, con: sqlite3.Connection) -> None:
        if self.rows:
            self._sample.append(self.rows[-1])
        self.written += insert(con, "history", self.rows, HISTORY_COLUMNS)
        self.rows = []

    def close(self, con: sqlite3.Connection) -> None:
        """Write what is pending and the chain head; check the fast hash on a sample."""
        self.flush(con)
        self.check()
        con.execute("INSERT OR REPLACE INTO history_chain_head (id, last_seq, last_hash) "
                    "VALUES (?, ?, ?)", (HEAD_ID, self.last_seq, self.last_hash))

    def check(self) -> None:
        """The fast hasher must agree with the app's own: check some links."""
        for row in self._sample:
            content = dict(zip(HISTORY_COLUMNS, row))
            if entry_hash(row[12], {k: content[k] for k in CONTENT + ("state_digest",)}) != row[13]:
                raise RuntimeError("The bulk writer's history hash no longer matches "
                                   "app.store.history_chain.entry_hash: update app/bulk_load.py.")


def set_number_series(con: sqlite3.Connection, last: dict[tuple[str, str], int]) -> None:
    """Store each (till, kind)'s last number taken, so the next sale goes on gaplessly."""
    con.executemany("INSERT OR REPLACE INTO number_series (till_code, kind, last_value) "
                    "VALUES (?,?,?)", [(t, k, v) for (t, k), v in last.items()])


def number_series(con: sqlite3.Connection) -> dict[tuple[str, str], int]:
    return {(t, k): v for t, k, v in
            con.execute("SELECT till_code, kind, last_value FROM number_series")}
