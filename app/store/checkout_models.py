"""The till's QR collections (issue 16): one row per Plugipay checkout session the
till asked for, written before the session is created (its idempotency key and
exact request body fixed first), and marked settled inside the transaction that
pays the invoice, so a session pays its invoice exactly once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base

from .types import BigInt, UTCDateTime


class QrCollection(Base):
    __tablename__ = "qr_collections"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(BigInt, ForeignKey("invoices.id"))
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    request_body: Mapped[str] = mapped_column(Text)  # the exact bytes sent, for a resend
    session_id: Mapped[str | None] = mapped_column(String(64), unique=True)  # cs_...
    # creating (not yet answered) | open | pending_review | completed | expired | canceled | failed
    status: Mapped[str] = mapped_column(String(20), default="creating")
    amount: Mapped[int] = mapped_column(BigInt)
    currency: Mapped[str] = mapped_column(String(3))
    adapter: Mapped[str] = mapped_column(String(16), default="")
    hosted_url: Mapped[str] = mapped_column(Text, default="")
    qr_payload: Mapped[str] = mapped_column(Text, default="")
    proof_url: Mapped[str] = mapped_column(Text, default="")  # the buyer's claim (manual)
    # Plugipay's charge once paid (the session's paymentId): what a refund names.
    charge_id: Mapped[str] = mapped_column(String(64), default="")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    operator: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The marker of "this session's money was taken in": "" until then; "paid" (the
    # invoice was paid by it: payment_id) or "conflict" (it came too late: a refund).
    outcome: Mapped[str] = mapped_column(String(16), default="")
    payment_id: Mapped[int | None] = mapped_column(BigInt, ForeignKey("payments.id"), unique=True)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_qr_collections_invoice_id", "invoice_id", "id"),)
