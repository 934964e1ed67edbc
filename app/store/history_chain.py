"""The history hash chain, as it is written: every entry carries a hash over its
own content and the previous entry's hash. Writers take links one at a time
under a lock on the chain head. Verification is app/trust/chain.py."""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from datetime import timezone

from sqlalchemy import Text, inspect, select, type_coerce

from .models import HistoryEntry
from .record_digest import digest_in_session
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
        session.add(entry)
        pending.append(entry)
        return ""
    head = session.get(HistoryChainHead, HEAD_ID, with_for_update=True)
    if head is None:
        head = _rebuild_head(session)
    entry.chain_seq = head.last_seq + 1
    entry.prev_hash = head.last_hash
    session.add(entry)
    session.flush()  # the id is part of the hash; the record's children are written
    entry.state_digest = digest_in_session(session, entry.entity_type, entry.entity_id)
    entry.entry_hash = entry_hash(entry.prev_hash, orm_content(entry))
    head.last_seq = entry.chain_seq
    head.last_hash = entry.entry_hash
    session.flush()
    return entry.entry_hash


_PENDING = "kasir_history_pending"


def append_many(session, entries) -> None:
    """Link several new entries at once, in id order, with the same hashing as
    `append`: one lock of the head and two flushes for the lot instead of two
    per entry (the sync engine records a batch of answers this way)."""
    if not entries:
        return
    head = session.get(HistoryChainHead, HEAD_ID, with_for_update=True)
    if head is None:
        head = _rebuild_head(session)
    for entry in entries:
        session.add(entry)
    session.flush()  # the ids are part of the hashes
    for entry in sorted(entries, key=lambda e: e.id):
        # The record's state once the whole batch is written: what `audit verify`
        # compares with the record's last entry (issue 17).
        entry.state_digest = digest_in_session(session, entry.entity_type, entry.entity_id)
        entry.chain_seq = head.last_seq + 1
        entry.prev_hash = head.last_hash
        entry.entry_hash = entry_hash(entry.prev_hash, orm_content(entry))
        head.last_seq, head.last_hash = entry.chain_seq, entry.entry_hash
    session.flush()


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


def _rebuild_head(session):
    last = session.execute(select(HistoryEntry).where(HistoryEntry.chain_seq.is_not(None))
                           .order_by(HistoryEntry.chain_seq.desc()).limit(1)).scalar_one_or_none()
    head = HistoryChainHead(id=HEAD_ID, last_seq=last.chain_seq if last else 0,
                            last_hash=last.entry_hash if last else GENESIS)
    session.add(head)
    session.flush()
    return head


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
    """The chain head inside a transaction (the row the last append locked)."""
    head = session.get(HistoryChainHead, HEAD_ID)
    return (head.last_seq, head.last_hash) if head is not None else (0, GENESIS)
