"""Customers, items and settings screens."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.services.customers import CustomerInput, add_customer, get_customer
from app.services.invoices import issue
from app.services.items import list_items
from app.services.settings import get_shop

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def test_customers_list_search_add_edit_and_invoices(qtbot, ctx, window, customer, make_draft,
                                                      keys, idle):
    add_customer(ctx, CustomerInput("Sari Dewi", phone="0812 1111 2222"))
    inv = issue(ctx, make_draft().id)
    keys.press(K.Key_2, CTRL)
    page = window.customers
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=3000)
    keys.type("budi")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and not page.model.is_loading(),
                    timeout=3000)
    assert page.model.record(0).name == "Budi Santoso"
    qtbot.waitUntil(lambda: page.invoices.rowCount() == 1, timeout=3000)
    assert page.invoices.record(0).id == inv.id and "Budi" in page.invoices_title.text()

    keys.press(K.Key_E, CTRL)  # edit: a bad email is refused where it is
    dlg = page.dialog
    dlg.inputs["email"].setText("budi@")
    dlg.save()
    qtbot.waitUntil(lambda: dlg.errors.message("email") != "", timeout=3000)
    assert get_customer(ctx, customer.id).email == "budi@example.com"
    dlg.inputs["email"].setText("budi.s@example.com")
    dlg.save()
    qtbot.waitUntil(lambda: not dlg.isVisible(), timeout=3000)
    assert get_customer(ctx, customer.id).email == "budi.s@example.com"

    page.search.clear()
    keys.press(K.Key_C, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dlg = page.dialog
    dlg.inputs["name"].setText("Toko Maju")
    dlg.save()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3 and not page.model.is_loading(),
                    timeout=3000)
    assert page.model.record(0).name == "Toko Maju"

    keys.focus(page.table)
    page.table.setCurrentIndex(page.model.index(2, 0))
    qtbot.waitUntil(lambda: page.invoices.rowCount() == 1, timeout=3000)
    keys.focus(page.invoice_table)
    page.invoice_table.setCurrentIndex(page.invoices.index(0, 0))
    keys.press(K.Key_Return)  # opens the invoice
    qtbot.waitUntil(lambda: window.screen_name() == "detail" and window.detail.inv is not None,
                    timeout=3000)
    assert window.detail.inv.id == inv.id
    idle()


def test_items_add_edit_and_refuse(qtbot, ctx, window, keys, idle):
    keys.press(K.Key_3, CTRL)
    page = window.items
    keys.press(K.Key_I, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dlg = page.dialog
    dlg.code.setText("899100")
    dlg.name.setText("Kopi susu")
    dlg.price.setText("abc")
    dlg.save()
    assert "not an amount" in dlg.errors.message("unit_amount") and dlg.isVisible()
    dlg.price.setText("18.000")
    dlg.save()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    assert page.model.index(0, 2).data() == "Rp 18.000"
    assert [(i.code, i.unit_amount) for i in list_items(ctx).items] == [("899100", 18000)]

    keys.press(K.Key_I, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dlg = page.dialog
    dlg.code.setText("899100")
    dlg.name.setText("Other")
    dlg.price.setText("1")
    dlg.save()
    qtbot.waitUntil(lambda: dlg.errors.message("code") != "", timeout=3000)
    assert "already used" in dlg.errors.message("code")
    dlg.reject()
    assert len(list_items(ctx).items) == 1

    keys.focus(page.table)
    page.table.setCurrentIndex(page.model.index(0, 0))
    keys.press(K.Key_E, CTRL)
    page.dialog.price.setText("20.000")
    page.dialog.save()
    qtbot.waitUntil(lambda: page.model.index(0, 2).data() == "Rp 20.000", timeout=3000)
    idle()


def test_settings_shop_profile(qtbot, ctx, window, keys, idle):
    keys.press(K.Key_4, CTRL)
    page = window.settings_page
    qtbot.waitUntil(lambda: page.inputs["name"].text() == "Toko Kasir", timeout=3000)
    page.inputs["accent_color"].setText("teal")
    page.save()
    qtbot.waitUntil(lambda: page.errors.message("accent_color") != "", timeout=3000)
    assert get_shop(ctx).accent_color == "#0F766E"
    page.inputs["accent_color"].setText("#112233")
    page.inputs["name"].setText("Warung Bu Sri")
    page.save()
    qtbot.waitUntil(lambda: page.banner.text() == "Saved.", timeout=3000)
    assert get_shop(ctx).name == "Warung Bu Sri"
    from PySide6.QtWidgets import QLabel
    assert any("Printing is not set up" in w.text() for w in page.findChildren(QLabel))
    idle()
