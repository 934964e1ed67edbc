"""The print queue: one row per slip to print, kept until it has printed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base
from app.store.types import BigInt, JSONText, UTCDateTime


class PrintJob(Base):
    """A slip waiting for (or sent to) a printer. Marked printed only after the
    bytes were written; a printer fault keeps it pending with the error."""

    __tablename__ = "print_jobs"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    till: Mapped[str] = mapped_column(String(16))  # the till whose printer prints it
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    kind: Mapped[str] = mapped_column(String(16))  # invoice | receipt | test
    reprint: Mapped[bool] = mapped_column(default=False)
    slip: Mapped[dict] = mapped_column(JSONText)  # the Slip snapshot, as JSON
    options: Mapped[dict] = mapped_column(JSONText)  # printer URI/profile/width overrides, drawer kick
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending|printed|cancelled
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")  # e.g. characters the page lacks
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_print_jobs_till_state_id", "till", "state", "id"),
        Index("ix_print_jobs_invoice_id", "invoice_id"),
    )
