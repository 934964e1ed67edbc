"""Benchmarks that run in this process against the big database: list pages,
deep scrolling, search, opening an invoice, a full sale, a slip and a PDF.
Each is a median beside a baseline measured in the same run."""

from __future__ import annotations

import io
import random
import sqlite3
from pathlib import Path

from reportlab.pdfgen import canvas

from app.documents.service import render_invoice_pdf
from app.domain.validation import DraftInput, LineInput
from app.printing.escpos_render import render_escpos
from app.printing.profiles import PROFILES
from app.printing.slip_model import build_slip
from app.services import invoices
from app.services.queries import InvoiceQuery, get_invoice, list_invoices

from .report import Row, median_time, missing, ms

# The columns the list query reads (the same row shape as the ORM query).
_INV_COLS = ("id, till_code, local_number, plugipay_id, number, hosted_url, customer_id, "
             "currency, status, subtotal, discount, tax, total, amount_paid, due_at, issued_at, "
             "paid_at, voided_at, written_off_at, reason, memo, sync_state, created_by, "
             "created_at, updated_at, version")
_RAW_LIST = ("SELECT " + ", ".join("i." + c.strip() for c in _INV_COLS.split(","))
             + ", c.id, c.name, c.email, c.phone, c.tax_id, c.notes, c.plugipay_id, "
             "c.created_at, c.updated_at FROM invoices i JOIN customers c ON c.id = i.customer_id"
             " {where} ORDER BY i.id DESC LIMIT 51")


def _raw(path: Path):
    con = sqlite3.connect(path)
    con.execute("PRAGMA query_only=1")
    return con


def _now_text(ctx) -> str:
    return ctx.now().astimezone().replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def list_rows(ctx, path: Path, repeat: int) -> list[Row]:
    """A first page for each filter, and deep pages (raw sqlite3 baseline)."""
    con = _raw(path)
    now = ctx.now().astimezone().replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    max_id = con.execute("SELECT max(id) FROM invoices").fetchone()[0]
    some_customer = con.execute("SELECT customer_id FROM invoices WHERE id = ?",
                                (max_id // 2,)).fetchone()[0]
    cases = [
        ("all", InvoiceQuery(), "", ()),
        ("draft", InvoiceQuery(status="draft"), "WHERE i.status = ?", ("draft",)),
        ("open", InvoiceQuery(status="open"),
         "WHERE i.status = 'open' AND (i.due_at IS NULL OR i.due_at >= ?)", (now,)),
        ("past_due", InvoiceQuery(status="past_due"),
         "WHERE i.status = 'open' AND i.due_at < ?", (now,)),
        ("paid", InvoiceQuery(status="paid"), "WHERE i.status = ?", ("paid",)),
        ("void", InvoiceQuery(status="void"), "WHERE i.status = ?", ("void",)),
        ("uncollectible", InvoiceQuery(status="uncollectible"), "WHERE i.status = ?",
         ("uncollectible",)),
        ("customer", InvoiceQuery(customer_id=some_customer), "WHERE i.customer_id = ?",
         (some_customer,)),
    ]
    deep = max(1, max_id // 10)  # 90 % of the way down
    cases += [
        ("deep page (90 % down)", InvoiceQuery(after=deep), "WHERE i.id < ?", (deep,)),
        ("deep page, paid", InvoiceQuery(status="paid", after=deep),
         "WHERE i.status = ? AND i.id < ?", ("paid", deep)),
        ("deep page, customer", InvoiceQuery(customer_id=some_customer, after=max_id // 4),
         "WHERE i.customer_id = ? AND i.id < ?", (some_customer, max_id // 4)),
    ]
    rows = []
    for label, q, where, params in cases:
        sql = _RAW_LIST.format(where=where)
        service = median_time(lambda: list_invoices(ctx, q), repeat=repeat)
        raw = median_time(lambda: con.execute(sql, params).fetchall(), repeat=repeat)
        rows.append(Row(f"list page: {label}", ms(service), "ms", ms(raw), target=5.0,
                        max_ratio=3.0, baseline_what="the same query in raw sqlite3"))
    # Scrolling: 40 pages one after another, as the list's model fetches them.
    def scroll():
        after = None
        for _ in range(40):
            page = list_invoices(ctx, InvoiceQuery(after=after))
            after = page.next_cursor

    def scroll_raw():
        after = max_id + 1
        for _ in range(40):
            res = con.execute(_RAW_LIST.format(where="WHERE i.id < ?"), (after,)).fetchall()
            after = res[49][0]

    t, b = median_time(scroll, repeat=max(3, repeat // 3)), median_time(scroll_raw, repeat=max(3, repeat // 3))
    rows.append(Row("scroll 40 pages (2,000 rows)", ms(t), "ms", ms(b), target=200.0,
                    max_ratio=3.0, baseline_what="the same 40 queries in raw sqlite3"))
    con.close()
    return rows


def search_rows(ctx, path: Path, repeat: int) -> list[Row]:
    con = _raw(path)
    max_id = con.execute("SELECT max(id) FROM invoices").fetchone()[0]
    mid_number = con.execute("SELECT local_number FROM invoices WHERE id >= ? AND "
                             "local_number IS NOT NULL LIMIT 1", (max_id // 2,)).fetchone()[0]
    name = con.execute("SELECT name FROM customers ORDER BY id LIMIT 1").fetchone()[0]
    where = ("WHERE (lower(i.local_number) LIKE ? ESCAPE '\\' OR lower(i.number) LIKE ? "
             "ESCAPE '\\' OR lower(i.memo) LIKE ? ESCAPE '\\' OR lower(c.name) LIKE ? "
             "ESCAPE '\\')")
    fts = ("WHERE i.id IN (SELECT rowid FROM invoice_search WHERE invoice_search MATCH ?)")
    rows = []
    for label, text in (("a customer's surname", name.split()[-1]),
                        ("a local number, half way back", mid_number),
                        ("no match", "zzqx")):
        # Baseline: the same question in raw sqlite3, through the same trigram index
        # (and, for the record, the LIKE scan Kasir used before the index).
        sql = _RAW_LIST.format(where=fts)
        phrase = '"' + text.lower().replace('"', '""') + '"'
        service = median_time(lambda: list_invoices(ctx, InvoiceQuery(search=text)), repeat=repeat)
        raw = median_time(lambda: con.execute(sql, (phrase,)).fetchall(), repeat=repeat)
        like = median_time(lambda: con.execute(_RAW_LIST.format(where=where),
                                               (f"%{text.lower()}%",) * 4).fetchall(),
                           repeat=max(3, repeat // 3))
        rows.append(Row(f"search: {label}", ms(service), "ms", ms(raw), target=50.0,
                        baseline_what="the same indexed query in raw sqlite3",
                        note=f"a LIKE scan takes {ms(like):.1f} ms"))
    con.close()
    return rows


def open_row(ctx, path: Path, repeat: int) -> Row:
    con = _raw(path)
    max_id = con.execute("SELECT max(id) FROM invoices").fetchone()[0]
    rng = random.Random(5)
    ids = [rng.randint(1, max_id) for _ in range(repeat * 3)]
    it = iter(ids * 4)

    def raw():
        i = next(it)
        con.execute(_RAW_LIST.format(where="WHERE i.id = ?"), (i,)).fetchall()
        con.execute("SELECT * FROM invoice_lines WHERE invoice_id = ? ORDER BY position",
                    (i,)).fetchall()

    it2 = iter(ids * 4)
    service = median_time(lambda: get_invoice(ctx, next(it2)), repeat=repeat * 2)
    base = median_time(raw, repeat=repeat * 2)
    con.close()
    return Row("open an invoice (with lines)", ms(service), "ms", ms(base), target=5.0,
               baseline_what="invoice + customer + lines in raw sqlite3")


def sale_rows(ctx, path: Path, repeat: int) -> list[Row]:
    """Create + issue + pay, each its own transaction (synchronous=FULL, fsync)."""
    con = sqlite3.connect(path, isolation_level=None, timeout=30)
    con.execute("PRAGMA synchronous=FULL")
    # A scratch table in the benchmark's copy: an unchanged row would not be written.
    con.execute("CREATE TABLE IF NOT EXISTS bench_floor (x INTEGER)")
    con.execute("INSERT INTO bench_floor VALUES (0)")
    draft = DraftInput(1, "IDR", (LineInput("Kopi susu", 2, 18000),
                                  LineInput("Roti bakar", 1, 25000)), 0, 0, None, "")

    def sale():
        inv = invoices.create_draft(ctx, draft)
        invoices.issue(ctx, inv.id)
        invoices.mark_paid(ctx, inv.id)

    def one_step():
        inv = invoices.create_and_issue(ctx, draft)
        invoices.mark_paid(ctx, inv.id)

    def floor():  # three one-row write transactions: what durability alone costs
        for _ in range(3):
            con.execute("BEGIN IMMEDIATE")
            con.execute("UPDATE bench_floor SET x = x + 1")
            con.execute("COMMIT")

    counter = DraftInput(None, "IDR", draft.lines, 0, 0, None, "", "shop")
    tenders = invoices.PaymentInput(tenders=(invoices.Tender("edc", 20000, "4411"),
                                             invoices.Tender("cash", 100000)))

    def counter_sale():  # issue 14: walk-in customer, tax from rates, split tenders
        inv = invoices.create_and_issue(ctx, counter)
        invoices.pay_with_tenders(ctx, inv.id, tenders)

    t = median_time(sale, repeat=repeat)
    t2 = median_time(one_step, repeat=repeat)
    t3 = median_time(counter_sale, repeat=repeat)
    b = median_time(floor, repeat=repeat)
    con.close()
    return [Row("create, issue, pay (3 transactions)", ms(t), "ms", ms(b), target=10.0,
                baseline_what="three one-row write transactions in raw sqlite3 (fsync floor)"),
            Row("create+issue, pay (2 transactions)", ms(t2), "ms", ms(b * 2 / 3),
                target=10.0, baseline_what="two one-row write transactions in raw sqlite3 (fsync floor)"),
            Row("counter sale: tax rates, split tenders (2 transactions)", ms(t3), "ms",
                ms(b * 2 / 3), target=10.0,
                baseline_what="two one-row write transactions in raw sqlite3 (fsync floor)")]


def refund_row(ctx, path: Path, repeat: int) -> Row:
    """One refund (number, refund row, invoice total, history, outbox: one
    transaction), beside a one-row write transaction (the fsync floor)."""
    from app.domain.refunds import RefundInput
    from app.services.refunds import refund

    con = sqlite3.connect(path, isolation_level=None, timeout=30)
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE IF NOT EXISTS bench_floor (x INTEGER)")
    con.execute("INSERT INTO bench_floor VALUES (0)")
    paid = [r[0] for r in con.execute(
        "SELECT id FROM invoices WHERE status = 'paid' AND amount_paid > amount_refunded "
        "ORDER BY id DESC LIMIT ?", (repeat * 4,))]
    if not paid:
        con.close()
        return missing("refund (1 transaction)", "ms", "no paid invoice in the database")
    it = iter(paid * 4)
    data = RefundInput(amount=1, method="cash")

    def floor():
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE bench_floor SET x = x + 1")
        con.execute("COMMIT")

    refund(ctx, next(it), data)  # imports and statement caches warm, as in a running app
    t = median_time(lambda: refund(ctx, next(it), data), repeat=repeat)
    b = median_time(floor, repeat=repeat)
    con.close()
    return Row("refund (1 transaction)", ms(t), "ms", ms(b), target=10.0,
               baseline_what="a one-row write transaction in raw sqlite3 (fsync floor)")


def slip_row(ctx, path: Path, repeat: int) -> Row:
    ref = _a_paid_invoice(path)
    profile = next((p for p in PROFILES.values() if getattr(p, "paper_mm", 0) == 80), None) \
        if isinstance(PROFILES, dict) else None
    if profile is None:
        return missing("slip 80 mm (build + ESC/POS)", "ms", "no 80 mm printer profile found")
    t = median_time(lambda: render_escpos(build_slip(ctx, ref), profile), repeat=repeat)
    b = median_time(lambda: get_invoice(ctx, ref), repeat=repeat)
    return Row("slip 80 mm (build + ESC/POS)", ms(t), "ms", ms(b), target=20.0,
               baseline_what="reading the same invoice alone",
               note=f"profile {getattr(profile, 'name', '?')}")


def pdf_row(ctx, path: Path, repeat: int) -> Row:
    ref = _a_paid_invoice(path)

    def blank():
        buf = io.BytesIO()
        c = canvas.Canvas(buf)
        c.drawString(72, 720, "Kasir")
        c.showPage()
        c.save()

    render_invoice_pdf(ctx, ref)  # fonts and imports loaded once, as in a running app
    t = median_time(lambda: render_invoice_pdf(ctx, ref), repeat=repeat)
    b = median_time(blank, repeat=repeat)
    return Row("invoice PDF (A4)", ms(t), "ms", ms(b), target=50.0,
               baseline_what="a one-line reportlab page")


def _a_paid_invoice(path: Path) -> int:
    con = _raw(path)
    try:
        row = con.execute("SELECT invoice_id FROM payments ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else con.execute("SELECT max(id) FROM invoices").fetchone()[0]
    finally:
        con.close()
