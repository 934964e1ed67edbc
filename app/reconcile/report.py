"""The reconciliation report: what came in over a period, what it paid, what is
left for a person (unmatched or mis-sized credits), and which invoices are unpaid."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.services.context import Context
from app.store.models import Invoice
from app.store.reconcile_models import StatementLine, StatementMatch

from .matching import Credit, Matcher
from .service import list_lines, load_candidates


def reconcile_report(ctx: Context, date_from: date | None = None, date_to: date | None = None,
                     unpaid_limit: int = 200) -> dict:
    with ctx.store.reader() as uow:
        s = uow.session
        stmt = select(StatementLine)
        if date_from:
            stmt = stmt.where(StatementLine.booked_on >= date_from)
        if date_to:
            stmt = stmt.where(StatementLine.booked_on <= date_to)
        lines = list(s.execute(stmt.order_by(StatementLine.booked_on, StatementLine.id)).scalars())
        summary: dict[str, dict[str, int]] = {}
        for l in lines:
            row = summary.setdefault(l.currency, {"credits": 0, "creditAmount": 0,
                                                  "matched": 0, "matchedAmount": 0,
                                                  "unmatched": 0, "unmatchedAmount": 0,
                                                  "debits": 0, "debitAmount": 0})
            if l.state == "debit":
                row["debits"] += 1
                row["debitAmount"] += -l.amount
                continue
            row["credits"] += 1
            row["creditAmount"] += l.amount
            key = "matched" if l.state == "matched" else "unmatched"
            row[key] += 1
            row[key + "Amount"] += l.amount
        ids = [l.id for l in lines if l.state == "matched"]
        matched = []
        for i in range(0, len(ids), 500):
            q = (select(StatementMatch, Invoice.local_number)
                 .join(Invoice, Invoice.id == StatementMatch.invoice_id)
                 .where(StatementMatch.line_id.in_(ids[i:i + 500]),
                        StatementMatch.state == "active"))
            for m, number in s.execute(q):
                matched.append({"lineId": m.line_id, "invoiceId": m.invoice_id,
                                "invoiceNumber": number, "amount": m.amount,
                                "receiptNumber": m.receipt_number, "auto": m.auto,
                                "confirmedBy": m.confirmed_by})
        open_lines = [l for l in lines if l.state == "unmatched"]
        candidates = load_candidates(s)
        matcher = Matcher(candidates)
        attention = []
        for l in open_lines:
            r = matcher.suggest(Credit(l.id, l.booked_on, l.amount, l.currency, l.description),
                                limit=1)
            attention.append({"lineId": l.id, "bookedOn": l.booked_on.isoformat(),
                              "amount": l.amount, "currency": l.currency,
                              "description": l.description, "flag": r.flag or "unconfirmed",
                              "note": r.note,
                              "best": r.best.to_json() if r.best else None})
        unpaid_count = s.execute(select(func.count()).select_from(Invoice)
                                 .where(Invoice.status == "open")).scalar()
    unpaid = unpaid_rows(candidates, ctx.now().astimezone().date(), unpaid_limit)
    return {"from": date_from.isoformat() if date_from else None,
            "to": date_to.isoformat() if date_to else None,
            "summary": summary, "matched": matched, "needsAttention": attention,
            "unpaidInvoices": unpaid, "unpaidCount": unpaid_count}


def unpaid_rows(candidates, today: date, limit: int = 200) -> list[dict]:
    """Open and past-due invoices, the earliest due first."""
    ordered = sorted(candidates, key=lambda c: (c.due_on or date.max, c.id))
    return [{"invoiceId": c.id, "number": c.local_number, "plugipayNumber": c.number,
             "customer": c.customer_name, "currency": c.currency, "amountDue": c.amount_due,
             "dueOn": c.due_on.isoformat() if c.due_on else None,
             "pastDue": bool(c.due_on and c.due_on < today)}
            for c in ordered[:limit]]


def page_state(ctx: Context, show_matched: bool = False, limit: int = 5) -> dict:
    """Everything the reconciliation screen shows, read at once on the worker thread:
    statement credits, suggestions per unmatched credit, and the unpaid invoices."""
    lines = [l for l in list_lines(ctx, None if show_matched else "unmatched", limit=2000)
             if l.state != "debit"]
    with ctx.store.reader() as uow:
        candidates = load_candidates(uow.session)
    matcher = Matcher(candidates)
    results = {l.id: matcher.suggest(Credit(l.id, l.booked_on, l.amount, l.currency,
                                            l.description), limit)
               for l in lines if l.state == "unmatched"}
    return {"lines": lines, "suggestions": results,
            "unpaid": unpaid_rows(candidates, ctx.now().astimezone().date(), 500),
            "unpaidCount": len(candidates)}
