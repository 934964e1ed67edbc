"""An invoice's sync state counted before the session's changes are written
(app/sync/conflicts.py `refresh_invoice_states`): the outbox rows changed in the
session count as they stand in memory, and the invoice is written once."""

from __future__ import annotations

from sqlalchemy import event, select

from app.services import invoices as svc
from app.store.models import Invoice, OutboxOperation
from app.sync.conflicts import refresh_invoice_states
from tests.conftest import draft_input


def _invoice_updates(engine):
    seen: list[str] = []

    def count(conn, cursor, statement, params, context, executemany):
        if statement.startswith("UPDATE invoices"):
            seen.append(statement)
    event.listen(engine, "before_cursor_execute", count)
    return seen, lambda: event.remove(engine, "before_cursor_execute", count)


def _op(s, invoice_id):
    return s.execute(select(OutboxOperation).where(
        OutboxOperation.aggregate == f"invoice:{invoice_id}")).scalar_one()


def test_an_answered_last_operation_makes_the_invoice_synced_in_one_update(ctx, customer):
    inv = svc.create_and_issue(ctx, draft_input(customer.id))
    seen, stop = _invoice_updates(ctx.store.engine)
    try:
        with ctx.store.unit_of_work() as uow:
            s = uow.session
            op = _op(s, inv.id)
            row = s.get(Invoice, inv.id)
            op.state = "done"  # answered, not written yet
            row.plugipay_id, row.number = "in_1", "INV-1"
            refresh_invoice_states(s, [inv.id])
            assert row.sync_state == "synced" and not seen
            uow.commit()
    finally:
        stop()
    assert len(seen) == 1  # the link and the state together


def test_an_operation_still_waiting_in_memory_keeps_it_pending(ctx, customer):
    inv = svc.create_and_issue(ctx, draft_input(customer.id))
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        op = _op(s, inv.id)
        row = s.get(Invoice, inv.id)
        op.state = "done"
        row.plugipay_id = "in_1"
        s.add(OutboxOperation(idempotency_key="kasir_new", aggregate=f"invoice:{inv.id}",
                              operation="invoice.pay", payload={}, state="pending", attempts=0,
                              created_at=ctx.now()))
        refresh_invoice_states(s, [inv.id])
        assert row.sync_state == "pending"


def test_a_removed_waiting_operation_no_longer_counts(ctx, customer):
    inv = svc.create_and_issue(ctx, draft_input(customer.id))
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        row = s.get(Invoice, inv.id)
        row.plugipay_id = "in_1"
        s.delete(_op(s, inv.id))
        refresh_invoice_states(s, [inv.id])
        assert row.sync_state == "synced"
        uow.commit()
    with ctx.store.reader() as uow:
        assert uow.session.get(Invoice, inv.id).sync_state == "synced"


def test_an_invoice_the_session_has_not_loaded_is_read_and_set(ctx, customer):
    inv = svc.create_and_issue(ctx, draft_input(customer.id))
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        _op(s, inv.id).state = "done"
        refresh_invoice_states(s, [inv.id, 999_999])  # and one that does not exist
        uow.commit()
    with ctx.store.reader() as uow:
        assert uow.session.get(Invoice, inv.id).sync_state == "local"  # done, never linked
