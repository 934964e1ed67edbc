"""Sync push of N outbox operations to the local sandbox, beside the same
requests sent in a plain loop through the Plugipay SDK.

The till's database (on disk, beside the benchmark results) gets customers,
then sales issued and paid through the real services, so the outbox holds N
operations. The engine pushes them all; then the sandbox is emptied and the
very requests the engine stored (method, path, body, idempotency key) are
replayed through `PlugipayClient.request`, with the sandbox's new ids put in
place of the old ones.

The same over a slow link (the sandbox's `--latency-ms`), with failures and
lost answers on top, and against its `--rate-limit` (latency_rows,
rate_limit_rows): issue 18's rows, each beside its baseline in the same run."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

from plugipay import PlugipayClient, PlugipayError
from sqlalchemy import text

from app.domain.validation import DraftInput, LineInput
from app.sandbox.testing import running_sandbox
from app.services import invoices
from app.services.context import Context, open_store
from app.services.customers import CustomerInput, add_customer
from app.sync.credentials import Credentials
from app.sync.engine import SyncEngine

from .report import Row, missing

NAME = "sync push"


def _fill(ctx, n_ops: int) -> int:
    n_cust = max(1, min(200, n_ops // 50))
    custs = [add_customer(ctx, CustomerInput(f"Pelanggan {i}", f"p{i}@contoh.co.id")).id
             for i in range(n_cust)]
    ops = n_cust
    i = 0
    while ops < n_ops:
        inv = invoices.create_and_issue(ctx, DraftInput(
            custs[i % n_cust], "IDR", (LineInput("Kopi susu", 1 + i % 3, 18000),), 0, 0, None, ""))
        ops += 1
        if ops < n_ops:
            invoices.mark_paid(ctx, inv.id)
            ops += 1
        i += 1
    return ops


def _till(workdir: Path, n_ops: int):
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    store = open_store(workdir / "till.db")
    ops = _fill(Context(store, operator="bench", till="T1"), n_ops)
    return store, ops


def _drain(store, sbx, *, window: int | None = None):
    """(seconds, report, passes, gateway) of an engine pushing the whole queue."""
    creds = Credentials(sbx.key_id, sbx.secret, sbx.base_url, "bench")
    engine = SyncEngine(store, till="T1", credentials=creds, remind=False, timeout=30,
                        window=window)
    faults = sbx.faults()
    sbx.set_faults(fail_rate=0, drop_rate=0, rate_limit=0)
    engine.run_pass(reconcile=False, pull=False, max_sends=1)  # connect, warm up
    sbx.set_faults(failRate=faults["failRate"], dropRate=faults["dropRate"],
                   rateLimit=faults["rateLimit"])
    started = time.perf_counter()
    passes = 0
    while True:
        report = engine.run_pass(reconcile=False, pull=False)
        passes += 1
        if not report.pending or passes > 200 or not report.connected:
            break
        time.sleep(min(report.retry_after or engine._next_due(), 5.0))
    took = time.perf_counter() - started
    gateway = engine.gateway
    engine.close()
    return took, report, passes, gateway


def _plain(sbx, replay, *, retry: bool = False) -> float:
    """The same requests one after another through the SDK; with `retry`, each
    is sent again (same key, same bytes) until it gets an answer."""
    client = PlugipayClient(key_id=sbx.key_id, secret=sbx.secret, base_url=sbx.base_url,
                            timeout=30)
    started = time.perf_counter()
    _replay(client, replay, retry=retry)
    took = time.perf_counter() - started
    client.close()
    return took


def sync_row(n_ops: int, workdir: Path) -> Row:
    label = f"{NAME} of {n_ops:,} operations"
    store, ops = _till(workdir, n_ops)
    with running_sandbox(workdir / "sandbox") as sbx:
        took, report, passes, gw = _drain(store, sbx)
        requests = getattr(gw, "requests", 0)
        if report.pending:
            store.dispose()
            return missing(label, "s", f"the engine left {report.pending} operations "
                           f"({report.error or 'no error'})")
        replay = _requests(store)
        sbx.reset()
        base = _plain(sbx, replay)
    store.dispose()
    return Row(label, round(took, 2), "s", round(base, 2), max_ratio=1.3,
               baseline_what=f"the same {len(replay):,} requests in a plain SDK loop",
               note=f"{ops:,} operations, {requests:,} requests, {passes} passes; "
                    f"{took / max(ops, 1) * 1000:.2f} ms per operation")


def latency_rows(n_ops: int, workdir: Path, *, latency_ms: int = 100,
                 window: int = 8) -> list[Row]:
    """Over a slow link (the sandbox waits `latency_ms` per request): the engine
    beside the plain loop and beside the ideal (operations / window x latency);
    then the same with 10 % failed requests and 10 % lost answers."""
    rows: list[Row] = []
    label = f"{NAME} of {n_ops:,} operations, {latency_ms} ms per request"
    store, ops = _till(workdir, n_ops)
    with running_sandbox(workdir / "sandbox") as sbx:
        sbx.set_faults(latency_ms=latency_ms)
        took, report, passes, gw = _drain(store, sbx, window=window)
        if report.pending:
            store.dispose()
            return [missing(label, "s", f"the engine left {report.pending} operations")]
        replay = _requests(store)
        sbx.reset()
        base = _plain(sbx, replay)
    store.dispose()
    ideal = ops / window * latency_ms / 1000
    note = f"window {window}, {getattr(gw, 'requests', 0):,} requests, {passes} passes"
    rows.append(Row(label, round(took, 2), "s", round(base, 2), max_ratio=round(1 / 6, 3),
                    baseline_what=f"the same {len(replay):,} requests in a plain SDK loop "
                                  "(at least 6x faster)", note=note))
    rows.append(Row(label + " vs ideal", round(took, 2), "s", round(ideal, 2), max_ratio=1.5,
                    baseline_what=f"ideal: {ops:,} operations / window {window} x "
                                  f"{latency_ms} ms"))
    return rows + faulty_link_rows(n_ops, workdir, latency_ms=latency_ms, window=window)


def faulty_link_rows(n_ops: int, workdir: Path, *, latency_ms: int = 100,
                     window: int = 8) -> list[Row]:
    """The slow link with 10 % of requests failing (500) and 10 % of answers lost."""
    rows: list[Row] = []
    label = f"{NAME} of {n_ops:,} operations, {latency_ms} ms, 10 % fail, 10 % lost"
    store, ops = _till(workdir, n_ops)
    with running_sandbox(workdir / "sandbox") as sbx:
        sbx.set_faults(latency_ms=latency_ms, fail_rate=0.1, drop_rate=0.1, seed=18)
        took, report, passes, gw = _drain(store, sbx, window=window)
        sbx.set_faults(fail_rate=0, drop_rate=0, latency_ms=0)
        problems = _exactly_once(store, sbx) if not report.pending else \
            f"the engine left {report.pending} operations"
        if problems:
            store.dispose()
            return rows + [missing(label, "s", problems)]
        replay = _requests(store)
        sbx.reset()
        sbx.set_faults(latency_ms=latency_ms, fail_rate=0.1, drop_rate=0.1, seed=18)
        base = _plain(sbx, replay, retry=True)
    store.dispose()
    failures = getattr(gw, "failures", {})
    rows.append(Row(label, round(took, 2), "s", round(base, 2), max_ratio=0.25,
                    baseline_what="the same requests in a plain SDK loop, each resent until "
                                  "answered (at least 4x faster)",
                    note=f"exactly once: every sale on Plugipay once, states agree; "
                         f"{getattr(gw, 'requests', 0):,} requests, {passes} passes, "
                         f"faults seen {dict(failures)}"))
    return rows


def rate_limit_rows(n_ops: int, workdir: Path, *, rate: int = 20) -> list[Row]:
    """Against `--rate-limit`: the drain rate beside the limit, and the 429s."""
    label = f"{NAME} of {n_ops:,} operations at --rate-limit {rate}"
    store, ops = _till(workdir, n_ops)
    with running_sandbox(workdir / "sandbox", rate_limit=rate) as sbx:
        took, report, passes, gw = _drain(store, sbx)
        problems = _exactly_once(store, sbx) if not report.pending else \
            f"the engine left {report.pending} operations"
    store.dispose()
    if problems:
        return [missing(label, "req/s", problems)]
    requests = getattr(gw, "requests", 0)
    limited = getattr(gw, "failures", {}).get("429", 0)
    return [Row(f"{label}: drain rate", round(ops / took, 2), "ops/s", float(rate),
                within=0.10, baseline_what=f"the sandbox's limit, {rate} requests per second "
                                           "(one request per operation)",
                note=f"{ops:,} operations, {requests:,} requests in {took:.1f} s, "
                     f"{passes} passes"),
            Row(f"{label}: answered 429", round(100 * limited / max(requests, 1), 2), "%",
                target=2.0, note=f"{limited} of {requests:,} requests")]


def _exactly_once(store, sbx) -> str:
    """"" if Plugipay has every local sale exactly once, in the till's state."""
    remote = sbx.remote_invoices()
    with store.reader() as uow:
        local = dict(uow.session.execute(text(
            "SELECT plugipay_id, status FROM invoices WHERE local_number IS NOT NULL")).all())
    keys = [(r.get("metadata") or {}).get("kasirInvoiceId") for r in remote]
    if len(keys) != len(set(keys)) or len(remote) != len(local):
        return f"{len(remote)} invoices on Plugipay for {len(local)} at the till"
    wrong = [r["id"] for r in remote if local.get(r["id"]) != r["status"]]
    return f"{len(wrong)} invoices differ" if wrong else ""


def _requests(store) -> list[tuple]:
    """(method, path, body, key, old remote id of what it creates) in the order sent."""
    with store.reader() as uow:
        rows = uow.session.execute(text(
            "SELECT r.method, r.path, r.body, o.idempotency_key, o.aggregate "
            "FROM sync_requests r JOIN outbox o ON o.id = r.outbox_id "
            "ORDER BY r.first_sent_at, r.outbox_id")).all()
        remote = {}
        for table, kind in (("customers", "customer"), ("invoices", "invoice")):
            for i, pid in uow.session.execute(text(
                    f"SELECT id, plugipay_id FROM {table} WHERE plugipay_id IS NOT NULL")):
                remote[f"{kind}:{i}"] = pid
    out = []
    for method, path, body, key, aggregate in rows:
        creates = method == "POST" and path.rstrip("/").endswith(("/customers", "/invoices"))
        out.append((method, path, body, key, remote.get(aggregate) if creates else None))
    return out


def _replay(client, requests: list[tuple], *, retry: bool = False) -> None:
    new_ids: dict[str, str] = {}
    for method, path, body, key, old_id in requests:
        for old, new in _ids_in(path + (body or ""), new_ids):
            path = path.replace(old, new)
            body = body.replace(old, new) if body else body
        while True:
            try:
                data = client.request(method=method, path=path,
                                      body=json.loads(body) if body else None,
                                      idempotency_key=key)
                break
            except PlugipayError as err:
                if not retry or (err.status and err.status < 500 and err.status != 429):
                    raise
        if old_id and isinstance(data, dict) and "id" in data:
            new_ids[old_id] = data["id"]


_ID = None


def _ids_in(text: str, mapping: dict[str, str]):
    """The sandbox's ids in `text` that have a replacement (ids: `prefix_` + 24 hex)."""
    global _ID
    if _ID is None:
        _ID = re.compile(r"[a-z]+_[0-9a-f]{24}")
    return [(old, mapping[old]) for old in set(_ID.findall(text)) if old in mapping]
