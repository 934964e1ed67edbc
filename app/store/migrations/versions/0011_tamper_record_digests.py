"""Tamper evidence of the records themselves (issue 17): every history entry
written from now on carries the digest of the record's state after the change
(app/store/record_digest.py), hashed into the chain. Entries written before
keep no digest (NULL) and their hash; `audit verify` names the records whose
latest entry predates digests as not yet covered, until their next change.

Revision ID: 0011_tamper
Revises: 0010_qr
Create Date: 2026-12-06 21:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0011_tamper"
down_revision = "0010_qr"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("history", sa.Column("state_digest", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("history") as batch:
        batch.drop_column("state_digest")
