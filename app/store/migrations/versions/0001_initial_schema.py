"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 01:47:09.214547
"""
from alembic import op
import sqlalchemy as sa
import app.store.types


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('customers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=False),
    sa.Column('tax_id', sa.String(length=50), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('plugipay_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', app.store.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers')),
    sa.UniqueConstraint('plugipay_id', name=op.f('uq_customers_plugipay_id'))
    )
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index('ix_customers_email', ['email'], unique=False)
        batch_op.create_index('ix_customers_name', ['name'], unique=False)
        batch_op.create_index('ix_customers_phone', ['phone'], unique=False)

    op.create_table('history',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('entity_type', sa.String(length=16), nullable=False),
    sa.Column('entity_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('operator', sa.String(length=100), nullable=False),
    sa.Column('till_code', sa.String(length=16), nullable=False),
    sa.Column('at', app.store.types.UTCDateTime(), nullable=False),
    sa.Column('before', app.store.types.JSONText(), nullable=True),
    sa.Column('after', app.store.types.JSONText(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_history'))
    )
    with op.batch_alter_table('history', schema=None) as batch_op:
        batch_op.create_index('ix_history_entity', ['entity_type', 'entity_id', 'id'], unique=False)

    op.create_table('items',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit_amount', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', app.store.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_items')),
    sa.UniqueConstraint('code', name=op.f('uq_items_code'))
    )
    op.create_table('number_series',
    sa.Column('till_code', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('last_value', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.PrimaryKeyConstraint('till_code', 'kind', name=op.f('pk_number_series'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('idempotency_key', sa.String(length=80), nullable=False),
    sa.Column('aggregate', sa.String(length=40), nullable=False),
    sa.Column('operation', sa.String(length=32), nullable=False),
    sa.Column('payload', app.store.types.JSONText(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', app.store.types.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', app.store.types.UTCDateTime(), nullable=False),
    sa.Column('done_at', app.store.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_idempotency_key'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_aggregate_id', ['aggregate', 'id'], unique=False)
        batch_op.create_index('ix_outbox_state_id', ['state', 'id'], unique=False)

    op.create_table('settings',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', app.store.types.JSONText(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('tills',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', app.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tills')),
    sa.UniqueConstraint('code', name=op.f('uq_tills_code'))
    )
    op.create_table('invoices',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('till_code', sa.String(length=16), nullable=False),
    sa.Column('local_number', sa.String(length=32), nullable=True),
    sa.Column('plugipay_id', sa.String(length=64), nullable=True),
    sa.Column('number', sa.String(length=64), nullable=True),
    sa.Column('hosted_url', sa.Text(), nullable=True),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('subtotal', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('discount', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tax', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('total', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount_paid', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('due_at', app.store.types.UTCDateTime(), nullable=True),
    sa.Column('issued_at', app.store.types.UTCDateTime(), nullable=True),
    sa.Column('paid_at', app.store.types.UTCDateTime(), nullable=True),
    sa.Column('voided_at', app.store.types.UTCDateTime(), nullable=True),
    sa.Column('written_off_at', app.store.types.UTCDateTime(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('memo', sa.Text(), nullable=False),
    sa.Column('sync_state', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', app.store.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.store.types.UTCDateTime(), nullable=False),
    sa.Column('version', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_invoices_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('local_number', name=op.f('uq_invoices_local_number')),
    sa.UniqueConstraint('plugipay_id', name=op.f('uq_invoices_plugipay_id'))
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index('ix_invoices_customer_id_id', ['customer_id', 'id'], unique=False)
        batch_op.create_index('ix_invoices_number', ['number'], unique=False)
        batch_op.create_index('ix_invoices_status_due', ['status', 'due_at'], unique=False)
        batch_op.create_index('ix_invoices_status_id', ['status', 'id'], unique=False)

    op.create_table('invoice_lines',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('invoice_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('quantity', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit_amount', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_lines_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_lines'))
    )
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_lines_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('invoice_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('reference', sa.Text(), nullable=False),
    sa.Column('operator', sa.String(length=100), nullable=False),
    sa.Column('paid_at', app.store.types.UTCDateTime(), nullable=False),
    sa.Column('recorded_at', app.store.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_payments_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('receipts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('invoice_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('payment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('issued_at', app.store.types.UTCDateTime(), nullable=False),
    sa.Column('plugipay_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_receipts_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_receipts_payment_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipts')),
    sa.UniqueConstraint('number', name=op.f('uq_receipts_number')),
    sa.UniqueConstraint('payment_id', name=op.f('uq_receipts_payment_id'))
    )
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipts_invoice_id'), ['invoice_id'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipts_invoice_id'))

    op.drop_table('receipts')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_invoice_id'))

    op.drop_table('payments')
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_lines_invoice_id'))

    op.drop_table('invoice_lines')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index('ix_invoices_status_id')
        batch_op.drop_index('ix_invoices_status_due')
        batch_op.drop_index('ix_invoices_number')
        batch_op.drop_index('ix_invoices_customer_id_id')

    op.drop_table('invoices')
    op.drop_table('tills')
    op.drop_table('settings')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_state_id')
        batch_op.drop_index('ix_outbox_aggregate_id')

    op.drop_table('outbox')
    op.drop_table('number_series')
    op.drop_table('items')
    with op.batch_alter_table('history', schema=None) as batch_op:
        batch_op.drop_index('ix_history_entity')

    op.drop_table('history')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index('ix_customers_phone')
        batch_op.drop_index('ix_customers_name')
        batch_op.drop_index('ix_customers_email')

    op.drop_table('customers')
    
