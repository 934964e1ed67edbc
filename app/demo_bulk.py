"""The demo's invoices written in bulk into a SQLite file: `kasir demo --invoices
20000` in seconds instead of minutes.

Each planned sale (app/demo.py's `plan_sales`) becomes the rows the services
would write for it: the invoice and its lines, the payment and receipt, the
history entries (the services' own `snapshot`, linked into the hash chain),
the outbox operations (the services' own issue payload) and the next gapless
local and receipt numbers of the till. Written by the shared bulk writer
(app/bulk_load.py) in one transaction, so a failure leaves the file as it was."""

from __future__ import annotations

import sys
import uuid
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Callable, Iterable

from app.bulk_load import (HistoryChain, bulk_connection, insert, json_text, number_series,
                           set_number_series)
from app.domain.labels import METHOD_LABELS
from app.domain.totals import compute_totals, line_amount
from app.domain.validation import validate_draft
from app.i18n import _
from app.services.context import Context
from app.services.invoices import _issue_payload, snapshot
from app.services.numbering import PREFIXES
from app.services.payments import settlement_for, tenders_json
from app.store.engine import is_sqlite
from app.store.history_chain import canonical_at
from app.store.record_digest import invoice_digest

CHUNK = 5000  # sales written per executemany round
INVOICE_COLUMNS = ("id", "till_code", "local_number", "customer_id", "currency", "status",
                   "subtotal", "discount", "tax", "total", "amount_paid", "due_at", "issued_at",
                   "paid_at", "voided_at", "written_off_at", "reason", "memo", "sync_state",
                   "created_by", "created_at", "updated_at", "version")
LINE_COLUMNS = ("id", "invoice_id", "position", "description", "quantity", "unit_amount",
                "amount")
PAYMENT_COLUMNS = ("id", "invoice_id", "amount", "currency", "method", "reference", "operator",
                   "paid_at", "recorded_at", "cash_received", "change")
TENDER_COLUMNS = ("id", "payment_id", "position", "method", "amount", "reference")
RECEIPT_COLUMNS = ("id", "number", "invoice_id", "payment_id", "amount", "currency",
                   "issued_at")
OUTBOX_COLUMNS = ("id", "idempotency_key", "aggregate", "operation", "payload", "state",
                  "attempts", "last_error", "created_at")


def can_bulk_write(ctx: Context) -> bool:
    """A SQLite file (not PostgreSQL, not an in-memory database)."""
    engine = ctx.store.engine
    return is_sqlite(engine) and engine.url.database not in (None, "", ":memory:")


class _Rows:
    """The rows of one chunk, table by table, with the next id of each."""

    def __init__(self, con):
        def next_id(table: str) -> int:
            return con.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0] + 1

        self.ids = {t: next_id(t) for t in ("invoices", "invoice_lines", "payments",
                                            "payment_tenders", "receipts", "outbox")}
        self.tables: dict[str, list[tuple]] = {t: [] for t in self.ids}

    def add(self, table: str, *values) -> int:
        new = self.ids[table]
        self.ids[table] += 1
        self.tables[table].append((new, *values))
        return new

    def flush(self, con) -> None:
        for table, columns in (("invoices", INVOICE_COLUMNS), ("invoice_lines", LINE_COLUMNS),
                               ("payments", PAYMENT_COLUMNS),
                               ("payment_tenders", TENDER_COLUMNS), ("receipts", RECEIPT_COLUMNS),
                               ("outbox", OUTBOX_COLUMNS)):
            insert(con, table, self.tables[table], columns)
            self.tables[table] = []


def write_sales(ctx: Context, sales: Iterable, total: int,
                progress: Callable[[int, int], None] | None = None) -> int:
    """Write every planned sale (see app.demo.Sale) as the services would; returns
    how many. `progress(done, total)` is called every 500 sales and at the end."""
    path = Path(ctx.store.engine.url.database)
    ctx.store.engine.dispose()  # no pooled connection of ours holds the file
    done = 0
    with bulk_connection(path) as con:
        chain = HistoryChain.continuing(con)
        series = number_series(con)
        rows = _Rows(con)
        for sale in sales:
            _write_sale(ctx, sale, rows, chain, series)
            done += 1
            if done % CHUNK == 0:
                rows.flush(con)
                chain.flush(con)
            if progress and done % 500 == 0:
                progress(done, total)
        rows.flush(con)
        chain.close(con)
        set_number_series(con, series)
    if progress:
        progress(done, total)
    return done


def _take(series: dict, till: str, kind: str) -> str:
    """The till's next gapless number, as app.services.numbering.next_number spells it."""
    value = series.get((till, kind), 0) + 1
    series[(till, kind)] = value
    return f"{till}-{PREFIXES[kind]}{value:06d}"


def _key() -> str:
    return f"kasir_{uuid.uuid4().hex}"  # as app.services.audit.enqueue makes it


def _write_sale(ctx: Context, sale, rows: _Rows, chain: HistoryChain, series: dict) -> None:
    data = validate_draft(sale.data)
    t = compute_totals(((l.quantity, l.unit_amount) for l in data.lines), data.discount,
                       data.tax)
    op, till, at = ctx.operator, ctx.till, sale.at
    when = canonical_at(at)
    inv = SimpleNamespace(
        id=rows.ids["invoices"], status="draft", local_number=None,
        customer_id=int(data.customer_id), currency=data.currency, subtotal=t.subtotal,
        discount=t.discount, tax=t.tax, total=t.total, amount_paid=0, due_at=data.due_at,
        memo=data.memo, reason="",
        lines=[SimpleNamespace(description=l.description, quantity=l.quantity,
                               unit_amount=l.unit_amount, tax_rate=None,
                               shelf_unit_amount=None) for l in data.lines])

    line_ids = range(rows.ids["invoice_lines"], rows.ids["invoice_lines"] + len(inv.lines))
    pays: list[dict] = []
    receipts: list[dict] = []
    issued_at = paid_at = voided_at = written_off_at = None

    def state() -> str:  # the invoice's digest now, as app/store/record_digest.py makes it
        return invoice_digest(
            {"id": inv.id, "till_code": till, "local_number": inv.local_number,
             "customer_id": inv.customer_id, "currency": inv.currency, "status": inv.status,
             "subtotal": inv.subtotal, "discount": inv.discount, "tax": inv.tax,
             "total": inv.total, "amount_paid": inv.amount_paid, "amount_refunded": 0,
             "due_at": inv.due_at,
             "issued_at": issued_at, "paid_at": paid_at, "voided_at": voided_at,
             "written_off_at": written_off_at, "reason": inv.reason, "memo": inv.memo,
             "created_by": op, "created_at": when},
            [{"id": i, "position": n, "description": l.description, "quantity": l.quantity,
              "unit_amount": l.unit_amount, "amount": line_amount(l.quantity, l.unit_amount),
              "tax_rate": l.tax_rate, "shelf_unit_amount": l.shelf_unit_amount}
             for n, (i, l) in enumerate(zip(line_ids, inv.lines))], pays, receipts)

    def history(action, before, after, note="", at_text=when):
        chain.add("invoice", inv.id, action, op, till, at_text, json_text(before),
                  json_text(after), note, state_digest=state())

    def outbox(operation, payload, at_text=when):
        payload = {**payload, "kasirChain": f"{chain.last_seq}:{chain.last_hash}"}  # as enqueue
        rows.add("outbox", _key(), f"invoice:{inv.id}", operation, json_text(payload),
                 "pending", 0, "", at_text)

    history("create", None, snapshot(inv))
    sync_state, version, updated = "local", 1, when
    if sale.outcome != "draft":
        before = snapshot(inv)
        inv.local_number, inv.status = _take(series, till, "invoice"), "open"
        issued_at, sync_state, version = when, "pending", 2
        history("issue", before, snapshot(inv))
        outbox("invoice.issue", _issue_payload(inv))
    if sale.outcome == "paid":
        paid = at + timedelta(minutes=3)
        paid_at = updated = canonical_at(paid)
        reference = f"TRF {inv.local_number}" if sale.method == "transfer" else ""
        before = snapshot(inv)
        amount = inv.total - inv.amount_paid
        settled = settlement_for(amount, sale.method, reference, ())
        pay_id = rows.add("payments", inv.id, amount, inv.currency, sale.method, reference, op,
                          paid_at, paid_at, settled.cash_received, settled.change)
        pays.append({"id": pay_id, "amount": amount, "currency": inv.currency,
                     "method": sale.method, "reference": reference, "operator": op,
                     "paid_at": paid_at, "recorded_at": paid_at,
                     "cash_received": settled.cash_received, "change": settled.change,
                     "tenders": []})
        for position, t in enumerate(settled.tenders):
            tid = rows.add("payment_tenders", pay_id, position, t.method, t.amount, t.reference)
            pays[-1]["tenders"].append({"id": tid, "position": position, "method": t.method,
                                        "amount": t.amount, "reference": t.reference})
        number = _take(series, till, "receipt")
        rid = rows.add("receipts", number, inv.id, pay_id, amount, inv.currency, paid_at)
        receipts.append({"id": rid, "number": number, "payment_id": pay_id, "amount": amount,
                         "currency": inv.currency, "issued_at": paid_at})
        inv.amount_paid, inv.status, version = inv.total, "paid", 3
        note = METHOD_LABELS[sale.method] + (f", ref {reference}" if reference else "")
        tenders = tenders_json(settled)
        history("pay", before, {**snapshot(inv), "payment": {
            "method": sale.method, "reference": reference, "amount": amount,
            "receipt": number, **tenders}}, note, paid_at)
        outbox("invoice.pay", {"invoiceId": inv.id, "method": sale.method,
                               "reference": reference, "amount": amount,
                               "paidAt": paid.isoformat(), "receiptNumber": number, **tenders},
               paid_at)
    elif sale.outcome in ("void", "write_off"):
        before = snapshot(inv)
        inv.reason, version = sale.reason, 3
        if sale.outcome == "void":
            inv.status, voided_at = "void", when
            outbox("invoice.void", {"invoiceId": inv.id, "reason": sale.reason})
            history("void", before, snapshot(inv))
        else:
            inv.status, written_off_at = "uncollectible", when
            history("write_off", before, snapshot(inv),
                    _("Written off at this till only: Plugipay has no write-off route, "
                      "so it still shows the invoice as open there."))
    rows.add("invoices", till, inv.local_number, inv.customer_id, inv.currency, inv.status,
             inv.subtotal, inv.discount, inv.tax, inv.total, inv.amount_paid,
             canonical_at(inv.due_at) or None, issued_at, paid_at, voided_at, written_off_at,
             inv.reason, inv.memo, sync_state, op, when, updated, version)
    for position, l in enumerate(inv.lines):
        rows.add("invoice_lines", inv.id, position, l.description, l.quantity, l.unit_amount,
                 line_amount(l.quantity, l.unit_amount))


def terminal_progress(stream=None) -> Callable[[int, int], None] | None:
    """A one-line progress bar on a terminal's stderr; None when it is not a terminal."""
    stream = stream or sys.stderr
    if not stream.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show
