"""The invoice list over 200,000 invoices reads only the pages it shows, and
stays correct while scrolling deep and filtering."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtWidgets import QTableView

from app.services.context import Context, open_store
from ui.invoices.list import InvoiceListModel
from ui.common.worker import DbWorker

N_INVOICES = 200_000
N_CUSTOMERS = 500
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)
STATUSES = ("draft", "open", "open_past", "paid", "void", "uncollectible")


def _ts(dt):
    return dt.astimezone(timezone.utc).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


@pytest.fixture(scope="session")
def big_db(tmp_path_factory):
    """Built with raw executemany into the real (migrated) schema: a few seconds."""
    path = tmp_path_factory.mktemp("big") / "big.db"
    open_store(path).dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA journal_mode=MEMORY")
    created = _ts(NOW - timedelta(days=30))
    con.executemany(
        "INSERT INTO customers (id, name, email, phone, tax_id, notes, created_at, updated_at)"
        " VALUES (?, ?, '', '', '', '', ?, ?)",
        [(i, ("Sari Rahayu %d" % i) if i % 50 == 0 else ("Pelanggan %04d" % i), created, created)
         for i in range(1, N_CUSTOMERS + 1)])
    future, past = _ts(NOW + timedelta(days=7)), _ts(NOW - timedelta(days=3))
    rows = []
    for i in range(1, N_INVOICES + 1):
        kind = STATUSES[i % len(STATUSES)]
        status = "open" if kind == "open_past" else kind
        due = past if kind == "open_past" else (future if kind == "open" else None)
        local = None if status == "draft" else "T1-%06d" % i
        total = 1000 * (i % 97 + 1)
        paid = total if status == "paid" else 0
        rows.append((i, "T1", local, "IDR", status, total, 0, 0, total, paid, due,
                     "kopi %d" % i if i % 1000 == 0 else "", "synced" if i % 2 else "pending",
                     "ana", created, created, 1 + (i % N_CUSTOMERS)))
    con.executemany(
        "INSERT INTO invoices (id, till_code, local_number, currency, status, subtotal, discount,"
        " tax, total, amount_paid, due_at, memo, sync_state, created_by, created_at, updated_at,"
        " customer_id, reason, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?, '', 1)", rows)
    con.executemany(
        "INSERT INTO invoice_lines (invoice_id, position, description, quantity, unit_amount,"
        " amount) VALUES (?, 0, 'Kopi susu', 1, ?, ?)",
        [(i, 1000 * (i % 97 + 1), 1000 * (i % 97 + 1)) for i in range(1, N_INVOICES + 1, 100)])
    con.commit()
    con.close()
    return path


@pytest.fixture
def big(big_db, qapp):
    store = open_store(big_db)
    ctx = Context(store, operator="ana", till="T1", clock=lambda: NOW)
    worker = DbWorker(ctx)
    yield ctx, worker
    worker.stop()
    store.dispose()


def expected_ids(big_db, where: str, limit: int, params=()) -> list[int]:
    con = sqlite3.connect(big_db)
    try:
        return [r[0] for r in con.execute(
            "SELECT invoices.id FROM invoices JOIN customers ON customers.id = invoices.customer_id"
            f" WHERE {where} ORDER BY invoices.id DESC LIMIT {limit}", params)]
    finally:
        con.close()


def scroll_to_end_and_fetch(qtbot, view, model):
    before = model.rowCount()
    view.scrollToBottom()  # the view asks fetchMore() when the end comes into sight
    qtbot.waitUntil(lambda: model.rowCount() > before and not model.is_loading(), timeout=5000)


def test_reads_only_what_it_shows_while_scrolling(qtbot, big, big_db, monkeypatch):
    ctx, worker = big
    import app.services.queries as queries
    limits = []
    real = queries.list_invoices

    def counting(c, q):
        limits.append(q.limit)
        page = real(c, q)
        return page
    monkeypatch.setattr(queries, "list_invoices", counting)

    model = InvoiceListModel(worker)
    view = QTableView()
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.setModel(model)
    view.show()
    qtbot.wait(50)
    assert model.rows_read == 0  # nothing is read before the filters are known
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_filter()
    qtbot.wait(100)  # give the view every chance to ask for more than it shows
    assert model.rowCount() == model.rows_read == model.page_size == 100
    assert model.pages_read == 1 and limits == [100]
    assert [model.record(r).id for r in range(3)] == [200_000, 199_999, 199_998]

    for _ in range(20):
        scroll_to_end_and_fetch(qtbot, view, model)
    assert model.rowCount() == model.rows_read == 21 * 100
    assert model.pages_read == 21 and limits == [100] * 21
    ids = [model.record(r).id for r in range(model.rowCount())]
    assert ids == list(range(200_000, 200_000 - 2100, -1))  # no gap, no duplicate
    rec = model.record(2099)
    assert model.index(2099, 0).data() == rec.display_number
    assert model.index(2099, 2).data() == rec.customer_name


@pytest.mark.parametrize("status, where", [
    ("past_due", "invoices.status = 'open' AND invoices.due_at < '2026-11-22 09:00:00'"),
    ("open", "invoices.status = 'open' AND (invoices.due_at IS NULL OR invoices.due_at >= '2026-11-22 09:00:00')"),
    ("paid", "invoices.status = 'paid'"),
])
def test_filters_stay_correct_at_depth(qtbot, big, big_db, status, where):
    ctx, worker = big
    model = InvoiceListModel(worker)
    view = QTableView()
    qtbot.addWidget(view)
    view.resize(900, 400)
    view.setModel(model)
    view.show()
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_filter(status=status)
    for _ in range(4):
        scroll_to_end_and_fetch(qtbot, view, model)
    got = [model.record(r).id for r in range(model.rowCount())]
    assert got == expected_ids(big_db, where, 500)
    assert model.rows_read == 500  # exactly the five pages shown
    assert {str(model.record(r).status) for r in range(model.rowCount())} == {status}


def test_search_and_customer_filter(qtbot, big, big_db):
    ctx, worker = big
    model = InvoiceListModel(worker)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.show()
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_filter(search="sari rahayu")
    scroll_to_end_and_fetch(qtbot, view, model)
    got = [model.record(r).id for r in range(model.rowCount())]
    assert got == expected_ids(big_db, "lower(customers.name) LIKE '%sari rahayu%'", 200)
    assert all(model.record(r).customer_name.startswith("Sari") for r in range(len(got)))

    read_before = model.rows_read
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_filter(search="kopi 1990")  # memo text
    assert [model.record(r).id for r in range(model.rowCount())] == [199_000, 19_900] \
        if False else [model.record(r).id for r in range(model.rowCount())] == \
        expected_ids(big_db, "lower(invoices.memo) LIKE '%kopi 1990%'", 100)
    assert model.rows_read - read_before == model.rowCount()

    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_filter(customer_id=250, status="paid")
    got = [model.record(r).id for r in range(model.rowCount())]
    assert got and got == expected_ids(
        big_db, "invoices.customer_id = 250 AND invoices.status = 'paid'", 100)

    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_filter(search="T1-199999")
    assert [model.record(r).id for r in range(model.rowCount())] == [199_999]
