"""The history chain as written by the services: links, approvals, seals, several writers."""

from __future__ import annotations

import threading

from sqlalchemy import select

from app.services.context import Context, open_store
from app.services.customers import CustomerInput, add_customer
from app.store.models import HistoryEntry
from app.services.audit import seal
from app.store.history_chain import GENESIS
from app.trust.chain import verify


def test_entries_are_linked_in_order(ctx, store, customer):
    add_customer(ctx, CustomerInput("Sari", "", "", "", ""))
    with store.reader() as uow:
        rows = [(h.chain_seq, h.prev_hash, h.entry_hash) for h in
                uow.session.execute(select(HistoryEntry).order_by(HistoryEntry.id)).scalars()]
    assert [r[0] for r in rows] == [1, 2]
    assert rows[0][1] == GENESIS and rows[1][1] == rows[0][2]
    assert verify(store).ok


def test_seal_writes_a_linked_entry(ctx, store, customer):
    with store.unit_of_work() as uow:
        digest = seal(uow.session, ctx, "shift", 7, {"cash": {"IDR": 150000}})
        uow.commit()
    with store.reader() as uow:
        last = uow.session.execute(select(HistoryEntry).order_by(HistoryEntry.id.desc())).scalars().first()
        assert (last.entity_type, last.entity_id, last.action, last.entry_hash) == (
            "shift", 7, "seal", digest)
        assert last.after == {"cash": {"IDR": 150000}}
    assert verify(store).ok


def test_several_writers_keep_one_chain(db_path):
    stores = [open_store(db_path) for _ in range(4)]  # four tills, four engines
    errors = []

    def work(i):
        try:
            c = Context(stores[i], operator=f"till{i}", till=f"T{i}")
            for n in range(8):
                add_customer(c, CustomerInput(f"C{i}-{n}", "", "", "", ""))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    report = verify(stores[0])
    assert report.ok and report.checked == 32, report.summary()
    for s in stores:
        s.dispose()
