"""At least 200 seeded fault runs against one sandbox process (reset between
runs); `KASIR_SOAK_RUNS=5000` runs a longer soak (marked slow)."""

from __future__ import annotations

import os
from collections import Counter

import pytest

from app.sandbox.testing import running_sandbox
from tests.app.sync.faultrun import fast_dir, fault_run, open_run_store


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
    # The runs did meet every kind of fault.
    assert faults["500"] and faults["network_error"] and faults["401"]


@pytest.mark.slow
@pytest.mark.opt_in("KASIR_SOAK_RUNS")  # KASIR_SOAK_RUNS=5000
def test_fault_soak(fast_sandbox, tmp_path):
    n = int(os.environ["KASIR_SOAK_RUNS"])
    _runs(fast_sandbox, tmp_path, range(10_000, 10_000 + n))
