"""ORM rows to plain records."""

from __future__ import annotations

from datetime import datetime

from app.domain.lifecycle import effective_status
from app.domain.records import (CustomerRecord, HistoryRecord, InvoiceRecord, LineRecord,
                                PaymentRecord, ReceiptRecord)
from app.domain.tenders import Tender
from app.store.models import Customer, HistoryEntry, Invoice, Payment, Receipt


def customer_record(c: Customer) -> CustomerRecord:
    return CustomerRecord(c.id, c.name, c.email, c.phone, c.tax_id, c.notes, c.plugipay_id,
                          c.created_at, c.updated_at)


def invoice_record(inv: Invoice, now: datetime, *, with_lines: bool = True) -> InvoiceRecord:
    lines = tuple(LineRecord(l.description, l.quantity, l.unit_amount, l.amount, l.tax_rate,
                             l.shelf_unit_amount)
                  for l in inv.lines) if with_lines else ()
    return InvoiceRecord(
        id=inv.id, till=inv.till_code, local_number=inv.local_number,
        plugipay_id=inv.plugipay_id, number=inv.number, hosted_url=inv.hosted_url,
        customer_id=inv.customer_id, customer_name=inv.customer.name,
        customer_email=inv.customer.email, currency=inv.currency,
        status=effective_status(inv.status, inv.due_at, now), stored_status=inv.status,
        subtotal=inv.subtotal, discount=inv.discount, tax=inv.tax, total=inv.total,
        amount_paid=inv.amount_paid, due_at=inv.due_at, issued_at=inv.issued_at,
        paid_at=inv.paid_at, voided_at=inv.voided_at, written_off_at=inv.written_off_at,
        reason=inv.reason, memo=inv.memo, sync_state=inv.sync_state,
        created_by=inv.created_by, created_at=inv.created_at, updated_at=inv.updated_at,
        lines=lines, amount_refunded=inv.amount_refunded or 0,
    )


def payment_record(p: Payment) -> PaymentRecord:
    """With its tenders, cash received and change: `to_json` gives `tenders`
    [{method, amount, reference}], `cashReceived`, `change`."""
    tenders = tuple(Tender(t.method, t.amount, t.reference) for t in p.tenders)
    return PaymentRecord(p.id, p.invoice_id, p.amount, p.currency, p.method, p.reference,
                         p.operator, p.paid_at, tenders, p.cash_received or 0, p.change or 0)


def receipt_record(r: Receipt, p: Payment) -> ReceiptRecord:
    return ReceiptRecord(r.id, r.number, r.invoice_id, r.payment_id, r.amount, r.currency,
                         p.method, p.reference, p.operator, r.issued_at, r.plugipay_id)


def history_record(h: HistoryEntry) -> HistoryRecord:
    return HistoryRecord(h.id, h.entity_type, h.entity_id, h.action, h.operator, h.till_code,
                         h.at, h.before, h.after, h.note, h.approved_by)
