"""The sale screen at the counter: a sale by keyboard alone in few keys, the
favourites grid, touch-sized controls, the shift prompt, the empty list's hint,
the scanned quantity as text, Tab through the lines, the walk-in default and
the tax computed from rates."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import select

from app.reconcile.shift import open_shift, shift_is_open, shift_report
from app.services.customers import get_walk_in_customer
from app.services.items import ItemInput, add_item
from app.services.queries import get_invoice, invoice_receipts
from app.store.models import Invoice, Payment

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


class Counted:
    """The Keys helper, counting each key a person presses (a scan is not a key)."""

    def __init__(self, keys):
        self.keys, self.count = keys, 0

    def press(self, key, mods=None):
        self.count += 1
        self.keys.press(key, mods)

    def type(self, text):
        self.count += len(text)
        self.keys.type(text)

    def scan(self, code):  # the scanner types the code and Enter: no key of the cashier's
        self.keys.type(code)
        self.keys.press(K.Key_Return)


def test_a_sale_by_keyboard_alone_in_eight_keys(qtbot, ctx, window, idle, keys):
    add_item(ctx, ItemInput("8991234567890", "Kopi susu", 18000))
    add_item(ctx, ItemInput("8990000000017", "Roti bakar", 15000))
    open_shift(ctx, {"IDR": 200_000})
    idle()
    k = Counted(keys)
    k.press(K.Key_N, CTRL)  # a new sale, focus in the code field
    editor = window.editor
    assert keys.focused() is editor.lines.code
    k.scan("8991234567890")
    qtbot.waitUntil(lambda: editor.lines.rows[0].desc.text() == "Kopi susu", timeout=3000)
    k.scan("8990000000017")
    qtbot.waitUntil(lambda: editor.lines.rows[1].desc.text() == "Roti bakar", timeout=3000)
    assert editor.summary["due"].text() == "Rp 33.000"
    k.press(K.Key_Return)  # Enter in the empty code field: pay (F12 does the same)
    qtbot.waitUntil(lambda: editor.pay_dialog is not None and editor.pay_dialog.isVisible(),
                    timeout=5000)
    step = editor.pay_dialog
    assert keys.focused() is step.cash and step.due_label.text() == "Rp 33.000"
    k.type("50000")
    assert step.change_label.text() == "Rp 17.000"
    k.press(K.Key_Return)  # finish
    qtbot.waitUntil(lambda: window.screen_name() == "detail" and window.detail.inv is not None
                    and str(window.detail.inv.status) == "paid", timeout=5000)
    assert "Change: Rp 17.000" in window.detail.banner.text()
    assert k.count == 8  # Ctrl+N, Enter, 5 digits, Enter (was 22 keys + scans)

    inv = get_invoice(ctx, "T1-000001")
    assert inv.customer_id == get_walk_in_customer(ctx).id and inv.total == 33000
    assert [(l.description, l.quantity, l.shelf_unit_amount) for l in inv.lines] == [
        ("Kopi susu", 1, 18000), ("Roti bakar", 1, 15000)]
    assert [(r.method, r.amount) for r in invoice_receipts(ctx, inv.id)] == [("cash", 33000)]
    with ctx.store.reader() as uow:
        pays = uow.session.execute(select(Payment)).scalars().all()
        assert [(p.cash_received, p.change) for p in pays] == [(50000, 17000)]
        assert len(uow.session.execute(select(Invoice)).scalars().all()) == 1
    report = shift_report(ctx)
    assert report["cash"]["IDR"]["expected"] == 200_000 + 33_000


def test_scanned_quantity_is_text_and_tab_walks_the_lines(qtbot, ctx, window, idle, keys):
    add_item(ctx, ItemInput("KOPI", "Kopi susu", 18000))
    idle()
    keys.press(K.Key_N, CTRL)
    editor = window.editor
    keys.type("kopi")
    keys.press(K.Key_Return)
    row = editor.lines.rows[0]
    qtbot.waitUntil(lambda: row.desc.text() == "Kopi susu", timeout=3000)
    assert row.qty.text() == "1"  # text, not the grey placeholder
    assert keys.focused() is editor.lines.code
    keys.press(K.Key_Tab)
    assert keys.focused() is row.desc
    keys.press(K.Key_Tab)
    assert keys.focused() is row.qty
    keys.press(K.Key_Tab)
    assert keys.focused() is row.unit
    keys.press(K.Key_Tab)
    assert keys.focused() is editor.lines.rows[1].desc


def test_walk_in_is_the_default_and_tax_comes_from_rates(qtbot, ctx, window, idle, keys):
    add_item(ctx, ItemInput("BERAS", "Beras 5 kg", 75000, tax_rate="0"))  # exempt goods
    add_item(ctx, ItemInput("SABUN", "Sabun", 11100))
    idle()
    keys.press(K.Key_N, CTRL)
    editor = window.editor
    idle()
    assert "Walk-in customer" in editor.customer.edit.placeholderText()
    assert editor.tax_mode.currentText() == "Shop rate 11 %" and editor.tax.isReadOnly()
    assert "Prices include tax" in editor.rates_label.text()
    for code in ("beras", "sabun"):
        keys.type(code)
        keys.press(K.Key_Return)
        qtbot.waitUntil(lambda: len(editor.lines.filled_rows()) == (1 if code == "beras" else 2),
                        timeout=3000)
    # the shelf prices are paid exactly; only the soap carries PPN: 11.100 - 10.000
    assert editor.summary["total"].text() == "Rp 86.100"
    assert editor.summary["tax"].text() == "Rp 1.100"
    assert "0 %: tax Rp 0" in editor.rates_label.text()  # each rate group's tax
    assert "11 %: tax Rp 1.100" in editor.rates_label.text()
    editor.save(issue=True)
    qtbot.waitUntil(lambda: window.screen_name() == "detail", timeout=5000)
    inv = get_invoice(ctx, "T1-000001")
    assert (inv.total, inv.tax) == (86100, 1100)
    assert [l.tax_rate for l in inv.lines] == [0, 1100]


def test_favourites_grid_adds_a_line_by_category(qtbot, ctx, window, idle, keys):
    add_item(ctx, ItemInput("TEH", "Es teh", 5000, favourite=True, category="Minuman"))
    add_item(ctx, ItemInput("ROTI", "Roti bakar", 15000, favourite=True, category="Makanan"))
    add_item(ctx, ItemInput("LAIN", "Not a favourite", 1000))
    idle()
    keys.press(K.Key_N, CTRL)
    editor = window.editor
    grid = editor.favourites
    qtbot.waitUntil(lambda: "TEH" in grid.buttons, timeout=3000)
    assert [grid.tabText(i) for i in range(grid.count())] == ["Makanan", "Minuman"]
    assert set(grid.buttons) == {"TEH", "ROTI"}
    grid.buttons["TEH"].click()
    grid.buttons["TEH"].click()  # again: the same line, quantity 2
    row = editor.lines.rows[0]
    assert (row.desc.text(), row.qty.text(), row.unit.text()) == ("Es teh", "2", "5.000")
    assert editor.summary["total"].text() == "Rp 10.000"
    assert keys.focused() is editor.lines.code  # the keyboard stays ready to scan


def test_favourite_and_category_set_in_the_item_dialog(qtbot, ctx, window, idle):
    window.nav.setCurrentRow(2)
    page = window.items
    dlg = page.open_dialog(None)
    dlg.code.setText("KOPI")
    dlg.name.setText("Kopi susu")
    dlg.price.setText("18.000")
    dlg.favourite.setChecked(True)
    dlg.category.setText("Minuman")
    dlg.tax_rate.setText("12")
    with qtbot.waitSignal(dlg.saved, timeout=3000) as saved:
        dlg.save()
    rec = saved.args[0]
    assert (rec.favourite, rec.category, rec.tax_rate) == (True, "Minuman", 1200)


def test_touch_size_setting_changes_control_heights(qtbot, window, idle):
    window.nav.setCurrentRow(3)
    page = window.settings_page
    button = window.editor.pay_button  # any button of the window
    plain = QPushButton("x", window.invoice_list)
    plain.show()
    before = plain.sizeHint().height()
    assert before < 44
    page.counter.touch.setChecked(True)
    qtbot.waitUntil(lambda: plain.sizeHint().height() >= 44, timeout=2000)
    assert button.minimumSizeHint().height() >= 44
    assert window.settings.value("counter/touch") == "true"
    page.counter.touch.setChecked(False)
    qtbot.waitUntil(lambda: plain.sizeHint().height() == before, timeout=2000)


def test_touch_setting_is_kept_for_the_next_window(qtbot, worker, bus, settings):
    from ui.main_window import MainWindow

    settings.setValue("counter/touch", "true")
    win = MainWindow(worker, bus, operator="ana", till="T1", settings=settings)
    qtbot.addWidget(win)
    assert win.touch and "44px" in win.styleSheet()


def test_first_sale_without_a_shift_prompts_for_the_float(qtbot, ctx, window, idle, keys):
    keys.press(K.Key_N, CTRL)
    editor = window.editor
    box = editor.shift_box
    qtbot.waitUntil(box.isVisible, timeout=3000)
    assert not shift_is_open(ctx)
    box.float_edit.setText("abc")
    box.open()
    assert box.float_edit.property("invalid") and not shift_is_open(ctx)
    box.float_edit.setText("200.000")
    qtbot.keyClick(box.float_edit, K.Key_Return)
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=3000)
    assert shift_is_open(ctx) and shift_report(ctx)["openingFloat"] == {"IDR": 200000}
    assert "200.000" in editor.banner.text()
    editor.closed.emit()
    keys.press(K.Key_N, CTRL)  # the next sale: a shift is open, no prompt
    idle()
    assert not box.isVisible()


def test_shift_page_opens_a_shift_and_focuses_the_count(qtbot, ctx, window, idle):
    window.nav.setCurrentRow(5)
    page = window.shift
    qtbot.waitUntil(lambda: page.report is not None, timeout=5000)
    assert page.open_box.isVisible()  # nobody opened a shift
    assert page.focusWidget() is page.counted["IDR"]
    page.open_box.float_edit.setText("150.000")
    page.open_box.open()
    qtbot.waitUntil(lambda: page.report is not None and page.report.get("shiftId") is not None,
                    timeout=5000)
    assert not page.open_box.isVisible()
    assert page.report["openingFloat"] == {"IDR": 150000}
    assert "150.000" in page.banner.text()


def test_empty_list_says_how_to_sell(qtbot, window, idle, make_draft):
    label = window.invoice_list.count_label
    assert label.text() == "No invoices yet. Press Ctrl+N to sell."
    window.invoice_list.search.setText("nothing like this")
    window.invoice_list.apply_filters()
    qtbot.waitUntil(lambda: label.text() == "No invoices match.", timeout=3000)


def test_status_bar_shows_a_readable_backup_time(window):
    from datetime import datetime, timezone

    taken = datetime.now(timezone.utc)
    window.show_backup(taken, "/data/backups/kasir-20261206-1402.db")
    assert window.backup_label.text() == "Backed up " + taken.astimezone().strftime("%H:%M")
    assert window.backup_label.toolTip().endswith(".db")


def test_header_shows_the_shop_name_and_the_navigation_has_icons(qtbot, window, idle):
    idle()
    assert window.shop_label.text() == "Toko Kasir"
    assert all(not window.nav.item(i).icon().isNull() for i in range(window.nav.count()))


def test_focus_comes_back_after_the_void_dialog(qtbot, ctx, window, make_draft, keys):
    from app.services.invoices import issue

    inv = issue(ctx, make_draft().id)
    window.open_invoice(inv.id)
    detail = window.detail
    qtbot.waitUntil(lambda: detail.inv is not None, timeout=3000)
    keys.press(K.Key_V, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dlg = detail.dialog
    assert keys.focused() is dlg.reason
    qtbot.keyClicks(dlg.reason, "salah input")
    qtbot.keyClick(dlg.reason, K.Key_Return)
    qtbot.waitUntil(lambda: str(detail.inv.status) == "void", timeout=5000)
    # no key of ours re-activated the window: it is active, and something in it has the focus
    assert window.isActiveWindow() and window.focusWidget() is not None
