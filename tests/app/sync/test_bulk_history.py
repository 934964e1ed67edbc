"""A batch's history entries linked in one go (`history_chain.append_many`
through `linked_in_bulk`) make the same chain as one by one: seamless links
between single and bulk entries, the chain checker finds it intact (it
recomputes every hash), and a failed block links nothing."""

from __future__ import annotations

from sqlalchemy import select

from app.services.audit import record_history
from app.services.customers import CustomerInput, add_customer
from app.services.invoices import PaymentInput, create_and_issue, mark_paid
from app.store.history_chain import GENESIS, linked_in_bulk
from app.store.models import HistoryEntry
from app.trust.chain import verify
from tests.conftest import draft_input


def test_bulk_entries_hash_as_single_appends_and_roll_back_together(ctx, store):
    with store.unit_of_work() as uow:
        s = uow.session
        record_history(s, ctx, "setting", 0, "one", None, {"n": 1})
        with linked_in_bulk(s):
            bulk = [record_history(s, ctx, "setting", 0, "bulk", None, {"n": i})
                    for i in range(5)]
            assert all(e.entry_hash is None for e in bulk)  # linked when the block ends
        record_history(s, ctx, "setting", 0, "after", None, {"n": 9})
        uow.commit()
    with store.reader() as uow:
        rows = [(e.chain_seq, e.prev_hash, e.entry_hash) for e in uow.session.execute(
            select(HistoryEntry).order_by(HistoryEntry.id)).scalars()]
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert all(b[1] == a[2] for a, b in zip(rows, rows[1:])) and rows[0][1] == GENESIS
    assert verify(store).ok
    # A block that fails links nothing; the transaction rolls back.
    before = verify(store).checked
    try:
        with store.unit_of_work() as uow:
            with linked_in_bulk(uow.session):
                record_history(uow.session, ctx, "setting", 0, "lost", None, {})
                raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert verify(store).checked == before and verify(store).ok


def test_the_chain_checks_out_after_a_concurrent_push(ctx, store, engine):
    c = add_customer(ctx, CustomerInput("Sari", "sari@example.com")).id
    for i in range(30):
        inv = create_and_issue(ctx, draft_input(c, lines=(("Teh", 1, 500 + i),)))
        if i % 2:
            mark_paid(ctx, inv.id, PaymentInput("cash"))
    report = engine.run_pass(reconcile=False, pull=False)
    assert report.pending == 0 and report.pushed > 30
    result = verify(store)
    assert result.ok, result.summary()
    with store.reader() as uow:
        synced = uow.session.execute(select(HistoryEntry.entry_hash).where(
            HistoryEntry.action.like("sync_%"))).scalars().all()
    assert len(synced) >= 30 and all(synced)
