"""Refunds of paid invoices (issue 15): the refund and the lines returned.

A refund made at this till takes its own gapless local number (`T1-F000001`);
one pulled from Plugipay (made in the dashboard) gets one too, at the till
that pulled it. `plugipay_id` is Plugipay's `re_...` once it knows the refund.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.store.models import Base
from app.store.types import BigInt, UTCDateTime


class Refund(Base):
    __tablename__ = "refunds"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(BigInt, ForeignKey("invoices.id"))
    till_code: Mapped[str] = mapped_column(String(16))
    local_number: Mapped[str] = mapped_column(String(32), unique=True)
    plugipay_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    amount: Mapped[int] = mapped_column(BigInt)
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(String(16))  # cash | transfer | edc | other
    reason: Mapped[str] = mapped_column(String(32))  # Plugipay's: requested_by_customer, ...
    note: Mapped[str] = mapped_column(Text, default="")
    by_lines: Mapped[bool] = mapped_column(default=False)  # lines returned, not an amount
    source: Mapped[str] = mapped_column(String(16), default="till")  # till | plugipay
    sync_state: Mapped[str] = mapped_column(String(16), default="pending")  # pending|synced|refused
    operator: Mapped[str] = mapped_column(String(100))
    approved_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    lines: Mapped[list["RefundLine"]] = relationship(
        order_by="RefundLine.line_position", cascade="all, delete-orphan", lazy="selectin")

    __table_args__ = (
        Index("ix_refunds_invoice_id", "invoice_id", "id"),
        Index("ix_refunds_created_at", "created_at"),
    )


class RefundLine(Base):
    """A line returned: which invoice line, how many, at what unit price."""

    __tablename__ = "refund_lines"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    refund_id: Mapped[int] = mapped_column(BigInt, ForeignKey("refunds.id"), index=True)
    line_position: Mapped[int]
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[int] = mapped_column(BigInt)
    unit_amount: Mapped[int] = mapped_column(BigInt)
