"""The sync process killed (SIGKILL) in the middle of a batch, then restarted:
exactly one Plugipay invoice per local invoice, every answer recorded, and
every resend carried the first send's key and bytes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services.customers import CustomerInput, add_customer
from app.services.invoices import PaymentInput, create_and_issue, mark_paid, void
from tests.app.sync.faultrun import every_page
from app.store.models import Invoice, OutboxOperation
from app.store.sync_models import OutboxRequest

from tests.conftest import draft_input

ROOT = Path(__file__).resolve().parents[3]


def _fill(ctx) -> None:
    customers = [add_customer(ctx, CustomerInput(f"C{i}", f"c{i}@example.com")).id
                 for i in range(3)]
    for n in range(40):
        inv = create_and_issue(ctx, draft_input(customers[n % 3], lines=(("Kopi", 1, 1000 + n),)))
        if n % 3 == 0:
            mark_paid(ctx, inv.id, PaymentInput("cash"))
        elif n % 7 == 0:
            void(ctx, inv.id, "salah input")


def _snapshot(store):
    with store.reader() as uow:
        s = uow.session
        ops = {o.id: (o.state, o.attempts, o.idempotency_key)
               for o in s.execute(select(OutboxOperation)).scalars()}
        reqs = {r.outbox_id: (r.method, r.path, r.body)
                for r in s.execute(select(OutboxRequest)).scalars()}
    return ops, reqs


@pytest.mark.parametrize("kill_at,where", [(20, "request"), (35, "response")])
def test_killed_mid_batch_then_restarted(ctx, store, sandbox, engine, db_path, kill_at, where):
    _fill(ctx)
    env = dict(os.environ, KASIR_SBX_URL=sandbox.base_url, KASIR_SBX_KEY=sandbox.key_id,
               KASIR_SBX_SECRET=sandbox.secret, PYTHONPATH=str(ROOT))
    child = subprocess.run([sys.executable, "-m", "tests.app.sync.crash_child", str(db_path),
                            str(kill_at), where], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=120)
    assert child.returncode == -9, (child.returncode, child.stdout, child.stderr[-2000:])

    ops, reqs = _snapshot(store)
    # Killed mid-batch: operations claimed (marked in flight, request stored) whose
    # answers were never recorded, and the work of some of them done on Plugipay.
    in_flight = [i for i, (state, attempts, _) in ops.items() if state == "pending" and attempts]
    assert in_flight and all(i in reqs for i in in_flight)
    done = sum(1 for state, _, _ in ops.values() if state == "done")
    assert 0 < done < kill_at - 1
    with store.reader() as uow:
        linked = uow.session.execute(select(Invoice).where(
            Invoice.plugipay_id.is_not(None))).scalars().all()
    remote_before = sandbox.stats()["invoices"]
    assert remote_before > len(linked)  # done on Plugipay, not yet known at the till

    # Restarted: the queue drains; the lost answers come back as replays.
    sent: list[tuple[str, str]] = []
    engine._gateway()._http.event_hooks["request"].append(
        lambda r: sent.append((r.headers.get("Idempotency-Key"), r.content.decode())))
    reports = engine.drain(max_passes=20, sleep=lambda s: None)
    assert reports[-1].pending == 0 and reports[-1].conflicts == 0, reports[-1].summary()

    after_ops, after_reqs = _snapshot(store)
    assert all(state == "done" for state, _, _ in after_ops.values())
    # Every operation stored before the crash went again with its key and bytes.
    for op_id, (method, path, body) in reqs.items():
        assert after_reqs[op_id] == (method, path, body)
        assert after_ops[op_id][2] == ops[op_id][2]
    by_key = {key: body for key, body in sent if key}
    for op_id in in_flight:
        key = ops[op_id][2]
        assert key in by_key and by_key[key] == reqs[op_id][2]

    client = sandbox.client()
    remote = every_page(lambda c: client.invoices.list(limit=100, cursor=c))
    per_local = Counter((r.get("metadata") or {}).get("kasirInvoiceId") for r in remote)
    with store.reader() as uow:
        local = uow.session.execute(select(Invoice)).scalars().all()
        assert len(remote) == len(local) == 40
        assert set(per_local) == {str(i.id) for i in local} and max(per_local.values()) == 1
        by_id = {r["id"]: r for r in remote}
        for inv in local:
            r = by_id[inv.plugipay_id]
            assert r["number"] == inv.number and r["status"] == inv.status
            assert inv.sync_state == "synced"
    assert sandbox.stats()["customers"] == 3
