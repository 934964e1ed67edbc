"""The customer display (issue 16) follows a sale: the lines as they are typed in the
editor, the total, the QR while collecting, "Terima kasih" after payment; Settings
chooses the screen (off by default)."""

from __future__ import annotations

import pytest

from app.services.invoices import issue
from app.services.settings import ShopProfile, save_print_language, save_shop
from ui.display.customer_display import QR, SALE, THANKS, CustomerDisplay, DisplayFollower
from ui.display.settings import SCREEN_KEY, DisplayBox
from ui.invoices.editor import InvoiceEditor
from ui.invoices.qr_collect import QrCollectDialog


@pytest.fixture
def display(qtbot, worker, bus, ctx):
    save_shop(ctx, ShopProfile(name="Warung Budi"))
    save_print_language(ctx, "id")  # the shop speaks Indonesian; the screen shows English
    d = CustomerDisplay()
    qtbot.addWidget(d)
    follower = DisplayFollower(d, worker, bus, d)
    qtbot.waitUntil(lambda: d.shop.text() == "Warung Budi", timeout=5000)
    return d, follower


def test_the_display_follows_the_lines_as_they_are_typed(qtbot, worker, bus, display):
    d, follower = display
    editor = InvoiceEditor(worker, bus)
    qtbot.addWidget(editor)
    follower.follow_editor(editor)
    editor.lines.rows[0].set_texts(("Kopi susu", "2", "18000"))
    assert d.page == SALE and d.lines.rowCount() == 1
    assert d.lines.item(0, 0).text() == "Kopi susu"
    editor.lines.add_row(("Roti bakar", "1", "15000"), focus=False)
    assert d.lines.rowCount() == 2 and d.lines.item(1, 0).text() == "Roti bakar"
    assert "51.000" in d.total.text() and "Total" in d.total.text()  # "Total" in both


def test_a_sale_paid_on_the_spot_thanks_the_customer(qtbot, ctx, worker, bus, display,
                                                     make_draft):
    from app.services.invoices import PaymentInput, mark_paid

    d, follower = display
    editor = InvoiceEditor(worker, bus)
    qtbot.addWidget(editor)
    follower.follow_editor(editor)
    open_inv = issue(ctx, make_draft().id)
    editor.saved.emit(open_inv.id, "")  # issued, to be paid by QR or later
    qtbot.waitUntil(lambda: d.lines.rowCount() == 1 and "36.000" in d.total.text(), timeout=5000)
    assert d.page == SALE
    paid = issue(ctx, make_draft().id)
    mark_paid(ctx, paid.id, PaymentInput("cash"))
    editor.saved.emit(paid.id, "")
    qtbot.waitUntil(lambda: d.page == THANKS, timeout=5000)
    assert d.thanks.text() == "Terima kasih"


def test_qr_then_terima_kasih_when_the_sandbox_pays(qtbot, ctx, worker, bus, display, sandbox,
                                                    memory_keyring, monkeypatch, make_draft):
    monkeypatch.setenv("PLUGIPAY_KEY_ID", sandbox.key_id)
    monkeypatch.setenv("PLUGIPAY_SECRET", sandbox.secret)
    monkeypatch.setenv("PLUGIPAY_BASE_URL", sandbox.base_url)
    sandbox.set_adapter("xendit")
    d, follower = display
    inv = issue(ctx, make_draft().id)
    follower.show_invoice(inv.id)
    qtbot.waitUntil(lambda: d.lines.rowCount() == 1, timeout=5000)
    dialog = QrCollectDialog(worker, bus, inv.id, None, None, poll_ms=200)
    qtbot.addWidget(dialog)
    follower.follow_dialog(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: d.page == QR, timeout=10000)
    assert d.qr.payload == dialog.qr.payload and "36.000" in d.qr_text.text()
    sandbox.pay_session(dialog.rec.session_id)
    qtbot.waitUntil(lambda: d.page == THANKS, timeout=10000)
    assert d.thanks.text() == "Terima kasih"  # the shop's language: Indonesian


def test_settings_choose_the_screen(qtbot, settings):
    box = DisplayBox(settings)
    qtbot.addWidget(box)
    assert box.screen.currentData() == -1  # off until chosen
    with qtbot.waitSignal(box.changed) as chosen:
        box.screen.setCurrentIndex(1)
    assert chosen.args == [0] and int(settings.value(SCREEN_KEY)) == 0
