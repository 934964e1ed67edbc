"""The outbox sender: delivers queued operations to Plugipay, at least once,
in order per invoice (or customer), with backoff and jitter.

- Each operation's request (method, path, exact body) is stored before its
  first send; every retry resends those bytes with the operation's stored
  idempotency key, so a lost response never makes a second invoice.
- One failing operation holds back only the later operations of its own
  aggregate; the rest of the queue moves on.
- 429 pauses the whole sender for `Retry-After`; a network that is down ends
  the pass early instead of timing out once per queued sale.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from app.services.audit import record_history
from app.services.context import Context
from app.store.models import Customer, Invoice, OutboxOperation
from app.store.sync_models import InvoiceEmail, OutboxRequest

from .conflicts import UNFINISHED, refresh_invoice_state
from .gateway import AuthFailed, Gateway, Refused, Unavailable, compact
from .mapping import apply_remote, customer_body, invoice_body
from .refusals import refuse_invoice_action, refuse_operation

log = logging.getLogger("kasir.sync")
OFFLINE_AFTER = 3  # network failures in a row that mean "offline", not "a hiccup"


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


class _Defer(Exception):
    pass


class Sender:
    def __init__(self, ctx: Context, gateway: Gateway, backoff: Backoff | None = None):
        self.ctx = ctx  # operator "plugipay"
        self.gw = gateway
        self.backoff = backoff or Backoff()

    # ── the queue ─────────────────────────────────────────────────
    def _heads(self) -> list[tuple[int, str]]:
        """(first unfinished op id, aggregate), oldest first."""
        with self.ctx.store.reader() as uow:
            rows = uow.session.execute(
                select(OutboxOperation.id, OutboxOperation.aggregate)
                .where(OutboxOperation.state.in_(UNFINISHED)).order_by(OutboxOperation.id)).all()
        heads: dict[str, int] = {}
        for op_id, agg in rows:
            heads.setdefault(agg, op_id)
        return sorted((i, a) for a, i in heads.items())

    def _first(self, aggregate: str) -> tuple[int, str, object] | None:
        with self.ctx.store.reader() as uow:
            op = uow.session.execute(
                select(OutboxOperation).where(OutboxOperation.aggregate == aggregate,
                                              OutboxOperation.state.in_(UNFINISHED))
                .order_by(OutboxOperation.id).limit(1)).scalar_one_or_none()
            return None if op is None else (op.id, op.state, op.next_attempt_at)

    def push(self, *, max_sends: int | None = None) -> PushStats:
        stats = PushStats()
        network_failures = 0
        for _, aggregate in self._heads():
            while True:
                head = self._first(aggregate)
                if head is None or head[1] != "pending":
                    break  # finished, or held back by a conflict
                op_id, _, due = head
                if due is not None and due > self.ctx.now():
                    stats.waiting += 1
                    break
                if max_sends is not None and stats.sent >= max_sends:
                    return stats
                try:
                    outcome = self._process(op_id, stats)
                except AuthFailed as err:
                    stats.auth_error = err.message
                    return stats
                if outcome == "network":
                    network_failures += 1
                    if network_failures >= OFFLINE_AFTER:
                        stats.offline = True
                        return stats
                    break
                network_failures = 0 if outcome in ("done", "refused") else network_failures
                if outcome == "rate_limited":
                    return stats
                if outcome not in ("done", "refused"):
                    break
        return stats

    # ── one operation ─────────────────────────────────────────────
    def _process(self, op_id: int, stats: PushStats) -> str:
        try:
            req = self._prepare(op_id)
        except _Defer:
            stats.deferred += 1
            return "deferred"
        except Unavailable as err:  # while looking up a customer
            return self._reschedule(op_id, err, stats)
        if req is None:
            return "gone"
        method, path, body, key, operation = req
        stats.sent += 1
        try:
            data = self.gw.send(method, path, body, key)
        except Unavailable as err:
            return self._reschedule(op_id, err, stats)
        except Refused as err:
            return self._refused(op_id, err, stats)
        self._accepted(op_id, data)
        stats.done += 1
        return "done"

    def _prepare(self, op_id: int):
        """The stored request, built and stored first if this is the first send."""
        for _ in range(2):
            with self.ctx.store.unit_of_work() as uow:
                s = uow.session
                op = s.get(OutboxOperation, op_id)
                if op is None or op.state != "pending":
                    return None
                req = s.get(OutboxRequest, op_id)
                if req is None:
                    built = self._build(s, op)
                    if isinstance(built, str):  # a customer to look up first
                        customer_id = int(built)
                    else:
                        method, path, body = built
                        req = OutboxRequest(outbox_id=op.id, method=method, path=path,
                                            body=compact(body), first_sent_at=self.ctx.now(),
                                            last_sent_at=self.ctx.now(), sends=0)
                        s.add(req)
                if req is not None:
                    req.sends += 1
                    req.last_sent_at = self.ctx.now()
                    op.attempts += 1
                    out = (req.method, req.path, req.body, op.idempotency_key, op.operation)
                    uow.commit()
                    return out
            self._ensure_customer(customer_id)
        raise _Defer()

    def _build(self, s, op: OutboxOperation):
        p = op.payload
        if op.operation == "customer.create":
            return "POST", "/api/v1/customers", customer_body(p, p["customerId"], create=True)
        if op.operation == "customer.update":
            c = s.get(Customer, p["customerId"])
            if c is None or not c.plugipay_id:
                raise _Defer()
            return "PATCH", f"/api/v1/customers/{c.plugipay_id}", customer_body(
                p, c.id, create=False)
        inv = s.get(Invoice, p["invoiceId"])
        if op.operation == "invoice.issue":
            c = s.get(Customer, p["customerId"])
            if not c.plugipay_id:
                waiting = s.execute(select(OutboxOperation.id).where(
                    OutboxOperation.aggregate == f"customer:{c.id}",
                    OutboxOperation.state.in_(UNFINISHED)).limit(1)).first()
                if waiting:
                    raise _Defer()
                return str(c.id)
            return "POST", "/api/v1/invoices", invoice_body(p, c.plugipay_id)
        if inv is None or not inv.plugipay_id:
            raise _Defer()
        base = f"/api/v1/invoices/{inv.plugipay_id}"
        if op.operation == "invoice.pay":
            return "POST", f"{base}/pay", {}
        if op.operation == "invoice.void":
            return "POST", f"{base}/void", {}
        if op.operation == "invoice.send_email":
            return "POST", f"{base}/send-email", ({"to": p["to"]} if p.get("to") else {})
        raise ValueError(f"unknown outbox operation {op.operation}")

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
                raise _Defer() from None
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

    def _accepted(self, op_id: int, data) -> None:
        with self.ctx.store.unit_of_work() as uow:
            s = uow.session
            op = s.get(OutboxOperation, op_id)
            p = op.payload
            if op.operation == "customer.create":
                c = s.get(Customer, p["customerId"])
                if c is not None and not c.plugipay_id:
                    c.plugipay_id = data["id"]
            elif op.operation in ("invoice.issue", "invoice.pay") and isinstance(data, dict):
                inv = s.get(Invoice, p["invoiceId"])
                apply_remote(s, self.ctx, inv, data)
            elif op.operation == "invoice.send_email":
                mail = s.execute(select(InvoiceEmail).where(
                    InvoiceEmail.idempotency_key == op.idempotency_key)).scalar_one_or_none()
                to = (data or {}).get("to") or p.get("to") or ""
                if mail is not None:
                    mail.sent_at, mail.sent_to = self.ctx.now(), to
                record_history(s, self.ctx, "invoice", p["invoiceId"], "email_sent", None,
                               {"to": to}, f"Emailed to {to} by Plugipay")
            op.state, op.done_at, op.last_error = "done", self.ctx.now(), ""
            s.flush()
            if op.aggregate.startswith("invoice:"):
                refresh_invoice_state(s, int(op.aggregate.split(":")[1]))
            uow.commit()

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
