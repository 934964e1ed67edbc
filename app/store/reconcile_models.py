"""Tables of bank reconciliation and end of day: statements, their lines, the
matches confirmed between lines and invoices, saved CSV mappings, and shifts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base
from app.store.types import BigInt, JSONText, UTCDateTime


class BankMapping(Base):
    """A CSV column mapping saved per bank, reused on the next import."""

    __tablename__ = "bank_mappings"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    config: Mapped[dict] = mapped_column(JSONText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BankStatement(Base):
    """One imported file."""

    __tablename__ = "bank_statements"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    bank: Mapped[str] = mapped_column(String(64))
    account: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    format: Mapped[str] = mapped_column(String(8))  # csv | ofx | mt940
    filename: Mapped[str] = mapped_column(Text, default="")
    imported_by: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lines_added: Mapped[int] = mapped_column(default=0)
    lines_skipped: Mapped[int] = mapped_column(default=0)


class StatementLine(Base):
    """A line of a statement; amount is signed (credit > 0), in the smallest unit."""

    __tablename__ = "statement_lines"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    statement_id: Mapped[int] = mapped_column(BigInt, ForeignKey("bank_statements.id"), index=True)
    bank: Mapped[str] = mapped_column(String(64))
    account: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    booked_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInt)
    description: Mapped[str] = mapped_column(Text, default="")
    balance: Mapped[int | None] = mapped_column(BigInt)
    bank_ref: Mapped[str] = mapped_column(String(64), default="")
    # No line twice: the day, then sha256 of bank, account, date, amount, description,
    # balance and which copy, or of the bank's own id (app.reconcile.parsed.fingerprint).
    fingerprint: Mapped[bytes] = mapped_column(LargeBinary(16), unique=True)
    state: Mapped[str] = mapped_column(String(16))  # unmatched | matched | debit
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_statement_lines_state_id", "state", "id"),)


class StatementMatch(Base):
    """A confirmed link from a statement line to one invoice it paid."""

    __tablename__ = "statement_matches"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    line_id: Mapped[int] = mapped_column(BigInt, ForeignKey("statement_lines.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(BigInt, ForeignKey("invoices.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(BigInt, ForeignKey("payments.id"))
    receipt_number: Mapped[str] = mapped_column(String(32), default="")
    amount: Mapped[int] = mapped_column(BigInt)
    state: Mapped[str] = mapped_column(String(16))  # active | undone
    auto: Mapped[bool] = mapped_column(default=False)
    confidence: Mapped[int | None] = mapped_column()
    till_code: Mapped[str] = mapped_column(String(16))
    confirmed_by: Mapped[str] = mapped_column(String(100))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    before: Mapped[dict | None] = mapped_column(JSONText)  # invoice fields to restore on undo
    undone_by: Mapped[str] = mapped_column(String(100), default="")
    approved_by: Mapped[str] = mapped_column(String(100), default="")
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undo_reason: Mapped[str] = mapped_column(Text, default="")


class Shift(Base):
    """A till's shift for one operator; once closed its report is frozen."""

    __tablename__ = "shifts"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    till_code: Mapped[str] = mapped_column(String(16))
    operator: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(16))  # open | closed
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opening_float: Mapped[dict] = mapped_column(JSONText)  # currency -> amount
    counted: Mapped[dict | None] = mapped_column(JSONText)  # currency -> amount
    report: Mapped[dict | None] = mapped_column(JSONText)  # frozen Z report at close
    closed_by: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_shifts_till_operator_state", "till_code", "operator", "state"),)
