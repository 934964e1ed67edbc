"""The history hash chain, as it is written: every entry carries a hash over its
own content and the previous entry's hash. Writers take links one at a time
under a lock on the chain head. Verification is app/trust/chain.py."""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from datetime import timezone

from sqlalchemy import Text, bindparam, func, inspect, select, text, type_coerce

from .limits import check_object
from .models import HistoryEntry
from .record_digest import digest_in_session, stored_invoice_digests
from .trust_models import HistoryChainHead
from .types import JSONText

GENESIS = "0" * 64
HEAD_ID = 1
# The columns a hash covers, in this order. Changing it breaks every chain.
CONTENT = ("id", "chain_seq", "entity_type", "entity_id", "action", "operator", "till_code",
           "at", "before", "after", "note", "approved_by")
RAW_TEXT = ("at", "before", "after")  # read as stored, not as parsed Python values
# Issue 17: the digest of the record's state after the change (app/store/record_digest.py).
# Hashed after CONTENT only when present, so entries written before it keep their hash.
DIGEST = "state_digest"


def canonical_at(value) -> str:
    """A timestamp as SQLite stores it (SQLAlchemy's format): text read back from
    SQLite is hashed exactly as stored, so even an equivalent respelling shows;
    datetimes (PostgreSQL, or an entry being written) are spelled that way."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def entry_hash(prev_hash: str, content: dict) -> str:
    values = []
    for name in CONTENT:
        v = content.get(name)
        values.append(canonical_at(v) if name == "at" else v)
    if content.get(DIGEST) is not None:
        values.append(content[DIGEST])
    text = json.dumps(values, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{prev_hash}\n{text}".encode("utf-8")).hexdigest()


def _json_text(value):
    return JSONText().process_bind_param(value, None)


def orm_content(entry) -> dict:
    """An entry about to be stored, seen as its stored text will read back."""
    out = {name: getattr(entry, name) for name in CONTENT + (DIGEST,)}
    out["before"] = _json_text(entry.before)
    out["after"] = _json_text(entry.after)
    return out


def append(session, entry) -> str:
    """Link `entry` (a new HistoryEntry) to the chain inside the caller's transaction.
    The head row is locked (FOR UPDATE on PostgreSQL; SQLite writers are already
    serialised by BEGIN IMMEDIATE), so concurrent writers never share a link.
    Inside `linked_in_bulk` the entry is only added, and linked when the block
    ends (the hash returned then is "")."""
    pending = session.info.get(_PENDING)
    if pending is not None:
        pending.append(entry)
        return ""
    _link(session, [entry])
    return entry.entry_hash


_PENDING = "kasir_history_pending"


def append_many(session, entries) -> None:
    """Link several new entries at once, in order, with the same hashing as
    `append`: one lock of the head and one insert for the lot (the sync engine
    records a batch of answers this way)."""
    if entries:
        _link(session, list(entries))


def _link(session, entries: list) -> None:
    """Write `entries` complete, each in one INSERT: the record's state is flushed
    first (each entry digests it), then the head is locked, ids taken, hashes
    made and the head moved. Written with Core statements, not the ORM's unit of
    work: a sale appends three entries, and the ORM's two flushes per entry cost
    more than the rest of the sale's bookkeeping (issue 18). The entries stay
    outside the session; their lengths are checked as a flush would check them."""
    session.flush()  # the changed records and their children, as the digests read them
    conn = session.connection()
    seq, last = _locked_head(conn)
    ids = _new_ids(conn, len(entries))
    # The record's state once the whole batch is written: what `audit verify`
    # compares with the record's last entry (issue 17). Invoices are read together.
    invoices = stored_invoice_digests(conn, [e.entity_id for e in entries
                                             if e.entity_type == "invoice"
                                             and isinstance(e.entity_id, int)])
    rows = []
    for entry, id_ in zip(entries, ids):
        check_object(entry)
        entry.state_digest = (invoices.get(entry.entity_id) if entry.entity_type == "invoice"
                              else digest_in_session(session, entry.entity_type,
                                                     entry.entity_id))
        seq += 1
        entry.id, entry.chain_seq, entry.prev_hash = id_, seq, last
        entry.entry_hash = last = entry_hash(last, orm_content(entry))
        rows.append({name: getattr(entry, name) for name in _COLUMNS})
    conn.execute(_INSERT, rows)
    conn.execute(_MOVE_HEAD, {"seq": seq, "hash": last})
    session.info[_HEAD] = (session.get_transaction(), (seq, last))


_HISTORY = HistoryEntry.__table__
_HEAD = "kasir_chain_head"  # (transaction, head) as the last link in it left the head
_HEAD_T = HistoryChainHead.__table__
_COLUMNS = CONTENT + (DIGEST, "prev_hash", "entry_hash")
_INSERT = _HISTORY.insert()
_MOVE_HEAD = (_HEAD_T.update().where(_HEAD_T.c.id == HEAD_ID)
              .values(last_seq=bindparam("seq"), last_hash=bindparam("hash")))
_LOCK_HEAD = (select(_HEAD_T.c.last_seq, _HEAD_T.c.last_hash).where(_HEAD_T.c.id == HEAD_ID)
              .with_for_update())
_MAX_ID = select(func.max(_HISTORY.c.id))


def _locked_head(conn) -> tuple[int, str]:
    row = conn.execute(_LOCK_HEAD).first()
    if row is not None:
        return row[0], row[1]
    # No head row (a file from before issue 7's chain, or a lost row): rebuilt from
    # the last linked entry, so the next link follows it.
    t = _HISTORY
    last = conn.execute(select(t.c.chain_seq, t.c.entry_hash).where(t.c.chain_seq.is_not(None))
                        .order_by(t.c.chain_seq.desc()).limit(1)).first()
    seq, hash_ = (last[0], last[1]) if last else (0, GENESIS)
    conn.execute(_HEAD_T.insert().values(id=HEAD_ID, last_seq=seq, last_hash=hash_))
    return seq, hash_


def _new_ids(conn, n: int) -> list[int]:
    """Ids for `n` new history rows, taken before writing (each id is hashed).
    PostgreSQL draws them from the column's sequence; on SQLite the writer holds
    the database's write lock, and a rowid table numbers max + 1 anyway."""
    if conn.dialect.name == "postgresql":
        return list(conn.execute(text(
            "SELECT nextval(pg_get_serial_sequence('history', 'id')) "
            "FROM generate_series(1, :n)"), {"n": n}).scalars())
    first = (conn.execute(_MAX_ID).scalar() or 0) + 1
    return list(range(first, first + n))


@contextmanager
def linked_in_bulk(session):
    """Entries appended inside the block are linked together when it ends
    (`append_many`); if it raises, nothing is linked (the caller rolls back).
    Nothing inside may need an entry's hash before the block ends."""
    if session.info.get(_PENDING) is not None:  # already inside one
        yield
        return
    pending: list = []
    session.info[_PENDING] = pending
    try:
        yield
    finally:
        session.info.pop(_PENDING, None)
    append_many(session, pending)


def read_rows(conn, digests: bool | None = None) -> list[dict]:
    """Every history row as stored (JSON and time as their raw text); `digests`:
    the file has the state_digest column (migration 0008; None: look)."""
    if digests is None:
        digests = DIGEST in {c["name"] for c in inspect(conn).get_columns("history")}
    t = HistoryEntry.__table__
    cols = [type_coerce(t.c[n], Text).label(n) if n in RAW_TEXT else t.c[n]
            for n in CONTENT + ((DIGEST,) if digests else ()) + ("prev_hash", "entry_hash")]
    return [dict(r._mapping) for r in conn.execute(select(*cols).order_by(t.c.id))]


def read_head(conn) -> tuple[int, str] | None:
    t = HistoryChainHead.__table__
    row = conn.execute(select(t.c.last_seq, t.c.last_hash).where(t.c.id == HEAD_ID)).first()
    return None if row is None else (row[0], row[1])


def short_code(head: tuple[int, str] | None) -> str:
    """The chain head as people copy it: `#1234·a1b2c3d4` (seq and the first 8
    hex digits of the hash), printed on slips and Z reports."""
    seq, hash_ = head or (0, GENESIS)
    return f"#{seq}\u00b7{hash_[:8]}"


def anchor_text(head: tuple[int, str] | None) -> str:
    """The chain head as sent to Plugipay and kept in backup manifests: `seq:hash`."""
    seq, hash_ = head or (0, GENESIS)
    return f"{seq}:{hash_}"


def session_head(session) -> tuple[int, str]:
    """The chain head inside a transaction (as the last append in it left it)."""
    known = session.info.get(_HEAD)
    if known is not None and known[0] is session.get_transaction():
        return known[1]
    return read_head(session.connection()) or (0, GENESIS)
