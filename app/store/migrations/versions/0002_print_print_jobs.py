"""print jobs

Revision ID: 0002_print
Revises: 0001
Create Date: 2026-11-22 01:52:52.221582
"""
from alembic import op
import sqlalchemy as sa
import app.store.types


revision = '0002_print'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('print_jobs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('till', sa.String(length=16), nullable=False),
    sa.Column('invoice_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('reprint', sa.Boolean(), nullable=False),
    sa.Column('slip', app.store.types.JSONText(), nullable=False),
    sa.Column('options', app.store.types.JSONText(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', app.store.types.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', app.store.types.UTCDateTime(), nullable=False),
    sa.Column('printed_at', app.store.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_print_jobs_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_print_jobs'))
    )
    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_print_jobs_invoice_id', ['invoice_id'], unique=False)
        batch_op.create_index('ix_print_jobs_till_state_id', ['till', 'state', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_print_jobs_till_state_id')
        batch_op.drop_index('ix_print_jobs_invoice_id')

    op.drop_table('print_jobs')
