"""History entries and outbox operations, written inside the action's transaction."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.i18n import _
from app.store.history_chain import anchor_text, append, read_head, session_head, short_code
from app.store.models import HistoryEntry, OutboxOperation

from .context import Context


def record_history(session: Session, ctx: Context, entity_type: str, entity_id: int,
                   action: str, before: dict | None, after: dict | None,
                   note: str = "") -> HistoryEntry:
    """Append an entry to the hash-chained history (app/store/history_chain.py), with the
    manager who approved the action on the spot, if any."""
    entry = HistoryEntry(
        entity_type=entity_type, entity_id=entity_id, action=action,
        operator=ctx.operator, till_code=ctx.till, at=ctx.now(),
        before=before, after=after, note=note or "",
        approved_by=getattr(ctx, "approved_by", None),
    )
    append(session, entry)
    return entry


def enqueue(session: Session, ctx: Context, aggregate: str, operation: str, payload: dict) -> str:
    """Queue an operation for Plugipay with its idempotency key fixed now, before any send."""
    key = f"kasir_{uuid.uuid4().hex}"
    # The chain head as it stands with this action's entry: Plugipay keeps it in the
    # metadata, an anchor outside the file (issue 17; app/trust/anchors.py).
    payload = {**payload, "kasirChain": anchor_text(session_head(session))}
    # One Core INSERT (issue 18: the ORM's flush of it cost more than the row).
    session.connection().execute(_OUTBOX_INSERT, {
        "idempotency_key": key, "aggregate": aggregate, "operation": operation,
        "payload": payload, "state": "pending", "attempts": 0, "created_at": ctx.now(),
        "next_attempt_at": None, "last_error": "", "done_at": None})
    return key


_OUTBOX_INSERT = OutboxOperation.__table__.insert()


def seal(session, ctx, kind: str, entity_id: int, payload: dict, note: str = "") -> str:
    """Seal a closed period (a shift, a day) into the chain: a history entry with
    its totals, linked like any other. Returns the entry's hash, which a Z report
    can print so that a later change anywhere before it shows."""
    entry = record_history(session, ctx, kind, entity_id, "seal", None, payload,
                           note or _("{kind} {id} closed and sealed", kind=kind, id=entity_id))
    return entry.entry_hash


def chain_code(ctx) -> str:
    """The history chain's head as printed on slips and Z reports: `#1234·a1b2c3d4`."""
    with ctx.store.reader() as uow:
        return short_code(read_head(uow.session.connection()))
