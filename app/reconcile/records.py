"""Plain records of reconciliation, safe to pass across threads and to the UI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain.records import iso


@dataclass(frozen=True)
class StatementLineRecord:
    id: int
    statement_id: int
    bank: str
    account: str
    currency: str
    booked_on: date
    amount: int
    description: str
    balance: int | None
    state: str  # unmatched | matched | debit
    invoice_ids: tuple[int, ...] = ()

    def to_json(self) -> dict:
        return {"id": self.id, "statementId": self.statement_id, "bank": self.bank,
                "account": self.account, "currency": self.currency,
                "bookedOn": self.booked_on.isoformat(), "amount": self.amount,
                "description": self.description, "balance": self.balance,
                "state": self.state, "invoiceIds": list(self.invoice_ids)}


@dataclass(frozen=True)
class MatchRecord:
    id: int
    line_id: int
    invoice_id: int
    invoice_number: str
    amount: int
    receipt_number: str
    state: str
    auto: bool
    confirmed_by: str
    confirmed_at: object
    undone_by: str = ""
    approved_by: str = ""
    undo_reason: str = ""

    def to_json(self) -> dict:
        return {"id": self.id, "lineId": self.line_id, "invoiceId": self.invoice_id,
                "invoiceNumber": self.invoice_number, "amount": self.amount,
                "receiptNumber": self.receipt_number, "state": self.state, "auto": self.auto,
                "confirmedBy": self.confirmed_by, "confirmedAt": iso(self.confirmed_at),
                "undoneBy": self.undone_by or None, "approvedBy": self.approved_by or None,
                "undoReason": self.undo_reason or None}


@dataclass(frozen=True)
class AutoOutcome:
    line_id: int
    invoice_ids: tuple[int, ...]
    confidence: int
    confirmed: bool
    note: str

    def to_json(self) -> dict:
        return {"lineId": self.line_id, "invoiceIds": list(self.invoice_ids),
                "confidence": self.confidence, "confirmed": self.confirmed, "note": self.note}
