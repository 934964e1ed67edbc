"""A payment's tenders: settling them against the amount due and storing them.

Used inside the pay action's transaction (app/services/invoices.py): the old
single-method payment (method only, pays in full) is one tender of that
method; a list of tenders is settled by app/domain/tenders.py, cash beyond
the amount due being change.
"""

from __future__ import annotations

from typing import Sequence

from app.domain.labels import METHOD_LABELS
from app.domain.tenders import Settlement, Tender, settle
from app.store.models import Payment, PaymentTender


def settlement_for(due: int, method: str, reference: str,
                   tenders: Sequence[Tender]) -> Settlement:
    """The tenders given, or one tender of `method` for exactly what is due."""
    if tenders:
        return settle(due, tenders)
    cash = due if method == "cash" else 0
    return Settlement((Tender(method, due, reference),), due, cash, 0)


def add_tenders(pay: Payment, settled: Settlement) -> None:
    """One row per tender, inserted in one batch with the payment's own flush."""
    pay.tenders = [PaymentTender(position=i, method=t.method, amount=t.amount,
                                 reference=t.reference)
                   for i, t in enumerate(settled.tenders)]


def tenders_json(settled: Settlement) -> dict:
    """The payment's tenders as history, the outbox and JSON show them."""
    return {"tenders": [t.to_json() for t in settled.tenders],
            "cashReceived": settled.cash_received, "change": settled.change}


def tenders_note(settled: Settlement) -> str:
    """"Cash 100000 (change 73500) + Card (EDC) 26500 ref 4411" for the history."""
    parts = []
    for t in settled.tenders:
        part = f"{METHOD_LABELS[t.method]} {t.amount}"
        if t.reference:
            part += f" ref {t.reference}"
        parts.append(part)
    note = " + ".join(parts)
    return note + (f" (change {settled.change})" if settled.change else "")
