"""History entries and outbox operations, written inside the action's transaction."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.store.models import HistoryEntry, OutboxOperation

from .context import Context


def record_history(session: Session, ctx: Context, entity_type: str, entity_id: int,
                   action: str, before: dict | None, after: dict | None,
                   note: str = "") -> HistoryEntry:
    """Append an entry to the hash-chained history (app/trust/chain.py), with the
    manager who approved the action on the spot, if any."""
    from app.trust.chain import append

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
    session.add(OutboxOperation(
        idempotency_key=key, aggregate=aggregate, operation=operation, payload=payload,
        state="pending", attempts=0, created_at=ctx.now(), next_attempt_at=None,
    ))
    return key
