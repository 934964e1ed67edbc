"""QR collections (issue 16): the checkout sessions the till created, with the
idempotency key and body fixed before the first send, and the marker that a
session's payment was taken in (unique payment id: exactly once).

Revision ID: 0010_qr
Revises: 0009_favourites
Create Date: 2026-12-06 21:00:00
"""
from alembic import op
import sqlalchemy as sa
import app.store.types


revision = "0010_qr"
down_revision = "0009_favourites"
branch_labels = None
depends_on = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "qr_collections",
        sa.Column("id", BIGINT, nullable=False),
        sa.Column("invoice_id", BIGINT, nullable=False),
        sa.Column("idempotency_key", sa.String(length=80), nullable=False),
        sa.Column("request_body", sa.Text(), nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("amount", BIGINT, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("adapter", sa.String(length=16), nullable=False),
        sa.Column("hosted_url", sa.Text(), nullable=False),
        sa.Column("qr_payload", sa.Text(), nullable=False),
        sa.Column("proof_url", sa.Text(), nullable=False),
        sa.Column("charge_id", sa.String(length=64), nullable=False),
        sa.Column("expires_at", app.store.types.UTCDateTime(), nullable=True),
        sa.Column("operator", sa.String(length=100), nullable=False),
        sa.Column("created_at", app.store.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", app.store.types.UTCDateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("payment_id", BIGINT, nullable=True),
        sa.Column("settled_at", app.store.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoices.id"],
                                name=op.f("fk_qr_collections_invoice_id_invoices")),
        sa.ForeignKeyConstraint(["payment_id"], ["payments.id"],
                                name=op.f("fk_qr_collections_payment_id_payments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qr_collections")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_qr_collections_idempotency_key")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_qr_collections_payment_id")),
        sa.UniqueConstraint("session_id", name=op.f("uq_qr_collections_session_id")),
    )
    op.create_index("ix_qr_collections_invoice_id", "qr_collections", ["invoice_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_qr_collections_invoice_id", table_name="qr_collections")
    op.drop_table("qr_collections")
