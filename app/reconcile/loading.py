"""Reading what reconciliation matches, fast: the unmatched credits and every open
invoice (100,000 in a big shop) as plain columns, no ORM objects, no aware
datetimes, dates parsed once per distinct day (see local_dates)."""

from __future__ import annotations

from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from app.store.models import Customer, Invoice
from app.store.reconcile_models import StatementLine

from .local_dates import Days, LocalDays
from .matching import Candidate, Credit, gc_paused


def _driver_rows(session: Session, stmt) -> list[tuple]:
    """`stmt` (no bound parameters) run on the database driver's own cursor, in the
    session's transaction: plain tuples, without a Row object and result
    processing per row. The SQL is compiled for the session's dialect."""
    conn = session.connection()
    sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def load_candidates(session: Session) -> list[Candidate]:
    """Every open (or past due) invoice with something left to pay, in one query.
    The two instants of each invoice become local days through LocalDays (one
    time-zone look-up per distinct day), not 200,000 aware datetimes."""
    stmt = (select(Invoice.id, Invoice.local_number, Invoice.number, Invoice.memo,
                   Invoice.customer_id, Customer.name, Invoice.currency,
                   Invoice.total - Invoice.amount_paid, type_coerce(Invoice.issued_at, Text),
                   type_coerce(Invoice.due_at, Text))
            .join(Customer, Customer.id == Invoice.customer_id)
            .where(Invoice.status == "open", Invoice.total > Invoice.amount_paid))
    with gc_paused():
        rows = _driver_rows(session, stmt)
        day, make = LocalDays(), tuple.__new__  # Candidate is a named tuple
        return [make(Candidate, (i, local, number, memo or "", cust, name, cur, due,
                                 day(issued), day(due_at)))
                for i, local, number, memo, cust, name, cur, due, issued, due_at in rows]


def load_credits(session: Session, line_ids=None) -> list[Credit]:
    """The unmatched statement lines (all, or those of `line_ids`), by id."""
    stmt = select(StatementLine.id, type_coerce(StatementLine.booked_on, Text),
                  StatementLine.amount, StatementLine.currency,
                  StatementLine.description).where(StatementLine.state == "unmatched")
    if line_ids:
        stmt = stmt.where(StatementLine.id.in_(list(line_ids)))
    day = Days()
    return [Credit(i, day(booked), amount, cur, text) for i, booked, amount, cur, text
            in session.execute(stmt.order_by(StatementLine.id))]
