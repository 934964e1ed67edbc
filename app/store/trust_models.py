"""Tables of the trust feature: staff accounts and the head of the history chain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base
from .types import BigInt, UTCDateTime


class StaffAccount(Base):
    """Someone who works the till. The PIN is kept only as a slow, salted hash."""

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)  # the operator name, lower case
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))  # cashier | manager | owner
    pin_hash: Mapped[str] = mapped_column(String(200))  # "scrypt$n$r$p$salt$hash"
    active: Mapped[bool] = mapped_column(default=True)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HistoryChainHead(Base):
    """One row: the last link of the history chain. Writers lock it, so links
    are taken one at a time; it also shows when entries at the end are removed."""

    __tablename__ = "history_chain_head"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)  # always 1
    last_seq: Mapped[int] = mapped_column(BigInt, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
