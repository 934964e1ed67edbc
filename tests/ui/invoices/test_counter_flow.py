"""The whole counter flow by keyboard alone: new invoice -> customer -> scan and
type lines -> issue -> mark paid -> back to the list; then the database is checked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from app.services.items import ItemInput, add_item
from app.services.queries import get_invoice, invoice_receipts
from app.store.models import Invoice

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def test_counter_flow_by_keyboard(qtbot, ctx, customer, window, idle, keys):
    add_item(ctx, ItemInput("8991234567890", "Kopi susu", 18000))
    add_item(ctx, ItemInput("ROTI", "Roti bakar", 15000))
    idle()

    keys.press(K.Key_N, CTRL)  # new sale: focus is in the code field, ready to scan
    editor = window.editor
    assert window.screen_name() == "editor"
    assert keys.focused() is editor.lines.code
    keys.press(K.Key_F2)  # a named customer instead of the walk-in customer
    assert keys.focused() is editor.customer.edit
    keys.type("budi")
    qtbot.waitUntil(lambda: editor.customer.matches.count() == 1, timeout=3000)
    keys.press(K.Key_Return)  # pick Budi; focus moves on to the code field
    assert editor.customer.customer.id == customer.id
    assert keys.focused() is editor.lines.code
    keys.press(K.Key_F2)  # back to the customer, and F4 to the code field again
    assert keys.focused() is editor.customer.edit
    keys.press(K.Key_F4)  # a scanner types the code and Enter
    assert keys.focused() is editor.lines.code
    keys.type("8991234567890")
    keys.press(K.Key_Return)
    qtbot.waitUntil(lambda: editor.lines.rows[0].desc.text() == "Kopi susu", timeout=3000)
    keys.type("8991234567890")  # the same again: quantity 2
    keys.press(K.Key_Return)
    qtbot.waitUntil(lambda: editor.lines.rows[0].qty.text() == "2", timeout=3000)

    # a typed line: Enter moves description -> quantity -> price -> next line
    blank = editor.lines.rows[-1]
    blank.desc.setFocus()
    keys.type("Es teh manis")
    keys.press(K.Key_Return)
    assert keys.focused() is blank.qty
    keys.type("3")
    keys.press(K.Key_Return)
    keys.type("5.000")
    keys.press(K.Key_Return)
    assert len(editor.lines.rows) == 3 and keys.focused() is editor.lines.rows[2].desc
    keys.type("roti")  # a code typed into a line's description
    keys.press(K.Key_Return)
    qtbot.waitUntil(lambda: editor.lines.rows[2].desc.text() == "Roti bakar", timeout=3000)
    assert keys.focused() is editor.lines.rows[3].desc
    assert editor.summary["total"].text() == "Rp 66.000"  # 36.000 + 15.000 + 15.000

    keys.press(K.Key_F9)  # issue
    qtbot.waitUntil(lambda: window.screen_name() == "detail" and window.detail.inv is not None,
                    timeout=5000)
    detail = window.detail
    assert detail.inv.local_number == "T1-000001"
    assert "issued" in detail.banner.text()

    keys.press(K.Key_F10)  # the pay step: F5 is the exact cash, Enter finishes
    qtbot.waitUntil(lambda: detail.dialog is not None and detail.dialog.isVisible(), timeout=2000)
    keys.press(K.Key_F5)
    keys.press(K.Key_Return)
    qtbot.waitUntil(lambda: detail.inv is not None and str(detail.inv.status) == "paid",
                    timeout=5000)
    assert "Paid" in detail.chip.text()

    detail.setFocus()
    keys.press(K.Key_Escape)  # back to the list, which shows it paid
    assert window.screen_name() == "list"
    idle()
    model = window.invoice_list.model
    assert model.record(0).local_number == "T1-000001" and str(model.record(0).status) == "paid"

    inv = get_invoice(ctx, "T1-000001")
    # shelf prices include PPN 11 % (the shop's default): the customer pays them exactly
    assert [(l.description, l.quantity, l.shelf_unit_amount, l.tax_rate) for l in inv.lines] == [
        ("Kopi susu", 2, 18000, 1100), ("Es teh manis", 3, 5000, 1100),
        ("Roti bakar", 1, 15000, 1100)]
    assert inv.total == 66000 and inv.amount_paid == 66000 and inv.customer_id == customer.id
    receipts = invoice_receipts(ctx, inv.id)
    assert [(r.method, r.amount) for r in receipts] == [("cash", 66000)]
    with ctx.store.reader() as uow:
        assert len(uow.session.execute(select(Invoice)).scalars().all()) == 1


def test_issue_and_pay_on_the_spot_with_non_ascii_text(qtbot, ctx, customer, window, idle, keys):
    keys.press(K.Key_N, CTRL)
    editor = window.editor
    editor.customer.pick(customer, move_on=False)
    row = editor.lines.rows[0]
    row.desc.setFocus()
    QTest.sendKeyEvent(QTest.KeyAction.Click, row.desc, K.Key_unknown, "Kué lapis — 1 kotak",
                       Qt.KeyboardModifier.NoModifier)
    keys.press(K.Key_Return)
    keys.type("2")
    keys.press(K.Key_Return)
    keys.type("12500")
    keys.press(K.Key_P, CTRL)  # mark paid now
    assert editor.pay_now.isChecked()
    keys.press(K.Key_F9)
    qtbot.waitUntil(lambda: window.screen_name() == "detail" and window.detail.inv is not None,
                    timeout=5000)
    assert "receipt T1-R000001" in window.detail.banner.text()
    inv = get_invoice(ctx, "T1-000001")
    assert inv.lines[0].description == "Kué lapis — 1 kotak"
    assert str(inv.status) == "paid" and inv.total == 25000
