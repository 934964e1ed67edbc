"""The two write transactions of a batch of outbox operations.

`claim`, before anything is sent: for every operation still pending, its
request (method, path, exact body) is stored on its first send, and
`attempts` goes up: the in-flight marker (app/reconcile/undo.py allows an undo
only while a payment's operation has `attempts == 0`). One commit for the
whole batch instead of one per operation.

`record`, after the batch was sent: what Plugipay answered, all in one
commit: done (ids and numbers stored back, history, linked into the chain in
one go), rescheduled (backoff or Retry-After; at most HEALTHY_RETRY when the
rest of the batch went through), or never sent after all (the marker taken
back).

Why a crash anywhere in between is safe: every request carries its
operation's stored idempotency key and stored bytes, and Plugipay replays the
first response for a repeat. An operation whose answer was never recorded is
still pending and simply sent again, byte for byte; the marker of one that was
claimed and never sent stays up, which only refuses an undo that would have
been safe (never the other way round).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.i18n import _
from app.services.audit import record_history
from app.store.history_chain import linked_in_bulk
from app.store.models import Customer, Invoice, OutboxOperation
from app.store.sync_models import InvoiceEmail, OutboxRequest

from .conflicts import UNFINISHED, refresh_invoice_states
from .gateway import compact
from .mapping import apply_remote, customer_body, invoice_body
from .refund_sync import OPERATION as REFUND, accepted as refund_accepted, refund_body


# A send that failed while Plugipay answered the rest of its batch (a lost answer
# on a flaky link, a stray 500) is tried again this soon at most; the backoff's
# growing waits are for a Plugipay that answers nothing.
HEALTHY_RETRY = 1.0


class Defer(Exception):
    """The operation waits on another (its customer is not on Plugipay yet)."""


@dataclass(frozen=True)
class Claimed:
    op_id: int
    aggregate: str
    operation: str
    method: str
    path: str
    body: str
    key: str


@dataclass(frozen=True)
class Outcome:
    claimed: Claimed
    kind: str               # done | retry | unsent
    data: object = None     # Plugipay's answer (done)
    error: object = None    # the gateway's Unavailable (retry)


def _preload(s, ops: list[OutboxOperation]) -> list:
    """Load, in a few queries, the rows that building and recording touch, so
    that `s.get` finds them in the identity map instead of a query each. (The
    caller keeps the returned list: the identity map holds rows weakly.)"""
    invoice_ids = {op.payload.get("invoiceId") for op in ops} - {None}
    customer_ids = {op.payload.get("customerId") for op in ops} - {None}
    rows: list = []
    if invoice_ids:
        rows += s.execute(select(Invoice).where(Invoice.id.in_(invoice_ids))
                          .options(selectinload(Invoice.lines))).scalars().all()
    if customer_ids:
        rows += s.execute(select(Customer).where(Customer.id.in_(customer_ids))).scalars().all()
    return rows


def _load_ops(s, ids: list[int]) -> dict[int, OutboxOperation]:
    ops = s.execute(select(OutboxOperation).where(OutboxOperation.id.in_(ids))).scalars().all()
    return {op.id: op for op in ops}


def _load_requests(s, ids: list[int]) -> dict[int, OutboxRequest]:
    reqs = s.execute(select(OutboxRequest).where(OutboxRequest.outbox_id.in_(ids))).scalars()
    return {r.outbox_id: r for r in reqs}


def build_request(s, op: OutboxOperation):
    """(method, path, body) for an operation's first send; a customer id (str)
    when its customer must be looked up or created first; `Defer` when it
    waits on another queued operation."""
    p = op.payload
    if op.operation == "customer.create":
        return "POST", "/api/v1/customers", customer_body(p, p["customerId"], create=True)
    if op.operation == "customer.update":
        c = s.get(Customer, p["customerId"])
        if c is None or not c.plugipay_id:
            raise Defer()
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
                raise Defer()
            return str(c.id)
        return "POST", "/api/v1/invoices", invoice_body(p, c.plugipay_id)
    if inv is None or not inv.plugipay_id:
        raise Defer()
    base = f"/api/v1/invoices/{inv.plugipay_id}"
    if op.operation == "invoice.pay":
        return "POST", f"{base}/pay", {}
    if op.operation == "invoice.void":
        return "POST", f"{base}/void", {}
    if op.operation == "invoice.send_email":
        return "POST", f"{base}/send-email", ({"to": p["to"]} if p.get("to") else {})
    if op.operation == REFUND:
        return "POST", "/api/v1/refunds", refund_body(p, inv.plugipay_id)
    raise ValueError(f"unknown outbox operation {op.operation}")


def claim(ctx, op_ids: list[int]) -> tuple[list[Claimed], dict[int, object]]:
    """One write transaction. Returns the claimed requests (in the order given)
    and, for the rest, why not: "gone" (no longer pending), "deferred", or the
    id of a customer to look up first."""
    claimed: list[Claimed] = []
    other: dict[int, object] = {}
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        ops = _load_ops(s, op_ids)
        reqs = _load_requests(s, op_ids)
        rows = _preload(s, [op for op in ops.values() if op.id not in reqs])  # noqa: F841
        now = ctx.now()
        # Plugipay numbers invoices as it gets them: once an issue must wait for a
        # customer that this batch creates (or looks up), the later issues of the
        # batch wait with it, so Plugipay's numbers keep the till's order. (Only
        # then: one held back for longer never holds up the others.)
        issues_wait = False
        for op_id in op_ids:
            op = ops.get(op_id)
            if op is None or op.state != "pending":
                other[op_id] = "gone"
                continue
            if issues_wait and op.operation == "invoice.issue":
                other[op_id] = "deferred"
                continue
            req = reqs.get(op_id)
            if req is None:
                try:
                    built = build_request(s, op)
                except Defer:
                    other[op_id] = "deferred"
                    if op.operation == "invoice.issue" and any(
                            c.aggregate == f"customer:{op.payload['customerId']}"
                            for c in claimed):
                        issues_wait = True
                    continue
                if isinstance(built, str):
                    other[op_id] = int(built)
                    issues_wait = True
                    continue
                method, path, body = built
                req = OutboxRequest(outbox_id=op.id, method=method, path=path,
                                    body=compact(body), first_sent_at=now, last_sent_at=now,
                                    sends=0)
                s.add(req)
            req.sends += 1
            req.last_sent_at = now
            op.attempts += 1
            claimed.append(Claimed(op.id, op.aggregate, op.operation, req.method, req.path,
                                   req.body, op.idempotency_key))
        uow.commit()
    return claimed, other


def _accepted(s, ctx, op: OutboxOperation, data) -> None:
    p = op.payload
    if op.operation == "customer.create":
        c = s.get(Customer, p["customerId"])
        if c is not None and not c.plugipay_id:
            c.plugipay_id = data["id"]
    elif op.operation in ("invoice.issue", "invoice.pay") and isinstance(data, dict):
        inv = s.get(Invoice, p["invoiceId"])
        apply_remote(s, ctx, inv, data)
    elif op.operation == REFUND:
        refund_accepted(s, op, data)
    elif op.operation == "invoice.send_email":
        mail = s.execute(select(InvoiceEmail).where(
            InvoiceEmail.idempotency_key == op.idempotency_key)).scalar_one_or_none()
        to = (data or {}).get("to") or p.get("to") or ""
        if mail is not None:
            mail.sent_at, mail.sent_to = ctx.now(), to
        record_history(s, ctx, "invoice", p["invoiceId"], "email_sent", None,
                       {"to": to}, _("Emailed to {to} by Plugipay", to=to))
    op.state, op.done_at, op.last_error = "done", ctx.now(), ""


def record(ctx, backoff, outcomes: list[Outcome]) -> dict[int, float]:
    """One write transaction for a sent batch. Returns, for each rescheduled
    operation, the seconds until its next try."""
    waits: dict[int, float] = {}
    if not outcomes:
        return waits
    ids = [o.claimed.op_id for o in outcomes]
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        ops = _load_ops(s, ids)
        rows = _preload(s, [ops[o.claimed.op_id] for o in outcomes if o.kind == "done"])  # noqa: F841
        unsent = [i for o in outcomes if o.kind == "unsent" for i in [o.claimed.op_id]]
        reqs = _load_requests(s, unsent) if unsent else {}
        touched: set[int] = set()
        now = ctx.now()
        answering = any(o.kind == "done" for o in outcomes)
        with linked_in_bulk(s):  # the batch's history entries: linked in one go
            for o in outcomes:
                op = ops[o.claimed.op_id]
                if o.kind == "done":
                    _accepted(s, ctx, op, o.data)
                elif o.kind == "retry":
                    err = o.error
                    wait = err.retry_after if err.retry_after is not None else backoff.delay(
                        max(1, op.attempts))
                    if answering and err.retry_after is None:
                        wait = min(wait, HEALTHY_RETRY)  # one failed, the others went through
                    op.next_attempt_at = now + timedelta(seconds=wait)
                    op.last_error = err.message[:1000]
                    waits[op.id] = wait
                else:  # claimed, then the batch stopped before its turn: it never left
                    op.attempts = max(0, op.attempts - 1)
                    req = reqs.get(op.id)
                    if req is not None:
                        req.sends = max(0, req.sends - 1)
                        if req.sends == 0:
                            s.delete(req)  # stored for a send that never happened
                if op.aggregate.startswith("invoice:"):
                    touched.add(int(op.aggregate.split(":")[1]))
            refresh_invoice_states(s, touched)  # before the flush: one UPDATE per invoice
        uow.commit()
    return waits
