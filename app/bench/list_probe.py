"""A measured proposal for the invoice list (not used by the app): the same
page as `app.services.queries.list_invoices`, read as plain columns with a
Core select on a bare connection and mapped straight to InvoiceRecord,
instead of loading ORM entities in a session that expires them all on
rollback. The benchmark shows both beside raw sqlite3, so the lead can see
what adopting it would buy."""

from __future__ import annotations

from app.domain.lifecycle import effective_status
from app.domain.records import InvoiceRecord, Page

_COLS = ("id", "till_code", "local_number", "plugipay_id", "number", "hosted_url",
         "customer_id", "currency", "status", "subtotal", "discount", "tax", "total",
         "amount_paid", "due_at", "issued_at", "paid_at", "voided_at", "written_off_at",
         "reason", "memo", "sync_state", "created_by", "created_at", "updated_at")


def list_invoices_columns(ctx, q) -> Page:
    from sqlalchemy import select

    from app.services.queries import invoice_filter
    from app.store.engine import READ
    from app.store.models import Customer, Invoice

    now = ctx.now()
    t = Invoice.__table__
    stmt = (select(*[t.c[n] for n in _COLS], Customer.name, Customer.email)
            .join(Customer, Customer.id == Invoice.customer_id)
            .where(*invoice_filter(q, now)).order_by(Invoice.id.desc()).limit(q.limit + 1))
    if q.after is not None:
        stmt = stmt.where(Invoice.id < q.after)
    with ctx.store.engine.connect().execution_options(kasir_mode=READ) as conn:
        rows = conn.execute(stmt).all()
    items = tuple(
        InvoiceRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[25], r[26], r[7],
                      effective_status(r[8], r[14], now), r[8], r[9], r[10], r[11], r[12],
                      r[13], r[14], r[15], r[16], r[17], r[18], r[19], r[20], r[21], r[22],
                      r[23], r[24])
        for r in rows[:q.limit])
    return Page(items, items[-1].id if len(rows) > q.limit else None)


# ---------------------------------------------------------------- search proposal
# Free-text search is `lower(col) LIKE '%text%'` over four columns: no index can
# serve a leading wildcard, so a rare or absent term scans every invoice. An
# FTS5 trigram index (SQLite >= 3.34; pg_trgm on PostgreSQL) answers the same
# substring question from an index. Built here on the benchmark's copy only.

SEARCH_DDL = ("CREATE VIRTUAL TABLE IF NOT EXISTS invoice_search USING fts5("
              "body, content='', tokenize='trigram case_sensitive 0')")


def build_search_index(path) -> float:
    """Index every invoice's numbers, memo and customer name; returns seconds."""
    import sqlite3
    import time

    started = time.perf_counter()
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA synchronous=OFF")
        con.execute("BEGIN")
        con.execute(SEARCH_DDL)
        con.execute("INSERT INTO invoice_search(rowid, body) SELECT i.id, "
                    "coalesce(i.local_number, '') || ' ' || coalesce(i.number, '') || ' ' || "
                    "i.memo || ' ' || c.name FROM invoices i JOIN customers c "
                    "ON c.id = i.customer_id")
        con.execute("COMMIT")
    finally:
        con.close()
    return time.perf_counter() - started


def search_page(con, text: str, limit: int = 50) -> list:
    """Newest first, like the list. A phrase of trigrams is a substring match
    (3 characters or more; shorter terms would keep the LIKE scan)."""
    phrase = '"' + text.replace('"', '""') + '"'
    return con.execute(
        "SELECT i.*, c.name, c.email FROM invoices i JOIN customers c ON c.id = i.customer_id "
        "WHERE i.id IN (SELECT rowid FROM invoice_search WHERE invoice_search MATCH ? "
        "ORDER BY rowid DESC LIMIT ?) ORDER BY i.id DESC", (phrase, limit + 1)).fetchall()
