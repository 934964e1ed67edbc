"""Refunds of paid invoices (issue 15): refunds, refund_lines, invoices.amount_refunded.

Revision ID: 0008_refunds
Revises: 0007_till
Create Date: 2026-12-06 20:30:00
"""
from alembic import op
import sqlalchemy as sa
import app.store.types


revision = "0008_refunds"
down_revision = "0007_till"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "refunds",
        sa.Column("id", _ID, nullable=False),
        sa.Column("invoice_id", _ID, nullable=False),
        sa.Column("till_code", sa.String(length=16), nullable=False),
        sa.Column("local_number", sa.String(length=32), nullable=False),
        sa.Column("plugipay_id", sa.String(length=64), nullable=True),
        sa.Column("amount", _ID, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("by_lines", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("sync_state", sa.String(length=16), nullable=False),
        sa.Column("operator", sa.String(length=100), nullable=False),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", app.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoices.id"],
                                name=op.f("fk_refunds_invoice_id_invoices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
        sa.UniqueConstraint("local_number", name=op.f("uq_refunds_local_number")),
        sa.UniqueConstraint("plugipay_id", name=op.f("uq_refunds_plugipay_id")),
    )
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.create_index("ix_refunds_invoice_id", ["invoice_id", "id"], unique=False)
        batch_op.create_index("ix_refunds_created_at", ["created_at"], unique=False)
    op.create_table(
        "refund_lines",
        sa.Column("id", _ID, nullable=False),
        sa.Column("refund_id", _ID, nullable=False),
        sa.Column("line_position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", _ID, nullable=False),
        sa.Column("unit_amount", _ID, nullable=False),
        sa.ForeignKeyConstraint(["refund_id"], ["refunds.id"],
                                name=op.f("fk_refund_lines_refund_id_refunds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_lines")),
    )
    with op.batch_alter_table("refund_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refund_lines_refund_id"), ["refund_id"],
                              unique=False)
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("amount_refunded", _ID, nullable=False,
                                      server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_column("amount_refunded")
    op.drop_table("refund_lines")
    op.drop_table("refunds")
