"""The counter's grid (issue 14): an item may be a favourite, shown as a button
on the sale screen, under an optional category (one tab per category).

Revision ID: 0009_favourites
Revises: 0008_refunds
Create Date: 2026-12-06 21:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0009_favourites"
down_revision = "0008_refunds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN with defaults: existing items are no favourites, in no category.
    op.add_column("items", sa.Column("favourite", sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    op.add_column("items", sa.Column("category", sa.String(length=60), nullable=False,
                                     server_default=""))


def downgrade() -> None:
    op.drop_column("items", "category")
    op.drop_column("items", "favourite")
