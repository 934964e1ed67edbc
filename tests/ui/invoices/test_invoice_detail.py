"""Invoice detail: what it shows, the actions its status allows, and refusals
that show the reason and change nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain.lifecycle import Action
from app.services.invoices import PaymentInput, issue, mark_paid
from app.services.queries import get_invoice, invoice_history

K = Qt.Key


def open_detail(qtbot, window, inv_id):
    window.open_invoice(inv_id)
    qtbot.waitUntil(lambda: window.detail.inv is not None and window.detail.inv.id == inv_id,
                    timeout=5000)
    return window.detail


def test_shows_numbers_lines_totals_history_and_share_panel(qtbot, ctx, window, make_draft):
    inv = make_draft(lines=(("Kopi susu", 2, 18000), ("Roti", 1, 15000)), discount=1000, tax=500,
                     memo="meja 4")
    issue(ctx, inv.id)
    detail = open_detail(qtbot, window, inv.id)
    assert "T1-000001" in detail.number.text()
    assert detail.chip.text() == "Open"
    assert "Budi Santoso" in detail.info.text() and "meja 4" in detail.info.text()
    assert detail.lines.rowCount() == 2 and detail.lines.item(0, 3).text() == "Rp 36.000"
    assert detail.totals["subtotal"].text() == "Rp 51.000"
    assert detail.totals["total"].text() == "Rp 50.500"
    assert detail.totals["due"].text() == "Rp 50.500"
    assert detail.history.count() == 2 and "ana at T1 · Issued" in detail.history.item(1).text()
    assert detail.buttons[Action.PAY].isEnabled() and detail.buttons[Action.VOID].isEnabled()
    assert not detail.buttons[Action.EDIT].isEnabled()
    assert "locked" in detail.buttons[Action.EDIT].toolTip()
    share = detail.share
    assert "Printing is not set up yet." in share.note.text()
    assert not share.buttons["print"].isEnabled()  # no print queue in this window
    assert share.buttons["pdf"].isEnabled() and share.buttons["email"].isEnabled()
    assert not share.buttons["receipt"].isEnabled()  # nothing paid yet


def test_share_panel_of_a_draft(qtbot, window, make_draft):
    detail = open_detail(qtbot, window, make_draft().id)
    share = detail.share
    assert not share.buttons["email"].isEnabled()
    assert "issue it" in share.note.text()
    assert share.buttons["preview"].isEnabled()


def test_pay_with_method_reference_and_date(qtbot, ctx, window, make_draft, keys):
    inv = issue(ctx, make_draft().id)
    detail = open_detail(qtbot, window, inv.id)
    keys.press(K.Key_F10)
    dlg = detail.dialog  # the pay step, with a "paid on" date for money that landed earlier
    transfer = next(r for r in dlg.rows if r.method == "transfer")
    transfer.amount.setText(str(inv.amount_due))
    transfer.reference.setText("BCA 123")
    dlg.paid_on.setText("kemarin")
    dlg.finish()
    assert "not a date" in dlg.reason.text() and dlg.isVisible()
    assert str(get_invoice(ctx, inv.id).status) == "open"
    dlg.paid_on.setText("2026-11-21 14:30")
    dlg.finish()
    qtbot.waitUntil(lambda: str(detail.inv.status) == "paid", timeout=5000)
    assert "paid; receipt" in detail.banner.text()
    assert "Bank transfer" in detail.history.item(2).text()
    assert "ref BCA 123" in detail.history.item(2).text()
    got = get_invoice(ctx, inv.id)
    assert got.paid_at.astimezone().strftime("%Y-%m-%d %H:%M") == "2026-11-21 14:30"


def test_void_needs_reason_and_confirmation(qtbot, ctx, window, make_draft, keys):
    inv = issue(ctx, make_draft().id)
    detail = open_detail(qtbot, window, inv.id)
    keys.press(K.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dlg = detail.dialog
    assert "cannot be undone" in dlg.findChildren(type(dlg.error))[0].text()
    keys.press(K.Key_Return)  # no reason yet: refused in the dialog
    assert dlg.isVisible() and "Give a reason" in dlg.error.text()
    keys.type("salah input")
    keys.press(K.Key_Return)
    qtbot.waitUntil(lambda: str(detail.inv.status) == "void", timeout=5000)
    got = get_invoice(ctx, inv.id)
    assert str(got.status) == "void" and got.reason == "salah input"


def test_voiding_a_paid_invoice_shows_the_reason_and_changes_nothing(qtbot, ctx, window,
                                                                       make_draft, keys, idle):
    inv = issue(ctx, make_draft().id)
    detail = open_detail(qtbot, window, inv.id)
    assert detail.buttons[Action.VOID].isEnabled()
    # Paid at another till while this screen still shows it open:
    mark_paid(ctx, inv.id, PaymentInput("cash"))
    history_before = invoice_history(ctx, inv.id)
    keys.press(K.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    keys.type("pelanggan batal")
    keys.press(K.Key_Return)
    qtbot.waitUntil(lambda: detail.banner.kind == "error", timeout=5000)
    assert detail.banner.text() == ("Refused: A paid invoice cannot be voided. "
                                    "Refund the payment instead.")
    after = get_invoice(ctx, inv.id)
    assert str(after.status) == "paid" and after.voided_at is None and after.reason == ""
    assert invoice_history(ctx, inv.id) == history_before
    qtbot.waitUntil(lambda: str(detail.inv.status) == "paid", timeout=5000)  # view caught up
    assert not detail.buttons[Action.VOID].isEnabled()
    assert "Refund" in detail.buttons[Action.VOID].toolTip()
    # and now the shortcut refuses at once, without a dialog
    detail.dialog = None
    keys.press(K.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert detail.dialog is None and "cannot be voided" in detail.banner.text()
    idle()


def test_write_off_and_issue_from_detail(qtbot, ctx, window, make_draft, keys):
    draft = make_draft()
    detail = open_detail(qtbot, window, draft.id)
    keys.press(K.Key_W, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert "draft cannot be written off" in detail.banner.text()
    keys.press(K.Key_F9)
    qtbot.waitUntil(lambda: str(detail.inv.status) == "open", timeout=5000)
    assert detail.inv.local_number == "T1-000001"
    keys.press(K.Key_W, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    keys.type("toko tutup")
    keys.press(K.Key_Return)
    qtbot.waitUntil(lambda: str(detail.inv.status) == "uncollectible", timeout=5000)
    assert detail.chip.text() == "Written off"
    assert get_invoice(ctx, draft.id).reason == "toko tutup"


def test_past_due_is_derived_from_the_clock(qtbot, ctx, clock, window, make_draft):
    from datetime import timedelta
    inv = issue(ctx, make_draft(due_at=clock() + timedelta(days=1)).id)
    clock.advance(days=2)
    detail = open_detail(qtbot, window, inv.id)
    assert detail.chip.text() == "Past due"
