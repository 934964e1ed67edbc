"""The counter (issue 14): payment tenders with cash received and change, tax
rates on items and invoice lines, the shelf price of tax-included lines.
Every existing payment becomes one tender of its method and amount.

Revision ID: 0007_till
Revises: 0006_search
Create Date: 2026-12-06 20:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0007_till"
down_revision = "0006_search"
branch_labels = None
depends_on = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "payment_tenders",
        sa.Column("id", BIGINT, nullable=False),
        sa.Column("payment_id", BIGINT, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("amount", BIGINT, nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["payment_id"], ["payments.id"],
                                name=op.f("fk_payment_tenders_payment_id_payments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_tenders")),
    )
    op.create_index(op.f("ix_payment_tenders_payment_id"), "payment_tenders", ["payment_id"])
    # Plain ADD COLUMN (no table rebuild: receipts and tenders point at payments).
    op.add_column("payments", sa.Column("cash_received", BIGINT, nullable=False,
                                        server_default="0"))
    op.add_column("payments", sa.Column("change", BIGINT, nullable=False, server_default="0"))
    op.add_column("invoice_lines", sa.Column("tax_rate", sa.Integer(), nullable=True))
    op.add_column("invoice_lines", sa.Column("shelf_unit_amount", BIGINT, nullable=True))
    op.add_column("items", sa.Column("tax_rate", sa.Integer(), nullable=True))
    # Existing payments: one tender each; cash was always taken exactly (no change).
    op.execute("INSERT INTO payment_tenders (payment_id, position, method, amount, reference) "
               "SELECT id, 0, method, amount, reference FROM payments")
    op.execute("UPDATE payments SET cash_received = amount WHERE method = 'cash'")


def downgrade() -> None:
    for table, column in (("items", "tax_rate"), ("invoice_lines", "shelf_unit_amount"),
                          ("invoice_lines", "tax_rate"), ("payments", "change"),
                          ("payments", "cash_received")):
        op.drop_column(table, column)
    op.drop_index(op.f("ix_payment_tenders_payment_id"), table_name="payment_tenders")
    op.drop_table("payment_tenders")
