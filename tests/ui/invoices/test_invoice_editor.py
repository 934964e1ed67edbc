"""The invoice editor: live summary, invalid input marked where it is and
refused (nothing saved), inline customers, drafts, items by code."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from app.services.items import ItemInput, add_item
from app.services.queries import invoice_history
from app.store.models import Customer, Invoice

K = Qt.Key


def count(ctx, model) -> int:
    with ctx.store.reader() as uow:
        return uow.session.execute(select(func.count()).select_from(model)).scalar_one()


def open_editor(qtbot, window):
    qtbot.keyClick(window.focusWidget() or window, K.Key_N, Qt.KeyboardModifier.ControlModifier)
    return window.editor


def fill_row(row, desc, qty, unit):
    row.desc.setText(desc)
    row.qty.setText(qty)
    row.unit.setText(unit)


def test_summary_updates_as_you_type_in_the_invoice_currency(qtbot, window, customer, keys):
    editor = open_editor(qtbot, window)
    editor.customer.pick(customer, move_on=False)
    row = editor.lines.rows[0]
    fill_row(row, "Kopi", "2", "18.000")
    assert editor.summary["subtotal"].text() == "Rp 36.000"
    assert row.amount.text() == "Rp 36.000"
    editor.discount.setText("1.000")
    editor.tax_mode.setCurrentIndex(editor.tax_mode.findData("typed"))  # rupiah typed by hand
    editor.tax.setText("3960")
    assert editor.summary["discount"].text() == "-Rp 1.000"
    assert editor.summary["total"].text() == "Rp 38.960"
    assert editor.summary["due"].text() == "Rp 38.960"
    editor.currency.setCurrentText("USD")
    editor.discount.clear()
    editor.tax.clear()
    row.unit.setText("10.50")
    assert editor.summary["total"].text() == "$21.00"
    editor.discount.setText("1.005")  # three decimals: marked at once
    assert editor.discount.property("invalid")
    assert "2 decimals" in editor.errors.message("discount")


def test_invalid_input_is_marked_and_nothing_is_saved(qtbot, ctx, window, customer, idle):
    editor = open_editor(qtbot, window)
    before = count(ctx, Invoice)
    editor.save(issue=False)  # empty: no lines (no customer is the walk-in customer)
    assert not editor.customer.edit.property("invalid")
    assert "at least one line" in editor.errors.message("lines")
    assert editor.banner.text().startswith("Nothing was saved.")

    editor.customer.pick(customer, move_on=False)
    row = editor.lines.rows[0]
    fill_row(row, "Kopi", "1.5", "18.000")
    editor.lines.add_row(("", "", "abc"), focus=False)
    editor.due.setText("31/12/2026")
    editor.save(issue=True)
    assert row.qty.property("invalid") and "whole number" in row.qty.toolTip()
    second = editor.lines.rows[1]
    assert second.desc.property("invalid") and second.unit.property("invalid")
    assert "not an amount" in second.unit.toolTip()
    assert "not a valid due date" in editor.errors.message("due_at")
    idle()
    assert count(ctx, Invoice) == before and window.screen_name() == "editor"

    # a due date already past is refused by the service: shown, still nothing saved
    row.qty.setText("1.000")  # grouping: one thousand
    assert row.amount.text() == "Rp 18.000.000"
    row.qty.setText("2")
    editor.lines.remove_row(second)
    editor.due.setText("2020-01-01")
    editor.save(issue=True)
    qtbot.waitUntil(lambda: editor.errors.message("due_at") != "", timeout=3000)
    assert "already past" in editor.errors.message("due_at")
    assert count(ctx, Invoice) == before
    assert editor.issue_button.isEnabled()


def test_typed_customer_must_be_picked(qtbot, window, ctx):
    editor = open_editor(qtbot, window)
    editor.customer.edit.setText("Nobody yet")
    fill_row(editor.lines.rows[0], "Kopi", "1", "1000")
    editor.save(issue=False)
    assert "Pick the customer" in editor.errors.message("customer_id")
    assert count(ctx, Invoice) == 0


def test_new_customer_inline(qtbot, window, ctx, idle, keys):
    editor = open_editor(qtbot, window)
    keys.press(K.Key_F2)
    keys.type("Sari Dewi")
    keys.press(K.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dlg = editor.customer_dialog
    assert dlg.inputs["name"].text() == "Sari Dewi"
    dlg.inputs["email"].setText("not-an-email")
    dlg.save()
    qtbot.waitUntil(lambda: dlg.errors.message("email") != "", timeout=3000)
    assert count(ctx, Customer) == 0 and dlg.isVisible()
    dlg.inputs["email"].setText("sari@example.com")
    dlg.inputs["phone"].setFocus()
    keys.press(K.Key_Return)
    qtbot.waitUntil(lambda: editor.customer.customer is not None, timeout=3000)
    assert editor.customer.customer.name == "Sari Dewi"
    assert editor.customer.edit.text() == "Sari Dewi"
    assert count(ctx, Customer) == 1
    idle()


def test_save_draft_then_edit_it(qtbot, ctx, window, customer, idle):
    editor = open_editor(qtbot, window)
    editor.customer.pick(customer, move_on=False)
    fill_row(editor.lines.rows[0], "Kopi", "", "18000")  # empty quantity means 1
    editor.memo.setText("meja 4")
    editor.due.setText("+7")
    editor.save(issue=False)
    qtbot.waitUntil(lambda: window.screen_name() == "detail" and window.detail.inv is not None,
                    timeout=5000)
    inv = window.detail.inv
    assert inv.local_number is None and inv.total == 18000 and inv.memo == "meja 4"
    assert inv.due_at.date().isoformat() == "2026-11-29"
    window.detail.edit()
    assert window.screen_name() == "editor" and editor.invoice_id == inv.id
    assert editor.lines.rows[0].unit.text() == "18.000"
    editor.lines.rows[0].qty.setText("3")
    editor.save(issue=False)
    qtbot.waitUntil(lambda: window.screen_name() == "detail" and window.detail.inv is not None
                    and window.detail.inv.total == 54000, timeout=5000)
    assert [h.action for h in invoice_history(ctx, inv.id)] == ["create", "edit"]
    assert count(ctx, Invoice) == 1
    idle()


def test_scanned_code_for_other_currency_or_unknown_is_marked(qtbot, ctx, window, customer, idle):
    add_item(ctx, ItemInput("USB", "Cable", 1050, "USD"))
    editor = open_editor(qtbot, window)
    editor.lines.code.setText("usb")
    editor.lines._code_entered()
    qtbot.waitUntil(lambda: editor.lines.code_error.text() != "", timeout=3000)
    assert "priced in USD" in editor.lines.code_error.text()
    editor.lines.code.setText("nope")
    editor.lines._code_entered()
    qtbot.waitUntil(lambda: "No item has the code NOPE" in editor.lines.code_error.text(),
                    timeout=3000)
    assert editor.lines.filled_rows() == []
    editor.currency.setCurrentText("USD")
    editor.lines.code.setText("usb")
    editor.lines._code_entered()
    qtbot.waitUntil(lambda: editor.lines.filled_rows() != [], timeout=3000)
    assert editor.summary["total"].text() == "$10.50"
    idle()


def test_lines_reorder_and_remove_by_keyboard(qtbot, window, keys):
    editor = open_editor(qtbot, window)
    lines = editor.lines
    fill_row(lines.rows[0], "A", "1", "100")
    lines.add_row(("B", "2", "200"), focus=False)
    lines.rows[1].desc.setFocus()
    keys.press(K.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert [r.desc.text() for r in lines.rows] == ["B", "A"]
    assert keys.focused() is lines.rows[0].desc
    keys.press(K.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert [r.desc.text() for r in lines.rows] == ["A"]
    assert editor.summary["total"].text() == "Rp 100"
