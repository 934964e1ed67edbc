"""Tables of the Plugipay sync engine (app/sync).

The outbox itself lives in models.py (the services write it); these tables
hold what the sender and the puller need beside it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base

from .types import BigInt, JSONText, UTCDateTime


class OutboxRequest(Base):
    """The exact request first sent for an outbox operation: a retry after a lost
    response resends these bytes with the same idempotency key, never a rebuilt body."""

    __tablename__ = "sync_requests"
    outbox_id: Mapped[int] = mapped_column(BigInt, ForeignKey("outbox.id"), primary_key=True)
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    first_sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sends: Mapped[int] = mapped_column(default=0)


class SyncConflict(Base):
    """Plugipay refused a till action, or moved an invoice on while the till did
    something else: a manager must see it and say it is dealt with."""

    __tablename__ = "sync_conflicts"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    aggregate: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(16))  # invoice | customer
    entity_id: Mapped[int] = mapped_column(BigInt)
    outbox_id: Mapped[int | None] = mapped_column(BigInt, ForeignKey("outbox.id"))
    operation: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))  # refused | paid_elsewhere | ...
    code: Mapped[str] = mapped_column(String(40), default="")  # Plugipay's error code
    message: Mapped[str] = mapped_column(Text, default="")
    local_state: Mapped[dict | None] = mapped_column(JSONText)
    remote_state: Mapped[dict | None] = mapped_column(JSONText)
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | resolved
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str] = mapped_column(String(100), default="")
    resolution: Mapped[str] = mapped_column(String(16), default="")  # accept | retry
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_sync_conflicts_state_id", "state", "id"),
        Index("ix_sync_conflicts_entity", "entity_type", "entity_id"),
    )


class SyncCursor(Base):
    """Where the puller is in a feed (the events cursor) and when it last ran."""

    __tablename__ = "sync_cursors"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InvoiceEmail(Base):
    """Every email of an invoice asked for, by hand or by the reminder schedule."""

    __tablename__ = "invoice_emails"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(BigInt, ForeignKey("invoices.id"))
    to: Mapped[str] = mapped_column(String(254), default="")  # "" = the customer's email
    reason: Mapped[str] = mapped_column(String(16))  # manual | reminder
    operator: Mapped[str] = mapped_column(String(100))
    idempotency_key: Mapped[str] = mapped_column(String(80))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_to: Mapped[str] = mapped_column(String(254), default="")

    __table_args__ = (Index("ix_invoice_emails_invoice_id", "invoice_id", "id"),)
