"""Invoice search index (FTS5 trigram on SQLite); also joins the feature branches.

Revision ID: 0006_search
Revises: 0002_print, 0003_sync, 0004_reconcile, 0005_trust
Create Date: 2026-11-22 03:00:00
"""
from alembic import op

from app.store import search

revision = "0006_search"
down_revision = ("0002_print", "0003_sync", "0004_reconcile", "0005_trust")
branch_labels = None
depends_on = None


def _execute(sql: str) -> None:
    op.execute(sql)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        search.create(_execute)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        search.drop(_execute)
