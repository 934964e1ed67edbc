"""Plain records passed between layers and threads (never live ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from app.i18n import _

from .lifecycle import Status
from .tax import TaxGroup, format_rate, stored_groups


def iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return dt.isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class CustomerRecord:
    id: int
    name: str
    email: str
    phone: str
    tax_id: str
    notes: str
    plugipay_id: str | None
    created_at: datetime
    updated_at: datetime

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "email": self.email or None,
            "phone": self.phone or None,
            "taxId": self.tax_id or None,
            "notes": self.notes or None,
            "plugipayId": self.plugipay_id,
            "createdAt": iso(self.created_at),
            "updatedAt": iso(self.updated_at),
        }


@dataclass(frozen=True)
class LineRecord:
    description: str
    quantity: int
    unit_amount: int
    amount: int
    tax_rate: int | None = None  # hundredths of a percent; None: tax typed as an amount
    shelf_unit_amount: int | None = None  # the tax-included price typed, when so

    def to_json(self) -> dict:
        out = {
            "description": self.description,
            "quantity": self.quantity,
            "unitAmount": self.unit_amount,
            "amount": self.amount,
        }
        if self.tax_rate is not None:
            out["taxRate"] = format_rate(self.tax_rate)
            out["shelfUnitAmount"] = self.shelf_unit_amount
        return out


@dataclass(frozen=True)
class InvoiceRecord:
    id: int
    till: str
    local_number: str | None
    plugipay_id: str | None
    number: str | None  # Plugipay's number, None until synced
    hosted_url: str | None
    customer_id: int
    customer_name: str
    customer_email: str
    currency: str
    status: Status  # effective status (past_due derived from the clock)
    stored_status: str
    subtotal: int
    discount: int
    tax: int
    total: int
    amount_paid: int
    due_at: datetime | None
    issued_at: datetime | None
    paid_at: datetime | None
    voided_at: datetime | None
    written_off_at: datetime | None
    reason: str
    memo: str
    sync_state: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    lines: tuple[LineRecord, ...] = field(default=())
    amount_refunded: int = 0  # issue 15: the invoice stays paid; refunds are summed here

    @property
    def amount_due(self) -> int:
        return self.total - self.amount_paid

    @property
    def tax_groups(self) -> tuple[TaxGroup, ...]:
        """Per rate: base, discount share and tax (empty when tax was typed)."""
        return stored_groups(((l.quantity, l.unit_amount, l.tax_rate, l.shelf_unit_amount)
                              for l in self.lines), self.discount, self.total)

    @property
    def fully_refunded(self) -> bool:
        return self.amount_paid > 0 and self.amount_refunded >= self.amount_paid

    @property
    def display_number(self) -> str:
        return self.local_number or self.number or _("Draft #{id}", id=self.id)

    def to_json(self) -> dict:
        out = {
            "id": self.id,
            "customerId": self.customer_id,
            "customerName": self.customer_name,
            "status": str(self.status),
            "number": self.number,
            "localNumber": self.local_number,
            "plugipayId": self.plugipay_id,
            "hostedInvoiceUrl": self.hosted_url,
            "till": self.till,
            "currency": self.currency,
            "subtotal": self.subtotal,
            "discount": self.discount,
            "tax": self.tax,
            "total": self.total,
            "amountPaid": self.amount_paid,
            "amountDue": self.amount_due,
            "amountRefunded": self.amount_refunded,
            "fullyRefunded": self.fully_refunded,
            "dueAt": iso(self.due_at),
            "issuedAt": iso(self.issued_at),
            "paidAt": iso(self.paid_at),
            "voidedAt": iso(self.voided_at),
            "writtenOffAt": iso(self.written_off_at),
            "reason": self.reason or None,
            "memo": self.memo or None,
            "lines": [l.to_json() for l in self.lines],
            "syncState": self.sync_state,
            "createdBy": self.created_by,
            "createdAt": iso(self.created_at),
            "updatedAt": iso(self.updated_at),
        }
        groups = self.tax_groups
        if groups:
            out["taxGroups"] = [{"rate": format_rate(g.rate), "base": g.base,
                                 "discount": g.discount, "tax": g.tax} for g in groups]
        return out


@dataclass(frozen=True)
class PaymentRecord:
    id: int
    invoice_id: int
    amount: int
    currency: str
    method: str
    reference: str
    operator: str
    paid_at: datetime
    tenders: tuple = ()  # app.domain.tenders.Tender, in the order given
    cash_received: int = 0
    change: int = 0

    def to_json(self) -> dict:
        return {
            "id": self.id, "invoiceId": self.invoice_id, "amount": self.amount,
            "currency": self.currency, "method": self.method,
            "reference": self.reference or None, "operator": self.operator,
            "paidAt": iso(self.paid_at),
            "tenders": [t.to_json() for t in self.tenders],
            "cashReceived": self.cash_received, "change": self.change,
        }


@dataclass(frozen=True)
class ReceiptRecord:
    id: int
    number: str
    invoice_id: int
    payment_id: int
    amount: int
    currency: str
    method: str
    reference: str
    operator: str
    issued_at: datetime
    plugipay_id: str | None = None

    def to_json(self) -> dict:
        return {
            "id": self.id, "number": self.number, "invoiceId": self.invoice_id,
            "paymentId": self.payment_id, "amount": self.amount, "currency": self.currency,
            "method": self.method, "reference": self.reference or None,
            "operator": self.operator, "issuedAt": iso(self.issued_at),
            "plugipayId": self.plugipay_id,
        }


@dataclass(frozen=True)
class HistoryRecord:
    id: int
    entity_type: str
    entity_id: int
    action: str
    operator: str
    till: str
    at: datetime
    before: dict | None
    after: dict | None
    note: str
    approved_by: str | None = None  # the manager whose PIN allowed it, on the spot

    def to_json(self) -> dict:
        return {
            "id": self.id, "entityType": self.entity_type, "entityId": self.entity_id,
            "action": self.action, "operator": self.operator, "till": self.till,
            "at": iso(self.at), "before": self.before, "after": self.after,
            "note": self.note or None, "approvedBy": self.approved_by,
        }


@dataclass(frozen=True)
class Page:
    """One keyset page: `next_cursor` is None on the last page."""

    items: tuple
    next_cursor: int | None


def fast_record(cls, values):
    """`cls(*values)` for a frozen dataclass, without its generated __init__ (one
    `object.__setattr__` per field, 4 µs for an invoice's 30): for the list's
    pages, fifty records at a time. `values` gives every field, in order."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    rec = object.__new__(cls)
    rec.__dict__.update(zip(names, values, strict=True))
    return rec


_FIELD_NAMES: dict = {}
