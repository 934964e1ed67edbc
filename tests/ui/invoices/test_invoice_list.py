"""The invoice list screen: columns, chips, filters, Enter opens, refresh on change."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from app.services.invoices import issue, mark_paid, PaymentInput
from ui.common.changes import Change
from ui.invoices.list import Columns
from ui.common.paged_model import ID_ROLE
from ui.common.status_chip import STATUS_ROLE, chip_colours

K = Qt.Key


def test_columns_chip_and_enter_opens(qtbot, ctx, clock, window, make_draft, bus, keys, idle):
    a = issue(ctx, make_draft(due_at=clock() + timedelta(days=1), memo="meja 7").id)
    b = make_draft(lines=(("Teh", 1, 5000),))
    bus.announce(Change.INVOICES)
    model = window.invoice_list.model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=3000)
    clock.advance(days=3)  # a is past due now, derived from the clock on the next read
    bus.announce(Change.INVOICES)
    idle()
    assert model.index(0, 0).data(ID_ROLE) == b.id
    row = {c: model.index(1, c).data() for c in Columns}
    assert row[Columns.LOCAL_NUMBER] == "T1-000001"
    assert row[Columns.PLUGIPAY_NUMBER] == ""
    assert row[Columns.CUSTOMER] == "Budi Santoso"
    assert row[Columns.STATUS] == "Past due"
    assert model.index(1, Columns.STATUS).data(STATUS_ROLE) == "past_due"
    assert row[Columns.TOTAL] == "Rp 36.000" and row[Columns.AMOUNT_DUE] == "Rp 36.000"
    assert row[Columns.DUE_DATE] == "November 23, 2026"  # format_date, the language's long form
    assert row[Columns.SYNC] == "Waiting"
    assert model.index(0, Columns.LOCAL_NUMBER).data() == f"Draft #{b.id}"
    assert model.headerData(Columns.AMOUNT_DUE, Qt.Orientation.Horizontal) == "Amount due"
    assert window.invoice_list.table.verticalHeader().isHidden()

    # the chip delegate paints the status colour
    table = window.invoice_list.table
    rect = table.visualRect(model.index(1, Columns.STATUS))
    image = table.viewport().grab().toImage()
    bg = chip_colours("past_due")[0].lower()
    colours = {image.pixelColor(x, rect.center().y()).name() for x in range(rect.left(), rect.left() + 30)}
    assert bg in colours

    table.setFocus()
    table.setCurrentIndex(model.index(1, 0))
    keys.press(K.Key_Return)
    qtbot.waitUntil(lambda: window.detail.inv is not None, timeout=3000)
    assert window.detail.inv.id == a.id


def test_filters_status_customer_search(qtbot, ctx, window, make_draft, customer, idle, keys):
    from app.services.customers import CustomerInput, add_customer
    other = add_customer(ctx, CustomerInput("Sari Dewi"))
    paid = issue(ctx, make_draft(memo="kopi pagi").id)
    mark_paid(ctx, paid.id, PaymentInput("cash"))
    make_draft(customer_id=other.id)
    page = window.invoice_list
    page.model.reload()
    idle()
    assert page.model.rowCount() == 2

    page.status.setCurrentIndex(page.status.findData("paid"))
    idle()
    assert [page.model.record(r).id for r in range(page.model.rowCount())] == [paid.id]

    page.status.setCurrentIndex(0)
    page.search.setFocus()
    keys.type("pagi")  # memo, debounced
    qtbot.waitUntil(lambda: page.model.query[2] == "pagi" and not page.model.is_loading(),
                    timeout=3000)
    assert page.model.rowCount() == 1 and page.model.record(0).id == paid.id
    page.search.clear()
    idle()

    page.customer.edit.setFocus()
    keys.type("sari")
    qtbot.waitUntil(lambda: page.customer.matches.count() == 1, timeout=3000)
    keys.press(K.Key_Return)
    idle()
    assert page.model.query[1] == other.id
    assert [page.model.record(r).customer_name for r in range(page.model.rowCount())] == ["Sari Dewi"]
    assert "1 invoices shown" in page.count_label.text()

    page.search.setText("nothing like this")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0 and not page.model.is_loading(),
                    timeout=3000)
    assert page.count_label.text() == "No invoices match."


def test_list_refreshes_from_changes_only_when_told(qtbot, ctx, window, make_draft, bus, idle):
    model = window.invoice_list.model
    idle()
    reads = model.pages_read
    make_draft()
    idle()
    assert model.rowCount() == 0 and model.pages_read == reads  # no polling
    bus.announce(Change.ITEMS)  # not its business
    idle()
    assert model.pages_read == reads
    bus.announce(Change.INVOICES)
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=3000)
