"""Conflicts: what Plugipay refused, or changed while the till did something
else. Plugipay's state has already been taken; a manager sees each one and
marks it dealt with (`accept`) or, for a refused sale that never reached
Plugipay, sends it again with a fresh key once the cause is fixed (`retry`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from app.i18n import _
from app.domain.errors import ConflictError, NotFoundError, ValidationError
from app.domain.records import iso
from app.services.audit import record_history
from app.services.context import Context
from app.services.roles import require_role
from app.store.models import Invoice, OutboxOperation
from app.store.sync_models import OutboxRequest, SyncConflict

# Outbox states: pending (to send), done, refused (Plugipay said no; its state
# was taken), conflict (refused and holding back its invoice's later
# operations until a manager decides), dismissed (a manager accepted that).
BLOCKING = "conflict"
UNFINISHED = ("pending", BLOCKING)


@dataclass(frozen=True)
class ConflictRecord:
    id: int
    entity_type: str
    entity_id: int
    operation: str
    kind: str
    code: str
    message: str
    local_state: dict | None
    remote_state: dict | None
    state: str
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: str
    resolution: str
    note: str
    blocking: bool
    label: str  # the invoice's number, or "customer 3"

    def to_json(self) -> dict:
        return {"id": self.id, "entityType": self.entity_type, "entityId": self.entity_id,
                "label": self.label, "operation": self.operation, "kind": self.kind,
                "code": self.code or None, "message": self.message,
                "local": self.local_state, "plugipay": self.remote_state, "state": self.state,
                "blocking": self.blocking, "createdAt": iso(self.created_at),
                "resolvedAt": iso(self.resolved_at), "resolvedBy": self.resolved_by or None,
                "resolution": self.resolution or None, "note": self.note or None}


def refresh_invoice_state(s: Session, invoice_id: int) -> str:
    """invoices.sync_state from the facts: conflict > pending > synced > local."""
    inv = s.get(Invoice, invoice_id)
    if inv is None:
        return ""
    open_conflicts = s.execute(select(func.count()).select_from(SyncConflict).where(
        SyncConflict.entity_type == "invoice", SyncConflict.entity_id == invoice_id,
        SyncConflict.state == "open")).scalar_one()
    waiting = s.execute(select(func.count()).select_from(OutboxOperation).where(
        OutboxOperation.aggregate == f"invoice:{invoice_id}",
        OutboxOperation.state.in_(UNFINISHED))).scalar_one()
    return _set_sync_state(inv, open_conflicts, waiting)


def _set_sync_state(inv: Invoice, open_conflicts: int, waiting: int) -> str:
    if open_conflicts:
        state = "conflict"
    elif waiting:
        state = "pending"
    elif inv.plugipay_id:
        state = "synced"
    else:
        state = "local"
    if inv.sync_state != state:
        inv.sync_state = state
    return state


def refresh_invoice_states(s: Session, invoice_ids) -> None:
    """`refresh_invoice_state` for many invoices in three queries (the sender's
    batches). Counted before the session's changes are written, the outbox rows
    changed in the session as they stand in memory, so that each invoice is
    written once, its sync state with its other changes (an UPDATE of a
    versioned row cannot be batched: one per invoice per flush, issue 18)."""
    ids = sorted(set(invoice_ids))
    if not ids:
        return
    changed = list(s.new) + list(s.dirty)
    if any(isinstance(o, SyncConflict) for o in changed):
        s.flush()  # conflicts are rare: count them written
    aggregates = {f"invoice:{i}" for i in ids}
    with s.no_autoflush:
        conflicts = dict(s.execute(
            select(SyncConflict.entity_id, func.count()).where(
                SyncConflict.entity_type == "invoice", SyncConflict.entity_id.in_(ids),
                SyncConflict.state == "open").group_by(SyncConflict.entity_id)).all())
        waiting = dict(s.execute(
            select(OutboxOperation.aggregate, func.count()).where(
                OutboxOperation.aggregate.in_(sorted(aggregates)),
                OutboxOperation.state.in_(UNFINISHED)).group_by(OutboxOperation.aggregate)).all())
        for op, gone in [(o, False) for o in changed] + [(o, True) for o in s.deleted]:
            if isinstance(op, OutboxOperation) and op.aggregate in aggregates:
                waiting[op.aggregate] = (waiting.get(op.aggregate, 0)
                                         + _unfinished_change(s, op, gone))
        held = {i: s.identity_map.get(s.identity_key(Invoice, i)) for i in ids}
        missing = [i for i, inv in held.items() if inv is None]
        if missing:  # the sender's batches hold them already: no query, no row to process
            held.update((inv.id, inv) for inv in s.execute(
                select(Invoice).where(Invoice.id.in_(missing))).scalars())
        for i, inv in held.items():
            if inv is not None:
                _set_sync_state(inv, conflicts.get(i, 0), waiting.get(f"invoice:{i}", 0))


def _unfinished_change(s: Session, op: OutboxOperation, gone: bool) -> int:
    """+1, -1 or 0: how an unwritten change of `op` moves its aggregate's count of
    unfinished operations from what the database holds."""
    if op in s.new:
        stored = None
    else:
        history = inspect(op).attrs.state.history
        stored = history.deleted[0] if history.deleted else op.state
    now = None if gone else op.state
    return int(now in UNFINISHED) - int(stored in UNFINISHED)


def record_conflict(s: Session, ctx: Context, *, aggregate: str, operation: str, kind: str,
                    message: str, code: str = "", outbox_id: int | None = None,
                    local_state: dict | None = None, remote_state: dict | None = None) -> SyncConflict:
    entity_type, _sep, entity_id = aggregate.partition(":")
    row = SyncConflict(aggregate=aggregate, entity_type=entity_type, entity_id=int(entity_id),
                       outbox_id=outbox_id, operation=operation, kind=kind, code=code,
                       message=message, local_state=local_state, remote_state=remote_state,
                       state="open", created_at=ctx.now())
    s.add(row)
    s.flush()
    record_history(s, ctx, entity_type, int(entity_id), "sync_conflict", local_state,
                   remote_state, message)
    if entity_type == "invoice":
        refresh_invoice_state(s, int(entity_id))
    return row


def _label(s: Session, c: SyncConflict) -> str:
    if c.entity_type == "invoice":
        inv = s.get(Invoice, c.entity_id)
        if inv is not None:
            return inv.local_number or inv.number or _("invoice #{id}", id=inv.id)
    if c.entity_type == "customer":
        return _("customer {id}", id=c.entity_id)
    return f"{c.entity_type} {c.entity_id}"


def _record(s: Session, c: SyncConflict) -> ConflictRecord:
    blocking = False
    if c.outbox_id is not None:
        op = s.get(OutboxOperation, c.outbox_id)
        blocking = op is not None and op.state == BLOCKING and c.state == "open"
    return ConflictRecord(c.id, c.entity_type, c.entity_id, c.operation, c.kind, c.code,
                          c.message, c.local_state, c.remote_state, c.state, c.created_at,
                          c.resolved_at, c.resolved_by, c.resolution, c.note, blocking,
                          _label(s, c))


def list_conflicts(ctx: Context, *, include_resolved: bool = False,
                   entity: tuple[str, int] | None = None) -> list[ConflictRecord]:
    stmt = select(SyncConflict).order_by(SyncConflict.id.desc())
    if not include_resolved:
        stmt = stmt.where(SyncConflict.state == "open")
    if entity:
        stmt = stmt.where(SyncConflict.entity_type == entity[0],
                          SyncConflict.entity_id == entity[1])
    with ctx.store.reader() as uow:
        return [_record(uow.session, c) for c in uow.session.execute(stmt).scalars()]


def open_conflict_count(ctx: Context) -> int:
    with ctx.store.reader() as uow:
        return int(uow.session.execute(select(func.count()).select_from(SyncConflict)
                                       .where(SyncConflict.state == "open")).scalar_one())


def _require_manager(ctx: Context) -> None:
    """Resolving is a manager's decision where the shop has role rules
    (app/services/roles.py lists the action as "conflict_resolve")."""
    require_role(ctx, "conflict_resolve")


def resolve(ctx: Context, conflict_id, action: str = "accept", note: str = "") -> ConflictRecord:
    """`accept`: Plugipay's state stands (a refused sale stays at this till only);
    `retry`: send the refused operation again with a new key."""
    if action not in ("accept", "retry"):
        raise ValidationError(_("Choose accept or retry."), field="action")
    try:
        cid = int(str(conflict_id).strip())
    except ValueError:
        raise NotFoundError(_("There is no conflict {conflict_id}.", conflict_id=conflict_id), field="id") from None
    note = (note or "").strip()[:1000]
    _require_manager(ctx)
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        c = s.get(SyncConflict, cid)
        if c is None:
            raise NotFoundError(_("There is no conflict {conflict_id}.", conflict_id=conflict_id), field="id")
        if c.state != "open":
            raise ConflictError(_("Conflict {cid} was already resolved by {resolved_by}.",
                                  cid=cid, resolved_by=c.resolved_by))
        op = s.get(OutboxOperation, c.outbox_id) if c.outbox_id else None
        blocking = op is not None and op.state == BLOCKING
        if action == "retry":
            if not blocking:
                raise ConflictError(_("Only a refused operation that is still held back can be "
                                      "sent again; this one is settled: accept it."))
            # Plugipay stored its refusal under the old key: a retry is a new request.
            op.idempotency_key = f"{op.idempotency_key[:60]}_r{op.attempts + 1}"
            op.state, op.attempts, op.next_attempt_at, op.last_error = "pending", 0, None, ""
            req = s.get(OutboxRequest, op.id)
            if req is not None:
                s.delete(req)
        elif blocking:
            # The operation, and what was queued behind it, stays at this till.
            later = s.execute(select(OutboxOperation).where(
                OutboxOperation.aggregate == op.aggregate, OutboxOperation.id >= op.id,
                OutboxOperation.state.in_(UNFINISHED))).scalars().all()
            for o in later:
                o.state, o.done_at = "dismissed", ctx.now()
        c.state, c.resolved_at, c.resolved_by = "resolved", ctx.now(), ctx.operator
        c.resolution, c.note = action, note
        s.flush()
        record_history(s, ctx, c.entity_type, c.entity_id, "conflict_resolved", None,
                       {"conflict": c.id, "resolution": action}, note)
        if c.entity_type == "invoice":
            refresh_invoice_state(s, c.entity_id)
        rec = _record(s, c)
        uow.commit()
    return rec
