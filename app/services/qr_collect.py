"""Collect by QR (issue 16), the till's side without the network: the collection
row written before Plugipay is asked for a checkout session, what Plugipay said
of it, and paying the invoice when the session is paid — exactly once.

The network half (create, poll, cancel, confirm; the events feed) is
app/sync/checkout.py. The row's idempotency key and request body are fixed in
`begin`, before any send: a lost answer is resent with the same key and the
same bytes, so Plugipay never opens a second session for one collection.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.errors import ConflictError, NotFoundError, ValidationError
from app.domain.lifecycle import Status, effective_status
from app.domain.records import iso
from app.i18n import _
from app.store.checkout_models import QrCollection
from app.store.models import Customer, Invoice, Payment, Receipt

from .audit import record_history
from .context import Context
from .invoices import PaymentInput, load_invoice, pay_in_session
from .mappers import receipt_record

DEFAULT_EXPIRY = 300  # seconds a counter QR stays payable
MIN_EXPIRY, MAX_EXPIRY = 30, 24 * 3600
LIVE = ("creating", "open", "pending_review")
ENDED = ("completed", "expired", "canceled", "failed")
# Reuse a live session only if the buyer still has this long to pay it.
REUSE_MARGIN = timedelta(seconds=20)
PAYABLE = (Status.OPEN.value, Status.PAST_DUE.value)
REMOTE_STATUSES = ("open", "pending", "pending_review", "completed", "failed", "expired",
                   "canceled")


@dataclass(frozen=True)
class QrRecord:
    id: int
    invoice_id: int
    session_id: str | None
    status: str
    amount: int
    currency: str
    adapter: str
    hosted_url: str
    qr_payload: str
    proof_url: str
    expires_at: datetime | None
    outcome: str  # "" | paid | conflict
    receipt_number: str | None = None
    charge_id: str = ""  # Plugipay's charge (paymentId) once paid: a refund names it

    @property
    def finished(self) -> bool:
        return bool(self.outcome) or self.status in ("expired", "canceled", "failed")

    @property
    def paid(self) -> bool:
        return self.outcome == "paid"

    def seconds_left(self, now: datetime) -> int:
        if self.expires_at is None:
            return 0
        return max(0, int((self.expires_at - now).total_seconds()))

    def to_json(self) -> dict:
        return {"id": self.id, "invoiceId": self.invoice_id, "sessionId": self.session_id,
                "status": self.status, "amount": self.amount, "currency": self.currency,
                "adapter": self.adapter or None, "url": self.hosted_url or None,
                "qrPayload": self.qr_payload or None, "expiresAt": iso(self.expires_at),
                "claimed": bool(self.proof_url), "outcome": self.outcome or None,
                "receipt": self.receipt_number, "chargeId": self.charge_id or None}


def _record(s: Session, row: QrCollection) -> QrRecord:
    number = None
    if row.payment_id is not None:
        number = s.execute(select(Receipt.number).where(
            Receipt.payment_id == row.payment_id)).scalar_one_or_none()
    return QrRecord(row.id, row.invoice_id, row.session_id, row.status, row.amount, row.currency,
                    row.adapter, row.hosted_url, row.qr_payload, row.proof_url, row.expires_at,
                    row.outcome, number, row.charge_id)


def _body(s: Session, inv: Invoice, key: str, due: int, expires_in: int) -> str:
    """The create request, in the SDK's compact JSON (sent byte for byte, every time)."""
    customer = s.get(Customer, inv.customer_id)
    body = {
        "amount": due, "currency": inv.currency, "methods": ["qris"],
        "successUrl": "kasir://qr/paid", "cancelUrl": "kasir://qr/canceled",
        "lineItems": [{"name": line.description, "quantity": line.quantity,
                       "unitAmount": line.unit_amount} for line in inv.lines],
        "expiresInSec": expires_in,
        "metadata": {"kasirInvoiceId": str(inv.id), "kasirLocalNumber": inv.local_number or "",
                     "plugipayInvoiceId": inv.plugipay_id or "", "kasirQrKey": key},
    }
    if customer is not None and customer.plugipay_id:
        body["customerId"] = customer.plugipay_id
    return json.dumps(body, separators=(",", ":"))


def _live(s: Session, inv: Invoice, due: int, now: datetime) -> QrCollection | None:
    rows = s.execute(select(QrCollection).where(
        QrCollection.invoice_id == inv.id, QrCollection.outcome == "",
        QrCollection.status.in_(LIVE)).order_by(QrCollection.id.desc())).scalars()
    for row in rows:
        fresh = row.expires_at is None or row.expires_at > now + REUSE_MARGIN
        if row.amount == due and fresh:
            return row
    return None


def begin(ctx: Context, ref, *, expires_in: int = DEFAULT_EXPIRY) -> QrRecord:
    """The collection for an open invoice's amount due: the live one if there is
    one (a second 'QR' press, a restart), else a new row with its key and body."""
    if not MIN_EXPIRY <= expires_in <= MAX_EXPIRY:
        raise ValidationError(_("A QR stays payable between {low} and {high} seconds.",
                                low=MIN_EXPIRY, high=MAX_EXPIRY), field="expires_in")
    now = ctx.now()
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        inv = load_invoice(s, ref, lock=True)
        if effective_status(inv.status, inv.due_at, now).value not in PAYABLE:
            raise ConflictError(_("Invoice {number} is {status}: only an open invoice can be "
                                  "collected by QR.", number=inv.local_number or inv.id,
                                  status=inv.status))
        due = inv.total - inv.amount_paid
        if due <= 0:
            raise ConflictError(_("Nothing is due on this invoice."))
        row = _live(s, inv, due, now)
        if row is None:
            key = f"kasir_qr_{uuid.uuid4().hex}"
            row = QrCollection(invoice_id=inv.id, idempotency_key=key,
                               request_body=_body(s, inv, key, due, expires_in),
                               status="creating", amount=due, currency=inv.currency,
                               operator=ctx.operator, created_at=now, updated_at=now,
                               expires_at=now + timedelta(seconds=expires_in))
            s.add(row)
            s.flush()
            record_history(s, ctx, "invoice", inv.id, "qr_collect", None,
                           {"qrCollection": row.id, "amount": due},
                           _("Collection by QR started"))
        rec = _record(s, row)
        uow.commit()
    return rec


def get(ctx: Context, collection_id: int) -> QrRecord:
    with ctx.store.reader() as uow:
        row = uow.session.get(QrCollection, collection_id)
        if row is None:
            raise NotFoundError(_("There is no QR collection {id}.", id=collection_id))
        return _record(uow.session, row)


def request_of(ctx: Context, collection_id: int) -> tuple[str, str]:
    """(idempotency key, exact body) of the create request."""
    with ctx.store.reader() as uow:
        row = uow.session.get(QrCollection, collection_id)
        return row.idempotency_key, row.request_body


def find_in_session(s: Session, remote: dict) -> QrCollection | None:
    """The till's row for a session Plugipay shows: by session id, or (a create
    whose answer was lost) by the key the till put in its metadata."""
    row = s.execute(select(QrCollection).where(
        QrCollection.session_id == remote.get("id"))).scalar_one_or_none()
    if row is None:
        key = str((remote.get("metadata") or {}).get("kasirQrKey") or "")
        if key:
            row = s.execute(select(QrCollection).where(
                QrCollection.idempotency_key == key)).scalar_one_or_none()
    return row


def _parse_time(text) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


def apply_remote_in(s: Session, ctx: Context, row: QrCollection, remote: dict) -> None:
    """Take what Plugipay shows of the session (never un-settles a settled row)."""
    status = remote.get("status")
    if status not in REMOTE_STATUSES:
        return
    if row.status in ENDED and status not in ENDED:
        return  # an older snapshot (an event read after a poll): a session never reopens
    if row.session_id is None:
        row.session_id = remote.get("id")
    row.status = status
    row.adapter = str(remote.get("adapter") or row.adapter)
    row.hosted_url = str(remote.get("hostedUrl") or row.hosted_url)
    row.qr_payload = str(remote.get("qrPayload") or row.qr_payload)
    claim = remote.get("buyerClaim") or {}
    row.proof_url = str(claim.get("proofUrl") or row.proof_url)
    row.charge_id = str(remote.get("paymentId") or row.charge_id)
    row.expires_at = _parse_time(remote.get("expiresAt")) or row.expires_at
    row.updated_at = ctx.now()


def record_remote(ctx: Context, collection_id: int, remote: dict) -> QrRecord:
    with ctx.store.unit_of_work() as uow:
        row = uow.session.get(QrCollection, collection_id)
        apply_remote_in(uow.session, ctx, row, remote)
        rec = _record(uow.session, row)
        uow.commit()
    return rec


def pay_in(s: Session, ctx: Context, row: QrCollection) -> Invoice | None:
    """Pay the row's invoice by its session (method qris, reference the session id),
    inside the caller's transaction, and mark the row: returns None when the invoice
    can no longer take it (paid otherwise, voided, another amount) — a refund case.
    A row already settled is left as it is: a session pays once."""
    if row.outcome:
        return None
    inv = load_invoice(s, row.invoice_id, lock=True)
    now = ctx.now()
    payable = effective_status(inv.status, inv.due_at, now).value in PAYABLE
    if not payable or inv.total - inv.amount_paid != row.amount:
        return None
    inv, _receipt, pay = pay_in_session(s, ctx, inv.id, PaymentInput(
        method="qris", reference=row.session_id or "", paid_at=now))
    row.outcome, row.payment_id, row.settled_at = "paid", pay.id, now
    row.status = "completed"
    return inv


def mark_late(row: QrCollection, now: datetime) -> None:
    row.outcome, row.settled_at, row.status = "conflict", now, "completed"


def receipt_of(ctx: Context, collection_id: int):
    """The receipt the collection's payment issued (a ReceiptRecord), or None."""
    with ctx.store.reader() as uow:
        s = uow.session
        row = s.get(QrCollection, collection_id)
        if row is None or row.payment_id is None:
            return None
        receipt = s.execute(select(Receipt).where(
            Receipt.payment_id == row.payment_id)).scalar_one()
        return receipt_record(receipt, s.get(Payment, row.payment_id))


def close(ctx: Context, collection_id: int, status: str, remote: dict | None = None) -> QrRecord:
    """The session ended unpaid (canceled at the till, or expired): the row says so,
    and the invoice's history too."""
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        row = s.get(QrCollection, collection_id)
        was = row.status
        if remote:
            apply_remote_in(s, ctx, row, remote)
        if not row.outcome and was != status:
            row.status, row.updated_at = status, ctx.now()
            note = (_("Collection by QR canceled") if status == "canceled"
                    else _("The QR expired unpaid"))
            record_history(s, ctx, "invoice", row.invoice_id, f"qr_{status}", None,
                           {"qrCollection": row.id, "session": row.session_id}, note)
        rec = _record(s, row)
        uow.commit()
    return rec


def charge_of_payment(s: Session, payment_id: int) -> str | None:
    """Plugipay's charge id behind a payment made by QR (None for cash, card...): a
    refund of that payment names it (`chargeId`), so the money goes back the same way."""
    return s.execute(select(QrCollection.charge_id).where(
        QrCollection.payment_id == payment_id, QrCollection.charge_id != "")
    ).scalar_one_or_none()
