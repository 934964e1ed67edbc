"""The outbox sender: delivers queued operations to Plugipay, at least once,
in order per invoice (or customer), with backoff and jitter.

- Each operation's request (method, path, exact body) is stored before its
  first send; every retry resends those bytes with the operation's stored
  idempotency key, so a lost response never makes a second invoice.
- One failing operation holds back only the later operations of its own
  aggregate; the rest of the queue moves on.
- The heads of different lanes go concurrently, up to a window of requests
  in flight (window.py: starts at 1, grows to `sync.window`, halves on 429,
  keeps under a rate learned from 429s or configured); each lane still has at
  most one operation out, so its order holds.
- 429 pauses the whole sender for `Retry-After`; a network that is down ends
  the pass early instead of timing out once per queued sale.
- Operations go in batches (outbox_lanes.py picks them, outbox_batch.py holds
  the two transactions around a batch's sends), so the database work is a few
  commits per batch rather than two per operation; a batch is sized to take
  about BATCH_SECONDS on the wire, so answers are recorded promptly even on a
  slow line.
"""

from __future__ import annotations

import logging
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable

from app.services.context import Context
from app.store.models import Customer, Invoice, OutboxOperation

from .conflicts import refresh_invoice_state
from .gateway import AuthFailed, Gateway, Refused, Unavailable, compact
from .mapping import customer_body
from .outbox_batch import Claimed, Defer, Outcome, claim, record
from .outbox_lanes import Lanes
from .refusals import CREATIONS, refuse_invoice_action, refuse_operation
from .progress import DrainProgress
from .window import Pacer

log = logging.getLogger("kasir.sync")
OFFLINE_AFTER = 3  # network failures in a row that mean "offline", not "a hiccup"
BATCH_FIRST = 16     # operations in a pass's first batch
BATCH_MAX = 200      # ... and at most (what a crash may have to send again)
BATCH_SECONDS = 0.5   # later batches: about this long on the wire
RESEND_IN_PASS = 3   # tries again within a pass of one that failed while others went through


@dataclass
class Backoff:
    """Exponential backoff with jitter: attempt n waits a random time in
    [d/2, d], d = min(cap, base * 2**(n-1))."""

    base: float = 2.0
    cap: float = 300.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempts: int) -> float:
        d = min(self.cap, self.base * (2 ** max(0, attempts - 1)))
        return d / 2 + self.rng.random() * d / 2


@dataclass
class PushStats:
    sent: int = 0          # requests made for operations (retries included)
    done: int = 0          # operations Plugipay accepted
    retried: int = 0       # sends that failed and were rescheduled
    refused: int = 0       # operations Plugipay refused (conflicts recorded)
    deferred: int = 0      # aggregates waiting on another (a customer not yet created)
    waiting: int = 0       # aggregates whose next attempt is not due yet
    offline: bool = False
    auth_error: str = ""
    retry_after: float | None = None
    errors: list[str] = field(default_factory=list)


class Sender:
    def __init__(self, ctx: Context, gateway: Gateway, backoff: Backoff | None = None,
                 pacer: Pacer | None = None,
                 on_progress: Callable[[DrainProgress], None] | None = None):
        self.ctx = ctx  # operator "plugipay"
        self.gw = gateway
        self.backoff = backoff or Backoff()
        self.pacer = pacer or Pacer()
        self.on_progress = on_progress  # after every settled batch, on this thread

    # ── a pass ────────────────────────────────────────────────────
    def push(self, *, max_sends: int | None = None) -> PushStats:
        """Send what is due, in batches. One transaction claims a batch (requests
        stored, attempts marked); its requests go out over one connection while
        a background thread records the previous batch's answers in one
        transaction (outbox_batch.py); a lane's next operation is handed out
        only once its head's answer is recorded."""
        stats = PushStats()
        lanes = Lanes.load(self.ctx.store)
        self._started, self._total = time.monotonic(), lanes.count
        self._failures = 0  # network failures in a row
        self._resent: dict[int, int] = {}  # operation -> tries again in this pass
        self._size = BATCH_FIRST
        unrecorded: _Batch | None = None  # sent, answers not recorded yet
        with ThreadPoolExecutor(1, thread_name_prefix="kasir-sync-record") as recorder, \
                ThreadPoolExecutor(self.pacer.limit, thread_name_prefix="kasir-sync-send") as pool, \
                _prompt_gil_handoff():
            self._pool = pool
            try:
                while True:
                    current = self._claim(lanes, stats, max_sends)
                    recording = None
                    if unrecorded is not None:
                        recording = recorder.submit(record, self.ctx, self.backoff,
                                                    unrecorded.outcomes)
                    previous, unrecorded = unrecorded, current
                    if current is not None:
                        self._send(current, stats)  # meanwhile the last batch is recorded
                    stop = False
                    if recording is not None:
                        stop = self._settle(previous, recording.result(), lanes, stats)
                    if current is None and recording is None:
                        break
                    if stop or (current is not None and current.stop):
                        break
            except AuthFailed as err:  # from a lookup outside the batch's sends
                stats.auth_error = err.message
            if unrecorded is not None:  # the pass stopped: record, look nothing up
                unrecorded.stop = True
                self._settle(unrecorded, record(self.ctx, self.backoff, unrecorded.outcomes),
                             lanes, stats)
        return stats

    def _claim(self, lanes: Lanes, stats: PushStats, max_sends: int | None) -> "_Batch | None":
        """The next batch of lane heads that are due, claimed; None: nothing to do."""
        while lanes:
            room = self._size if max_sends is None else min(self._size, max_sends - stats.sent)
            if room <= 0:
                return None
            ops = []
            now = self.ctx.now()
            for op in lanes.take(room):
                if op.state != "pending":
                    lanes.hold(op.aggregate)  # a conflict holds back its aggregate
                elif op.due is not None and op.due > now:
                    stats.waiting += 1
                    lanes.hold(op.aggregate)
                else:
                    ops.append(op)
            if not ops:
                continue
            claimed, other = claim(self.ctx, [op.id for op in ops])
            batch = _Batch(claimed)
            for op in ops:
                why = other.get(op.id)
                if why == "gone":  # cancelled or resolved since the pass began
                    lanes.advance(op.aggregate)
                elif why == "deferred":
                    stats.deferred += 1
                    lanes.park(op.aggregate)
                elif why is not None:
                    batch.lookups.append((op, why))
            return batch
        return None

    def _send(self, batch: "_Batch", stats: PushStats) -> None:
        """The claimed requests, up to the pacer's window at once (each is the head
        of its own lane, so no two belong to the same invoice or customer), over
        the gateway's pooled connections. Outcomes are kept in claimed order."""
        started = time.monotonic()
        claimed = batch.claimed
        results: list = [None] * len(claimed)  # None: never sent
        lock = threading.Lock()
        todo = iter(range(len(claimed)))

        def stopped() -> bool:
            return batch.stop

        def one(i: int) -> None:
            c = claimed[i]
            if not self.pacer.acquire(stopped):
                return
            with lock:
                if batch.stop:  # the pass stopped while this one waited
                    self.pacer.release("unsent")
                    return
                stats.sent += 1
            how = "ok"
            try:
                data = self.gw.send(c.method, c.path, c.body, c.key)
            except AuthFailed as err:
                with lock:
                    stats.auth_error = err.message
                    batch.stop = True
                    results[i] = ("auth", err)  # sent and refused: nothing recorded
            except Unavailable as err:
                with lock:
                    results[i] = Outcome(c, "retry", error=err)
                    if err.status == 429:
                        how = "throttled"
                        self.pacer.throttled(err.retry_after)
                        batch.stop = True
                    elif err.status == 0:
                        how = "network"
                        self._failures += 1
                        if self._failures >= max(OFFLINE_AFTER, int(self.pacer.window)):
                            self.pacer.offline()
                            stats.offline = batch.stop = True
                    else:
                        how = "failed"
            except Refused as err:
                with lock:
                    self._failures = 0
                    results[i] = ("refused", err)
            else:
                with lock:
                    self._failures = 0
                    results[i] = Outcome(c, "done", data=data)
            finally:
                self.pacer.release(how)

        def worker() -> None:
            while True:
                with lock:
                    i = None if batch.stop else next(todo, None)
                if i is None:
                    return
                one(i)

        workers = min(self.pacer.limit, len(claimed))
        if workers <= 1:
            worker()
        else:
            list(self._pool.map(lambda _: worker(), range(workers)))
        sends = 0
        for c, r in zip(claimed, results):
            if r is None:
                batch.outcomes.append(Outcome(c, "unsent"))
            elif isinstance(r, tuple):
                sends += 1
                if r[0] == "refused":
                    batch.refusals.append((c, r[1]))
            else:
                sends += 1
                batch.outcomes.append(r)
        if sends and not batch.stop:
            per_send = (time.monotonic() - started) / sends
            size = max(1, min(BATCH_MAX, int(BATCH_SECONDS / max(per_send, 1e-4))))
            w = self.pacer.limit
            self._size = min(BATCH_MAX, max(size, 4 * w) // w * w)  # whole windows

    def _settle(self, batch: "_Batch", waits: dict[int, float], lanes: Lanes,
                stats: PushStats) -> bool:
        """A batch's answers are recorded: move its lanes on, then what the batch
        left for the main thread (refusals, customers to look up). True: stop."""
        progress = False
        answering = any(o.kind == "done" for o in batch.outcomes)
        for o in batch.outcomes:
            c = o.claimed
            if o.kind == "done":
                stats.done += 1
                progress = True
                lanes.advance(c.aggregate)
            elif o.kind == "retry":
                stats.retried += 1
                log.info("Plugipay did not take operation %s: %s (next try in %.1f s)",
                         c.op_id, o.error.message, waits[c.op_id])
                if o.error.status == 429:
                    stats.retry_after = waits[c.op_id]
                    lanes.hold(c.aggregate)
                elif (answering and not batch.stop
                      and self._resent.get(c.op_id, 0) < RESEND_IN_PASS):
                    # A lost answer or a 500 while Plugipay answers the others: try
                    # again in this pass (same key, same bytes), a few times, then backoff.
                    self._resent[c.op_id] = self._resent.get(c.op_id, 0) + 1
                    lanes.again(c.aggregate)
                else:
                    lanes.hold(c.aggregate)
            else:
                lanes.hold(c.aggregate)
        stop = batch.stop
        for c, err in batch.refusals:
            outcome = self._refused(c.op_id, err, stats)
            if outcome == "refused" and c.operation not in CREATIONS:
                lanes.advance(c.aggregate)  # settled; the next of its invoice may go
            else:
                lanes.hold(c.aggregate)
                stop = self._stops(outcome, stats) or stop
        if progress:
            lanes.unpark()
        self._report_progress(stats)
        for op, customer_id in batch.lookups:
            if stop:
                lanes.hold(op.aggregate)
                continue
            try:
                self._ensure_customer(customer_id)
            except Defer:
                stats.deferred += 1
                lanes.park(op.aggregate)
                continue
            except Unavailable as err:
                lanes.hold(op.aggregate)
                stop = self._stops(self._reschedule(op.id, err, stats), stats)
                continue
            lanes.again(op.aggregate)
        return stop

    def _report_progress(self, stats: PushStats) -> None:
        if self.on_progress is None or not self._total:
            return
        try:
            self.on_progress(DrainProgress(self._total, min(self._total, stats.done + stats.refused),
                                           time.monotonic() - self._started))
        except Exception:  # a display bug must not stop the pass
            log.exception("sync progress callback failed")

    def _stops(self, outcome: str, stats: PushStats) -> bool:
        """After an outcome outside a batch's sends: does the pass stop?"""
        if outcome == "rate_limited":
            return True
        if outcome == "network":
            self._failures += 1
            if self._failures >= OFFLINE_AFTER:
                stats.offline = True
                return True
        return False

    # ── a customer the queue does not create ──────────────────────
    def _ensure_customer(self, customer_id: int) -> None:
        """A customer with no queued create (made before sync, or a create a manager
        dismissed): find it by externalId, else create it under a stable key."""
        with self.ctx.store.reader() as uow:
            c = uow.session.get(Customer, customer_id)
            body = customer_body({"name": c.name, "email": c.email, "phone": c.phone,
                                  "taxId": c.tax_id}, c.id, create=True)
            key = f"kasir_customer_{c.id}_{int(c.created_at.timestamp())}"
        found = self.gw.find_customer(str(customer_id))
        if found is None:
            try:
                found = self.gw.send("POST", "/api/v1/customers", compact(body), key)
            except Refused:
                raise Defer() from None
        with self.ctx.store.unit_of_work() as uow:
            c = uow.session.get(Customer, customer_id)
            if not c.plugipay_id:
                c.plugipay_id = found["id"]
            uow.commit()

    # ── outcomes ──────────────────────────────────────────────────
    def _reschedule(self, op_id: int, err: Unavailable, stats: PushStats) -> str:
        stats.retried += 1
        with self.ctx.store.unit_of_work() as uow:
            op = uow.session.get(OutboxOperation, op_id)
            wait = err.retry_after if err.retry_after is not None else self.backoff.delay(
                max(1, op.attempts))
            op.next_attempt_at = self.ctx.now() + timedelta(seconds=wait)
            op.last_error = err.message[:1000]
            uow.commit()
        log.info("Plugipay did not take operation %s: %s (next try in %.1f s)",
                 op_id, err.message, wait)
        if err.status == 429:
            stats.retry_after = wait
            return "rate_limited"
        return "network" if err.status == 0 else "retry"

    def _refused(self, op_id: int, err: Refused, stats: PushStats) -> str:
        remote = None
        with self.ctx.store.reader() as uow:
            op = uow.session.get(OutboxOperation, op_id)
            operation, invoice_id = op.operation, op.payload.get("invoiceId")
            inv = uow.session.get(Invoice, invoice_id) if invoice_id else None
            plugipay_id = inv.plugipay_id if inv else None
        if operation in ("invoice.pay", "invoice.void") and plugipay_id and err.status == 409:
            try:
                remote = self.gw.get_invoice(plugipay_id)
            except Unavailable as e2:  # learn Plugipay's state first; try again later
                return self._reschedule(op_id, e2, stats)
        stats.refused += 1
        stats.errors.append(f"{operation}: {err.message}")
        with self.ctx.store.unit_of_work() as uow:
            s = uow.session
            op = s.get(OutboxOperation, op_id)
            if remote is not None:
                refuse_invoice_action(s, self.ctx, op, s.get(Invoice, invoice_id), remote,
                                      err.code, err.message)
            else:
                refuse_operation(s, self.ctx, op, err.code, err.message, err.status)
            s.flush()
            if invoice_id:
                refresh_invoice_state(s, invoice_id)
            uow.commit()
        return "refused"


@contextmanager
def _prompt_gil_handoff(seconds: float = 0.0005):
    """While a pass records in the background, an answer that arrives would
    wait for the recorder to give up the GIL: up to the 5 ms switch interval
    per request, more than the request itself takes. A shorter interval for the
    pass's length (restored after) hands it over promptly; other threads, the
    UI's among them, only gain from it."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, seconds))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


@dataclass
class _Batch:
    claimed: list[Claimed]
    outcomes: list[Outcome] = field(default_factory=list)
    refusals: list = field(default_factory=list)  # (Claimed, Refused)
    lookups: list = field(default_factory=list)   # (QueuedOp, customer id)
    stop: bool = False                            # the pass ends after this batch
