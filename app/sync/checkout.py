"""Collect by QR through Plugipay checkout sessions (issue 16): the network half.

`QrCollector` creates the session (with the collection's stored key and body,
so a lost answer is resent, never doubled), polls it while the cashier waits,
cancels it, and for the manual adapter confirms the buyer's claim. When
Plugipay says the session is completed, `settle` pays the invoice in one
transaction that also marks the collection: a second sighting (the poller and
the events feed, a restart) finds the mark and does nothing. A session paid
after the invoice stopped being payable becomes a conflict: refund the buyer.

`on_checkout_event` is the puller's hook for `plugipay.checkout_session.*`
events, so a session paid after the cashier gave up is never lost.
"""

from __future__ import annotations

import logging
import time
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.errors import ConflictError, KasirError
from app.domain.labels import status_label
from app.i18n import _
from app.services import qr_collect
from app.services.context import Context
from app.services.invoices import load_invoice
from app.services.qr_collect import QrRecord
from app.store.checkout_models import QrCollection

from .conflicts import record_conflict
from .gateway import AuthFailed, Gateway, GatewayError, Refused, Unavailable

log = logging.getLogger("kasir.sync")
SESSIONS = "/api/v1/checkout-sessions"
POLL_INTERVAL = 2.0
OFFLINE = "offline"


class QrUnavailable(KasirError):
    """QR cannot be offered now (offline, no key): say why; cash and card still work."""

    code = OFFLINE


def _unavailable(err: GatewayError) -> QrUnavailable:
    if isinstance(err, AuthFailed):
        return QrUnavailable(_("QR payment is unavailable: Plugipay refused the till's key "
                               "({reason}). Take cash or card, and check the key in Settings.",
                               reason=err.message))
    return QrUnavailable(_("QR payment is unavailable: Plugipay cannot be reached ({reason}). "
                           "Take cash or card.", reason=err.message))


def settle_in(s: Session, ctx: Context, row: QrCollection, remote: dict) -> str:
    """The session is completed: pay its invoice, or record the late payment as a
    conflict. Inside the caller's transaction; returns the row's outcome.

    The row is locked and read again first: the poller and the puller (two threads,
    or two tills on PostgreSQL) may both see the session paid; the second finds the
    mark and does nothing, rather than taking the paid invoice for a late payment."""
    row = s.execute(select(QrCollection).where(QrCollection.id == row.id).with_for_update()
                    .execution_options(populate_existing=True)).scalar_one()
    qr_collect.apply_remote_in(s, ctx, row, remote)
    if row.outcome:
        return row.outcome
    if qr_collect.pay_in(s, ctx, row) is not None:
        log.info("QR session %s paid invoice %s", row.session_id, row.invoice_id)
        return row.outcome
    inv_status = load_invoice(s, row.invoice_id).status
    qr_collect.mark_late(row, ctx.now())
    record_conflict(
        s, ctx, aggregate=f"invoice:{row.invoice_id}", operation="qr_collect",
        kind="qr_paid_late",
        message=_("The customer paid {amount} by QR (session {session}) after the invoice was "
                  "already {status}. Refund the customer through Plugipay, then mark this dealt "
                  "with.", amount=row.amount, session=row.session_id,
                  status=status_label(inv_status)),
        local_state={"status": inv_status},
        remote_state={"session": row.session_id, "status": "completed", "amount": row.amount})
    return row.outcome


def on_checkout_event(s: Session, ctx: Context, data: dict) -> int | None:
    """The puller's hook: a session event. Returns the invoice id it changed, if any."""
    row = qr_collect.find_in_session(s, data)
    if row is None:
        return None  # a session another system opened: not the till's business
    if data.get("status") == "completed":
        settle_in(s, ctx, row, data)
        return row.invoice_id
    if not row.outcome:
        qr_collect.apply_remote_in(s, ctx, row, data)
    return None


class QrCollector:
    """One cashier's QR collections. Network calls happen outside transactions."""

    def __init__(self, ctx: Context, gateway: Gateway):
        self.ctx = ctx
        self.gw = gateway

    # ── the session on Plugipay ───────────────────────────────────
    def start(self, ref, *, expires_in: int = qr_collect.DEFAULT_EXPIRY) -> QrRecord:
        """Create (or reuse) the session for the invoice's amount due."""
        rec = qr_collect.begin(self.ctx, ref, expires_in=expires_in)
        if rec.status != "creating":
            return self.refresh(rec.id)
        key, body = qr_collect.request_of(self.ctx, rec.id)
        try:
            remote = self.gw.send("POST", SESSIONS, body, key)
        except (Unavailable, AuthFailed) as err:
            raise _unavailable(err) from None
        except Refused as err:
            raise ConflictError(_("Plugipay refused the QR session: {reason}",
                                  reason=err.message)) from None
        return qr_collect.record_remote(self.ctx, rec.id, remote)

    def _remote(self, rec: QrRecord) -> dict | None:
        if rec.session_id is None:  # the create's answer was lost: resend, same key and bytes
            key, body = qr_collect.request_of(self.ctx, rec.id)
            return self.gw.send("POST", SESSIONS, body, key)
        return self.gw.get(f"{SESSIONS}/{rec.session_id}")

    def refresh(self, collection_id: int) -> QrRecord:
        """Ask Plugipay how the session stands, and act on it (paid: settle)."""
        rec = qr_collect.get(self.ctx, collection_id)
        if rec.outcome:
            return rec
        try:
            remote = self._remote(rec)
        except Unavailable as err:
            log.info("QR session %s: no answer (%s); asking again", rec.session_id, err.message)
            return rec
        return self._take(collection_id, remote)

    def _take(self, collection_id: int, remote: dict) -> QrRecord:
        if remote.get("status") == "completed":
            return self.settle(collection_id, remote)
        if remote.get("status") in ("expired", "canceled", "failed"):
            return qr_collect.close(self.ctx, collection_id, remote["status"], remote)
        return qr_collect.record_remote(self.ctx, collection_id, remote)

    def settle(self, collection_id: int, remote: dict) -> QrRecord:
        with self.ctx.store.unit_of_work() as uow:
            row = uow.session.get(QrCollection, collection_id)
            settle_in(uow.session, self.ctx, row, remote)
            uow.commit()
        return qr_collect.get(self.ctx, collection_id)

    def _post(self, rec: QrRecord, action: str) -> QrRecord:
        key, _body = qr_collect.request_of(self.ctx, rec.id)
        try:
            remote = self.gw.send("POST", f"{SESSIONS}/{rec.session_id}/{action}", "{}",
                                  f"{key}_{action}")
        except Refused:
            return self.refresh(rec.id)  # it moved on meanwhile (paid, expired): see how
        except (Unavailable, AuthFailed) as err:
            raise _unavailable(err) from None
        return self._take(rec.id, remote)

    def cancel(self, collection_id: int) -> QrRecord:
        """The cashier gives up: cancel on Plugipay. If the buyer paid in the
        meantime, the payment wins and the invoice is paid."""
        rec = qr_collect.get(self.ctx, collection_id)
        if rec.finished:
            return rec
        if rec.session_id is None:
            rec = self.refresh(collection_id)
            if rec.session_id is None:
                return qr_collect.close(self.ctx, collection_id, "canceled")
        return self._post(rec, "cancel")

    def confirm(self, collection_id: int) -> QrRecord:
        """Manual adapter: the cashier saw the money (the buyer's proof): confirm, then pay."""
        rec = qr_collect.get(self.ctx, collection_id)
        if rec.outcome:
            return rec
        if rec.status != "pending_review":
            raise ConflictError(_("There is no claim from the customer to confirm yet."))
        return self._post(rec, "confirm")

    def refuse(self, collection_id: int) -> QrRecord:
        """Manual adapter: the money did not arrive: the session is canceled."""
        return self.cancel(collection_id)

    # ── waiting at the counter ────────────────────────────────────
    def wait(self, collection_id: int, timeout: float, *, interval: float = POLL_INTERVAL,
             sleep: Callable[[float], None] = time.sleep,
             on_update: Callable[[QrRecord], None] | None = None) -> QrRecord:
        """Poll until the session is paid, claimed (manual: the cashier decides),
        ended, or `timeout` seconds have passed."""
        deadline = time.monotonic() + timeout
        while True:
            rec = self.refresh(collection_id)
            if on_update is not None:
                on_update(rec)
            if rec.finished or rec.status == "pending_review":
                return rec
            left = deadline - time.monotonic()
            if left <= 0:
                return rec
            sleep(min(interval, left))
