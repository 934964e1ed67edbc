"""At least 200 seeded fault runs against one sandbox process (reset between
runs); `KASIR_SOAK_RUNS=5000` runs a longer soak (marked slow)."""

from __future__ import annotations

import os
from collections import Counter

import pytest
from sqlalchemy import select

from app.store.models import OutboxOperation

from app.sandbox.testing import running_sandbox
from tests.app.sync.faultrun import (RunResult, _check_order, fast_dir, fault_run,
                                     open_run_store, window_for)


@pytest.fixture(scope="module")
def fast_sandbox(tmp_path_factory):
    """The fault runs' own sandbox, its database on tmpfs when there is one."""
    with running_sandbox(fast_dir(tmp_path_factory.mktemp("fault-sandbox"))) as sbx:
        yield sbx


def _runs(sandbox, tmp_path, seeds):
    store = open_run_store(tmp_path)
    client = sandbox.client()
    totals, faults, actions = Counter(), Counter(), Counter()
    failed = []
    for seed in seeds:
        r = fault_run(sandbox, store, seed, client)
        totals["runs"] += 1
        totals["invoices"] += r.invoices
        totals["requests"] += r.requests
        totals["passes"] += r.passes
        totals["duplicates"] += r.duplicates
        totals["refunds"] += r.refunds
        totals["refund_duplicates"] += r.refund_duplicates
        totals["refunds_lost"] += r.refunds_lost
        totals["runs_with_refunds"] += r.refunds > 0
        faults.update(r.faults)
        actions.update(r.actions)
        if r.problems:
            failed.append((seed, r.problems))
    print(f"\nFAULT RUNS: {dict(totals)}\n  faults seen by the client: {dict(faults)}"
          f"\n  till actions: {dict(actions)}\n  runs with problems: {len(failed)}")
    store.dispose()
    client.close()
    assert not failed, failed[:3]
    assert totals["duplicates"] == 0
    assert totals["refund_duplicates"] == 0 and totals["refunds_lost"] == 0
    return totals, faults


def test_fault_runs(fast_sandbox, tmp_path):
    n = int(os.environ.get("KASIR_FAULT_RUNS", "200"))
    totals, faults = _runs(fast_sandbox, tmp_path, range(n))
    assert totals["runs"] >= min(n, 200)
    assert totals["runs_with_refunds"] == totals["runs"]  # refunds in every run
    assert {window_for(s) for s in range(n)} >= ({1, 8, 32} if n >= 10 else {8})
    # The runs did meet every kind of fault.
    assert faults["500"] and faults["network_error"] and faults["401"]


@pytest.mark.slow
@pytest.mark.opt_in("KASIR_SOAK_RUNS")  # KASIR_SOAK_RUNS=5000
def test_fault_soak(fast_sandbox, tmp_path):
    n = int(os.environ["KASIR_SOAK_RUNS"])
    _runs(fast_sandbox, tmp_path, range(10_000, 10_000 + n))


def _two_of_a_lane(arrivals, store):
    """Arrival positions of the first two operations of a lane, or None."""
    at = {a["key"]: i for i, a in enumerate(arrivals)}
    with store.reader() as uow:
        ops = uow.session.execute(select(OutboxOperation.aggregate,
                                         OutboxOperation.idempotency_key)
                                  .order_by(OutboxOperation.id)).all()
    lanes: dict = {}
    for aggregate, key in ops:
        if key in at:
            lanes.setdefault(aggregate, []).append(at[key])
    return next((v[:2] for v in lanes.values() if len(v) >= 2), None)


def test_the_order_check_sees_a_lane_out_of_order(fast_sandbox, tmp_path):
    """The sandbox's arrivals, in their real order, pass; the same arrivals with
    two operations of one lane swapped are caught."""
    store = open_run_store(tmp_path)
    client = fast_sandbox.client()
    try:
        for seed in range(7, 40):  # the first run with a lane of two operations
            r = fault_run(fast_sandbox, store, seed, client)
            assert not r.problems, r.problems
            arrivals = fast_sandbox.arrivals()
            pair = _two_of_a_lane(arrivals, store)
            if pair:
                break
        assert pair, "no run had a lane of two operations"
        first, second = pair
        swapped = list(arrivals)
        swapped[first], swapped[second] = swapped[second], swapped[first]
        bad = RunResult(seed)
        _check_order(swapped, store, bad)
        assert bad.problems and "before" in bad.problems[0], bad.problems
    finally:
        store.dispose()
        client.close()
