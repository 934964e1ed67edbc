"""Sync push of N outbox operations to the local sandbox, beside the same
requests sent in a plain loop through the Plugipay SDK.

The till's database (on disk, beside the benchmark results) gets customers,
then sales issued and paid through the real services, so the outbox holds N
operations. The engine pushes them all; then the sandbox is emptied and the
very requests the engine stored (method, path, body, idempotency key) are
replayed through `PlugipayClient.request`, with the sandbox's new ids put in
place of the old ones."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

from plugipay import PlugipayClient
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


def sync_row(n_ops: int, workdir: Path) -> Row:
    label = f"{NAME} of {n_ops:,} operations"
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    store = open_store(workdir / "till.db")
    ctx = Context(store, operator="bench", till="T1")
    ops = _fill(ctx, n_ops)
    with running_sandbox(workdir / "sandbox") as sbx:
        creds = Credentials(sbx.key_id, sbx.secret, sbx.base_url, "bench")
        engine = SyncEngine(store, till="T1", credentials=creds, remind=False, timeout=30)
        engine.run_pass(reconcile=False, pull=False, max_sends=1)  # connect, warm up
        started = time.perf_counter()
        passes = 0
        while True:
            report = engine.run_pass(reconcile=False, pull=False)
            passes += 1
            if not report.pending or passes > 50 or report.error:
                break
        took = time.perf_counter() - started
        requests = engine.gateway.requests if engine.gateway else 0
        engine.close()
        if report.pending:
            store.dispose()
            return missing(label, "s", f"the engine left {report.pending} operations "
                           f"({report.error or 'no error'})")
        replay = _requests(store)
        sbx.reset()
        client = PlugipayClient(key_id=sbx.key_id, secret=sbx.secret, base_url=sbx.base_url,
                                timeout=30)
        b_started = time.perf_counter()
        _replay(client, replay)
        base = time.perf_counter() - b_started
        close = getattr(client, "close", None)
        if close:
            close()
    store.dispose()
    return Row(label, round(took, 2), "s", round(base, 2), max_ratio=1.3,
               baseline_what=f"the same {len(replay):,} requests in a plain SDK loop",
               note=f"{ops:,} operations, {requests:,} requests, {passes} passes; "
                    f"{took / max(ops, 1) * 1000:.2f} ms per operation")


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


def _replay(client, requests: list[tuple]) -> None:
    new_ids: dict[str, str] = {}
    for method, path, body, key, old_id in requests:
        for old, new in _ids_in(path + (body or ""), new_ids):
            path = path.replace(old, new)
            body = body.replace(old, new) if body else body
        data = client.request(method=method, path=path,
                              body=json.loads(body) if body else None, idempotency_key=key)
        if old_id and isinstance(data, dict) and "id" in data:
            new_ids[old_id] = data["id"]


_ID = None


def _ids_in(text: str, mapping: dict[str, str]):
    """The sandbox's ids in `text` that have a replacement (ids: `prefix_` + 24 hex)."""
    global _ID
    if _ID is None:
        _ID = re.compile(r"[a-z]+_[0-9a-f]{24}")
    return [(old, mapping[old]) for old in set(_ID.findall(text)) if old in mapping]
