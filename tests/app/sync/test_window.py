"""The sender's window: several lanes' heads in flight at once over a slow
link, each lane still in order; the window starts small, halves on 429 and
the rate learned from a 429 holds; `sync.window` and `kasir sync --window`."""

from __future__ import annotations

import threading

from sqlalchemy import select

from app.services.customers import CustomerInput, add_customer
from app.services.invoices import PaymentInput, create_and_issue, mark_paid
from app.services.settings import set_setting
from app.store.models import Invoice, OutboxOperation
from app.sync.engine import SyncEngine
from app.sync.outbox import Backoff
from app.sync.window import DEFAULT_WINDOW, MAX_WINDOW, Pacer, clamp_window
from tests.app.sync.helpers import creds_for
from tests.conftest import draft_input


def _sales(ctx, n=24, n_customers=3):
    customers = [add_customer(ctx, CustomerInput(f"C{i}", f"c{i}@example.com")).id
                 for i in range(n_customers)]
    ids = []
    for i in range(n):
        inv = create_and_issue(ctx, draft_input(customers[i % n_customers],
                                                lines=(("Teh", 1, 500 + i),)))
        mark_paid(ctx, inv.id, PaymentInput("cash"))
        ids.append(inv.id)
    return ids


def _engine(store, sandbox, **kw):
    return SyncEngine(store, credentials=creds_for(sandbox), remind=False, timeout=10,
                      backoff=Backoff(base=0.01, cap=0.05), **kw)


def _in_lane_order(store, arrivals) -> list[str]:
    at = {a["key"]: i for i, a in enumerate(arrivals)}
    last: dict[str, int] = {}
    wrong = []
    with store.reader() as uow:
        for agg, op, key in uow.session.execute(select(
                OutboxOperation.aggregate, OutboxOperation.operation,
                OutboxOperation.idempotency_key).order_by(OutboxOperation.id)):
            if at.get(key) is not None:
                if last.get(agg, -1) > at[key]:
                    wrong.append(f"{agg} {op}")
                last[agg] = at[key]
    return wrong


def test_a_slow_link_gets_many_lanes_in_flight_and_each_lane_in_order(ctx, store, sandbox):
    ids = _sales(ctx)
    sandbox.set_faults(latency_ms=80)
    engine = _engine(store, sandbox, window=8)
    try:
        report = engine.drain(sleep=lambda s: None, reconcile=False)[-1]
    finally:
        engine.close()
    assert report.pending == 0 and report.conflicts == 0, report.summary()
    peak = sandbox.stats()["peakConcurrency"]
    assert 4 <= peak <= 8, peak  # several at once, never more than the window
    assert _in_lane_order(store, sandbox.arrivals()) == []
    with store.reader() as uow:
        rows = uow.session.execute(select(Invoice).where(Invoice.id.in_(ids))).scalars().all()
        assert {r.status for r in rows} == {"paid"} and all(r.plugipay_id for r in rows)


def test_window_one_sends_one_at_a_time(ctx, store, sandbox):
    _sales(ctx, n=6)
    sandbox.set_faults(latency_ms=30)
    set_setting(ctx, "sync.window", 1)  # the setting, read at every pass
    engine = _engine(store, sandbox)
    try:
        report = engine.drain(sleep=lambda s: None, reconcile=False)[-1]
    finally:
        engine.close()
    assert report.pending == 0
    assert engine.pacer.limit == 1 and sandbox.stats()["peakConcurrency"] == 1


def test_the_window_starts_at_one_grows_and_halves_on_429():
    now = [100.0]
    p = Pacer(8, clock=lambda: now[0], sleep=lambda s: None)
    assert p.window == 1
    for _ in range(10):
        assert p.acquire()
        p.release("ok")
    assert p.window == 8  # slow start up to the configured size
    p.throttled(2.0)
    assert p.window == 4 and p.paused_for() == 2.0
    # Nothing leaves before Retry-After: acquire waits (here: until stop says so).
    assert p.acquire(stop=lambda: True) is False
    now[0] += 2.5
    for _ in range(4):
        assert p.acquire()
        p.release("ok")
    assert 4 < p.window < 6  # past the last 429's point: +1 per window of answers
    p.offline()
    assert p.window == 1


def test_a_429_teaches_the_rate_that_plugipay_took():
    now = [0.0]

    def sleep(s):
        now[0] += s

    p = Pacer(8, clock=lambda: now[0], sleep=sleep)
    for _ in range(20):  # twenty answers within 0.2 s, then a 429
        p.acquire()
        now[0] += 0.01
        p.release("ok")
    p.throttled(1.0)
    assert 19 <= p.rate() <= 20  # a little under what it took in the last second
    now[0] += 1.0  # Retry-After has passed
    start = now[0]
    for _ in range(11):
        p.acquire()
        p.release("ok")
    assert now[0] - start >= 10 / p.rate() - 1e-9  # eleven requests: ten spacings
    now[0] += 61  # forgotten after a minute: found again from the next 429
    assert p.rate() == 0.0


def test_a_configured_rate_is_never_exceeded():
    now = [0.0]
    slept = []

    def sleep(s):
        slept.append(s)
        now[0] += s

    p = Pacer(8, max_rate=5, clock=lambda: now[0], sleep=sleep)
    for _ in range(11):
        p.acquire()
        p.release("ok")
    assert now[0] >= 2.0 - 1e-9  # eleven requests at 5/s: the last leaves at 2.0 s


def test_the_window_is_shared_by_threads_and_never_exceeded():
    p = Pacer(3)
    for _ in range(5):
        p.acquire()
        p.release("ok")
    inside, peak, lock = [0], [0], threading.Lock()

    def work():
        for _ in range(20):
            p.acquire()
            with lock:
                inside[0] += 1
                peak[0] = max(peak[0], inside[0])
            threading.Event().wait(0.001)
            with lock:
                inside[0] -= 1
            p.release("ok")

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 3 and p.out == 0


def test_window_sizes_are_clamped():
    assert clamp_window(None) == DEFAULT_WINDOW and clamp_window("x") == DEFAULT_WINDOW
    assert clamp_window(0) == 1 and clamp_window(1000) == MAX_WINDOW and clamp_window("16") == 16
