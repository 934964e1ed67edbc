"""sync tables

Revision ID: 0003_sync
Revises: 0001
Create Date: 2026-11-22 01:52:44.052496
"""
from alembic import op
import sqlalchemy as sa
import app.store.types


revision = '0003_sync'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sync_cursors',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', app.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_sync_cursors'))
    )
    op.create_table('sync_conflicts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('aggregate', sa.String(length=40), nullable=False),
    sa.Column('entity_type', sa.String(length=16), nullable=False),
    sa.Column('entity_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('outbox_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('operation', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('local_state', app.store.types.JSONText(), nullable=True),
    sa.Column('remote_state', app.store.types.JSONText(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', app.store.types.UTCDateTime(), nullable=False),
    sa.Column('resolved_at', app.store.types.UTCDateTime(), nullable=True),
    sa.Column('resolved_by', sa.String(length=100), nullable=False),
    sa.Column('resolution', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_sync_conflicts_outbox_id_outbox')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_conflicts'))
    )
    with op.batch_alter_table('sync_conflicts', schema=None) as batch_op:
        batch_op.create_index('ix_sync_conflicts_entity', ['entity_type', 'entity_id'], unique=False)
        batch_op.create_index('ix_sync_conflicts_state_id', ['state', 'id'], unique=False)

    op.create_table('sync_requests',
    sa.Column('outbox_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('first_sent_at', app.store.types.UTCDateTime(), nullable=False),
    sa.Column('last_sent_at', app.store.types.UTCDateTime(), nullable=False),
    sa.Column('sends', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_sync_requests_outbox_id_outbox')),
    sa.PrimaryKeyConstraint('outbox_id', name=op.f('pk_sync_requests'))
    )
    op.create_table('invoice_emails',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('invoice_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('to', sa.String(length=254), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('operator', sa.String(length=100), nullable=False),
    sa.Column('idempotency_key', sa.String(length=80), nullable=False),
    sa.Column('queued_at', app.store.types.UTCDateTime(), nullable=False),
    sa.Column('sent_at', app.store.types.UTCDateTime(), nullable=True),
    sa.Column('sent_to', sa.String(length=254), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_emails_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_emails'))
    )
    with op.batch_alter_table('invoice_emails', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_emails_invoice_id', ['invoice_id', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('invoice_emails', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_emails_invoice_id')

    op.drop_table('invoice_emails')
    op.drop_table('sync_requests')
    with op.batch_alter_table('sync_conflicts', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_conflicts_state_id')
        batch_op.drop_index('ix_sync_conflicts_entity')

    op.drop_table('sync_conflicts')
    op.drop_table('sync_cursors')
