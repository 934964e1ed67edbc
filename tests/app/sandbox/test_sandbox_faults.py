"""Fault injection: --fail-rate, --drop-rate, --latency-ms, --rate-limit, --clock-skew, --seed."""

import time
import uuid

import pytest
from plugipay import PlugipayError, PlugipayNetworkError

from app.sandbox.testing import sample_lines


def test_fail_rate_answers_500_and_does_nothing(start_sandbox):
    sbx = start_sandbox(fail_rate=1)
    with sbx.client() as c:
        with pytest.raises(PlugipayError) as err:
            c.customers.create(name="never stored")
    assert (err.value.status, err.value.code) == (500, "internal_error")
    assert sbx.stats()["customers"] == 0  # dashboard routes are never faulted
    assert sbx.stats()["events"] == 0


def test_seeded_faults_are_reproducible(start_sandbox):
    sbx = start_sandbox(fail_rate=0.5, seed=42)

    def pattern():
        out = []
        with sbx.client() as c:
            for _ in range(24):
                try:
                    c.customers.list(limit=1)
                    out.append(True)
                except PlugipayError as err:
                    assert err.status == 500
                    out.append(False)
        return out

    first = pattern()
    assert True in first and False in first
    sbx.set_faults(seed=42)  # re-seeding restarts the same sequence
    assert pattern() == first
    sbx.restart()  # same --seed on the command line: same sequence again
    assert pattern() == first


def test_drop_commits_then_hangs_up_and_key_recovers(start_sandbox):
    sbx = start_sandbox(seed=1)
    with sbx.client() as c:
        cus = c.customers.create(name="Dropper")
        sbx.set_faults(drop_rate=1)
        body = {"customerId": cus["id"], "currency": "IDR", "lines": sample_lines(7000), "status": "open"}
        key = f"op-{uuid.uuid4()}"
        with pytest.raises(PlugipayNetworkError):
            c.request(method="POST", path="/api/v1/invoices", body=body, idempotency_key=key)
        with pytest.raises(PlugipayNetworkError):
            c.request(method="POST", path="/api/v1/invoices", body=body, idempotency_key=key)
        sbx.set_faults(drop_rate=0)
        stored = c.invoices.list(customer_id=cus["id"]).data
        assert len(stored) == 1  # the work was committed once
        again = c.request(method="POST", path="/api/v1/invoices", body=body, idempotency_key=key)
        assert again["id"] == stored[0]["id"]


def test_latency(start_sandbox):
    sbx = start_sandbox(latency_ms=150)
    with sbx.client() as c:
        c.customers.list(limit=1)
        t = time.perf_counter()
        c.customers.list(limit=1)
        assert time.perf_counter() - t >= 0.14
        sbx.set_faults(latency_ms=0)
        t = time.perf_counter()
        c.customers.list(limit=1)
        assert time.perf_counter() - t < 0.14


def test_rate_limit_429_with_retry_after(start_sandbox):
    sbx = start_sandbox(rate_limit=2)
    # The bucket refills as time passes, so a slow machine may see a third 200: ask quickly
    # until the limit answers (it must, within a handful of requests), then check its answer.
    codes = []
    for _ in range(12):
        r = sbx.signed_request("GET", "/api/v1/customers")
        codes.append(r.status_code)
        if r.status_code == 429:
            break
    assert codes[:2] == [200, 200] and codes[-1] == 429, codes
    assert r.json()["error"]["code"] == "rate_limited"
    assert int(r.headers["Retry-After"]) >= 1
    with sbx.client() as c:
        refused = None
        for _ in range(12):
            try:
                c.customers.list()
            except PlugipayError as err:
                refused = err
                break
        assert refused is not None and (refused.status, refused.code) == (429, "rate_limited")
        # the limit is per key: the dashboard key has its own bucket
        with sbx.dashboard_client() as d:
            d.customers.list()
        time.sleep(0.6)
        c.customers.list()


def test_clock_skew(start_sandbox):
    sbx = start_sandbox(clock_skew=3600)
    with sbx.client() as c:
        with pytest.raises(PlugipayError) as err:
            c.customers.list()
        assert (err.value.status, err.value.code) == (401, "unauthorized")
    r = sbx.signed_request("POST", "/api/v1/customers", {"name": "Later"}, ts=int(time.time()) + 3600)
    assert r.status_code == 201
    meta_ts = r.json()["meta"]["timestamp"]
    from datetime import datetime

    shifted = datetime.fromisoformat(meta_ts.replace("Z", "+00:00")).timestamp()
    assert abs(shifted - (time.time() + 3600)) < 30
    assert r.json()["data"]["createdAt"][:16] == meta_ts[:16]
    sbx.set_faults(clock_skew=0)
    with sbx.client() as c:
        assert c.customers.list().data


def test_faults_route_validates(sandbox):
    from app.sandbox.testing import SandboxError

    with pytest.raises(SandboxError):
        sandbox.set_faults(fail_rate=2)
    with pytest.raises(SandboxError):
        sandbox.set_faults(nonsense=1)
    assert sandbox.faults()["failRate"] == 0
