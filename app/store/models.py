"""The tables, as typed SQLAlchemy 2 models. Money columns are integers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, MetaData, String, Text, UniqueConstraint, false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .types import BigInt, JSONText, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Till(Base):
    __tablename__ = "tills"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # e.g. "T1", prefix of its numbers
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class NumberSeries(Base):
    """Per-till gapless counters; the row is locked while a number is taken."""

    __tablename__ = "number_series"
    till_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # invoice | receipt
    last_value: Mapped[int] = mapped_column(BigInt, default=0)


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    tax_id: Mapped[str] = mapped_column(String(50), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    plugipay_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_customers_name", "name"),
        Index("ix_customers_email", "email"),
        Index("ix_customers_phone", "phone"),
    )


class Invoice(Base):
    __tablename__ = "invoices"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    till_code: Mapped[str] = mapped_column(String(16))
    local_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    plugipay_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    number: Mapped[str | None] = mapped_column(String(64))
    hosted_url: Mapped[str | None] = mapped_column(Text)
    customer_id: Mapped[int] = mapped_column(BigInt, ForeignKey("customers.id"))
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))  # stored; past_due is derived
    subtotal: Mapped[int] = mapped_column(BigInt, default=0)
    discount: Mapped[int] = mapped_column(BigInt, default=0)
    tax: Mapped[int] = mapped_column(BigInt, default=0)
    total: Mapped[int] = mapped_column(BigInt, default=0)
    amount_paid: Mapped[int] = mapped_column(BigInt, default=0)
    amount_refunded: Mapped[int] = mapped_column(BigInt, default=0, server_default="0")  # refunds
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    written_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    memo: Mapped[str] = mapped_column(Text, default="")
    sync_state: Mapped[str] = mapped_column(String(16), default="local")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(BigInt, default=1)

    customer: Mapped[Customer] = relationship(lazy="joined", innerjoin=True)
    lines: Mapped[list["InvoiceLine"]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.position",
        cascade="all, delete-orphan", lazy="select",
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_invoices_status_id", "status", "id"),
        Index("ix_invoices_customer_id_id", "customer_id", "id"),
        Index("ix_invoices_number", "number"),
        Index("ix_invoices_status_due", "status", "due_at"),
    )


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(BigInt, ForeignKey("invoices.id"), index=True)
    position: Mapped[int]
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[int] = mapped_column(BigInt)
    unit_amount: Mapped[int] = mapped_column(BigInt)
    amount: Mapped[int] = mapped_column(BigInt)
    # Issue 14: the tax rate used (hundredths of a percent; None: tax typed as an
    # amount), and the shelf price typed when prices include tax (unit_amount is
    # then the net price Plugipay gets; app/domain/tax.py).
    tax_rate: Mapped[int | None] = mapped_column()
    shelf_unit_amount: Mapped[int | None] = mapped_column(BigInt)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class Payment(Base):
    __tablename__ = "payments"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(BigInt, ForeignKey("invoices.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInt)
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(String(16))  # transfer | cash | edc | other
    reference: Mapped[str] = mapped_column(Text, default="")
    operator: Mapped[str] = mapped_column(String(100))
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Issue 14: cash handed over and change given back (cash kept = the difference).
    cash_received: Mapped[int] = mapped_column(BigInt, default=0)
    change: Mapped[int] = mapped_column(BigInt, default=0)

    tenders: Mapped[list["PaymentTender"]] = relationship(
        order_by="PaymentTender.position", lazy="select")


class PaymentTender(Base):
    """One line of a payment: cash, a card slip, a transfer, a QR payment..."""

    __tablename__ = "payment_tenders"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    payment_id: Mapped[int] = mapped_column(BigInt, ForeignKey("payments.id"), index=True)
    position: Mapped[int]
    method: Mapped[str] = mapped_column(String(16))  # cash | edc | transfer | qris | other
    amount: Mapped[int] = mapped_column(BigInt)
    reference: Mapped[str] = mapped_column(Text, default="")


class Receipt(Base):
    __tablename__ = "receipts"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    invoice_id: Mapped[int] = mapped_column(BigInt, ForeignKey("invoices.id"), index=True)
    payment_id: Mapped[int] = mapped_column(BigInt, ForeignKey("payments.id"), unique=True)
    amount: Mapped[int] = mapped_column(BigInt)
    currency: Mapped[str] = mapped_column(String(3))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    plugipay_id: Mapped[str | None] = mapped_column(String(64))


class HistoryEntry(Base):
    """Every change: who, when, what, before and after. Never updated or deleted."""

    __tablename__ = "history"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[int] = mapped_column(BigInt)
    action: Mapped[str] = mapped_column(String(32))
    operator: Mapped[str] = mapped_column(String(100))
    till_code: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    before: Mapped[dict | None] = mapped_column(JSONText)
    after: Mapped[dict | None] = mapped_column(JSONText)
    note: Mapped[str] = mapped_column(Text, default="")
    # Trust (issue 7): the manager who approved on the spot, and the hash chain
    # (app/store/history_chain.py): position, the previous entry's hash, this entry's hash.
    approved_by: Mapped[str | None] = mapped_column(String(100))
    chain_seq: Mapped[int | None] = mapped_column(BigInt, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str | None] = mapped_column(String(64))
    # Issue 17: digest of the changed record's state after the change (None: no digest).
    state_digest: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_history_entity", "entity_type", "entity_id", "id"),)


class OutboxOperation(Base):
    """An operation Plugipay must learn of, written with the action that caused it."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    aggregate: Mapped[str] = mapped_column(String(40))  # "invoice:12", "customer:3": ordering scope
    operation: Mapped[str] = mapped_column(String(32))  # customer.create, invoice.issue, ...
    payload: Mapped[dict] = mapped_column(JSONText)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_outbox_state_id", "state", "id"),
        Index("ix_outbox_aggregate_id", "aggregate", "id"),
    )


class Item(Base):
    """The shop's catalogue: what a barcode scan or a typed code adds as a line."""

    __tablename__ = "items"
    id: Mapped[int] = mapped_column(BigInt, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_amount: Mapped[int] = mapped_column(BigInt)
    currency: Mapped[str] = mapped_column(String(3))
    active: Mapped[bool] = mapped_column(default=True)
    tax_rate: Mapped[int | None] = mapped_column()  # hundredths of a %; None: the shop's rate
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The counter's grid of favourites (issue 14): one tab per category.
    favourite: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    category: Mapped[str] = mapped_column(String(60), default="", server_default="")


class Setting(Base):
    """Non-secret settings shared by every till on this database (shop details...)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict | list | str | int | None] = mapped_column(JSONText)


__all__ = [
    "Base", "Till", "NumberSeries", "Customer", "Invoice", "InvoiceLine", "Payment",
    "PaymentTender", "Receipt", "HistoryEntry", "OutboxOperation", "Item", "Setting", "UniqueConstraint",
]
