"""Returns at the counter in the window (issue 15): the refund dialog by lines
and by amount (the database read back after), a refusal shown in the dialog
with nothing stored, a cashier's refund with a manager's approval, the slip
printed through the queue (ESC/POS decoded), reprint and credit note from the
detail, and the list's mark on refunded invoices."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402

from app.domain.refunds import RefundInput  # noqa: E402
from app.services.invoices import PaymentInput, create_and_issue, mark_paid  # noqa: E402
from app.services.queries import get_invoice, invoice_history  # noqa: E402
from app.services.refunds import list_refunds, refund  # noqa: E402
from tests.app.printing.escpos_decoder import decode  # noqa: E402
from tests.conftest import draft_input  # noqa: E402
from ui.common.changes import Change  # noqa: E402
from ui.invoices.list import Columns  # noqa: E402
from ui.invoices.refund_dialog import AMOUNT  # noqa: E402

K = Qt.Key
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
LINES = (("Kopi susu", 2, 18000), ("Roti bakar", 3, 12500))


def db_digest(path) -> str:
    """Every row of every table, hashed: equal digests mean nothing changed."""
    conn = sqlite3.connect(path)
    h = hashlib.sha256()
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
        rows = sorted(repr(r) for r in conn.execute(f'SELECT * FROM "{name}"'))
        h.update(repr((name, rows)).encode())
    conn.close()
    return h.hexdigest()


@pytest.fixture
def paid(ctx, customer):
    def make(ctx_=None, lines=LINES, discount=0, tax=0):
        c = ctx_ or ctx
        inv = create_and_issue(c, draft_input(customer.id, lines=lines, discount=discount,
                                              tax=tax))
        return mark_paid(c, inv.id, PaymentInput("cash"))[0]
    return make


def open_detail(qtbot, window, inv_id):
    window.open_invoice(inv_id)
    qtbot.waitUntil(lambda: window.detail.inv is not None and window.detail.inv.id == inv_id,
                    timeout=5000)
    return window.detail


def open_dialog(qtbot, detail, keys=None):
    detail.refunds.dialog = None
    if keys is not None:
        keys.press(K.Key_R, CTRL_SHIFT)
    else:
        detail.refund()
    qtbot.waitUntil(lambda: detail.refunds.dialog is not None
                    and detail.refunds.dialog.isVisible(), timeout=5000)
    return detail.refunds.dialog


def test_refund_by_lines_from_the_detail(qtbot, ctx, window, paid, keys, idle):
    inv = paid(discount=5000, tax=2500)  # 73.500 − 5.000 + 2.500 = 71.000 paid
    detail = open_detail(qtbot, window, inv.id)
    assert detail.refund_button.isVisible() and not detail.refunds.isVisible()
    assert not detail.totals["refunded"].isVisible()
    dlg = open_dialog(qtbot, detail, keys)
    assert dlg.table.rowCount() == 2
    assert [dlg.table.item(1, c).text() for c in range(3)] == ["Roti bakar", "3", "0"]
    assert dlg.total.text() == "Rp 0" and not dlg.ok.isEnabled()  # nothing chosen yet
    keys.focus(dlg.spins[1])
    keys.press(K.Key_Up)
    keys.press(K.Key_Up)  # two of the three toasts come back
    assert dlg.spins[1].value() == 2
    # priced by the core as it changes: 25.000 of 73.500 sold, of 71.000 paid, half up
    assert dlg.total.text() == "Rp 24.150" and dlg.ok.isEnabled() and dlg.error.text() == ""
    assert dlg.spins[1].maximum() == 3
    dlg.reason.setCurrentIndex(dlg.reason.findData("requested_by_customer"))
    keys.focus(dlg.note)
    keys.type("gosong")
    keys.press(K.Key_Return)  # Enter refunds
    qtbot.waitUntil(lambda: not dlg.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: detail.refunds.table.rowCount() == 1, timeout=5000)
    idle()
    [r] = list_refunds(ctx, inv.id)
    assert (r.local_number, r.amount, r.method, r.reason, r.note) == (
        "T1-F000001", 24150, "cash", "requested_by_customer", "gosong")
    assert [(l.index, l.quantity, l.unit_amount) for l in r.lines] == [(1, 2, 12500)]
    after = get_invoice(ctx, inv.id)
    assert str(after.status) == "paid" and after.amount_refunded == 24150
    assert invoice_history(ctx, inv.id)[-1].action == "refund"
    # the detail: what was given back, the refund listed, the mark, history
    assert detail.banner.text() == "Refunded T1-F000001: Rp 24.150, Cash."
    assert detail.totals["refunded"].isVisible()
    assert detail.totals["refunded"].text() == "Rp 24.150"
    assert detail.chip.text() == "Paid · part refunded"
    row = [detail.refunds.table.item(0, c).text() for c in range(5)]
    assert row[0] == "T1-F000001" and row[2:] == ["Rp 24.150", "Cash", "Waiting"]
    assert "Refunded" in detail.history.item(detail.history.count() - 1).text()
    assert detail.refund_button.isVisible()  # 46.850 is left to give back

    # The next refund sees what already came back.
    dlg = open_dialog(qtbot, detail, keys)
    assert dlg.table.item(1, 2).text() == "2" and dlg.spins[1].maximum() == 1
    dlg.return_everything()
    assert [s.value() for s in dlg.spins] == [2, 1]
    assert dlg.total.text() == "Rp 46.850"  # everything: exactly what was left
    dlg.ok.click()
    qtbot.waitUntil(lambda: detail.refunds.table.rowCount() == 2, timeout=5000)
    idle()
    after = get_invoice(ctx, inv.id)
    assert after.amount_refunded == after.amount_paid == 71000 and after.fully_refunded
    assert detail.chip.text() == "Paid · refunded"
    assert not detail.refund_button.isVisible()
    detail.refunds.dialog = None
    keys.press(K.Key_R, CTRL_SHIFT)  # nothing left: refused at once, no dialog
    assert detail.refunds.dialog is None
    assert "refunded in full" in detail.banner.text()


def test_refund_by_amount_with_method_and_reason(qtbot, ctx, window, paid, idle):
    inv = paid()  # 73.500
    detail = open_detail(qtbot, window, inv.id)
    dlg = open_dialog(qtbot, detail)
    dlg.set_mode(AMOUNT)
    assert not dlg.table.isEnabled() and dlg.amount_edit.isEnabled()
    assert "Enter an amount" in dlg.error.text() and not dlg.ok.isEnabled()
    qtbot.keyClicks(dlg.amount_edit, "10.000")
    assert dlg.total.text() == "Rp 10.000" and dlg.ok.isEnabled()
    dlg.method.setCurrentIndex(dlg.method.findData("transfer"))
    dlg.reason.setCurrentIndex(dlg.reason.findData("duplicate"))
    assert dlg.reason.currentText() == "Duplicate payment"  # Plugipay's list, in words
    dlg.ok.click()
    qtbot.waitUntil(lambda: detail.refunds.table.rowCount() == 1, timeout=5000)
    idle()
    [r] = list_refunds(ctx, inv.id)
    assert (r.amount, r.method, r.reason, r.lines) == (10000, "transfer", "duplicate", ())
    assert get_invoice(ctx, inv.id).amount_refunded == 10000
    assert detail.refunds.table.item(0, 3).text() == "Bank transfer"


def test_more_than_is_left_is_refused_in_the_dialog_and_nothing_is_stored(
        qtbot, ctx, db_path, window, paid, idle):
    inv = paid()  # 73.500 paid
    detail = open_detail(qtbot, window, inv.id)
    dlg = open_dialog(qtbot, detail)
    dlg.set_mode(AMOUNT)
    before = db_digest(db_path)
    qtbot.keyClicks(dlg.amount_edit, "80.000")
    assert "more than is left" in dlg.error.text() and "73.500" in dlg.error.text()
    assert not dlg.ok.isEnabled()
    dlg._ok()  # Enter on the dialog: refused, nothing sent
    dlg.amount_edit.setText("-5")
    assert "above zero" in dlg.error.text() and not dlg.ok.isEnabled()
    idle()
    assert db_digest(db_path) == before

    # The core has the last word: a refund at another till leaves less than the
    # dialog saw; the dialog shows the refusal, stays open, and nothing more is stored.
    dlg.amount_edit.setText("50.000")
    assert dlg.ok.isEnabled()
    refund(ctx, inv.id, RefundInput(amount=30000, method="cash"))
    before = db_digest(db_path)
    dlg.ok.click()
    qtbot.waitUntil(lambda: "more than is left" in dlg.error.text(), timeout=5000)
    idle()
    assert dlg.isVisible() and db_digest(db_path) == before
    assert get_invoice(ctx, inv.id).amount_refunded == 30000
    dlg.reject()


def test_a_cashiers_refund_needs_a_managers_pin(qtbot, ctx, worker, bus, paid, idle, fast_kdf):
    from app.services.roles import login
    from app.trust.staff import add_staff
    from ui.invoices.detail import InvoiceDetail

    add_staff(ctx, "olga", "owner", "4821")
    owner = login(ctx, "olga", "4821")
    add_staff(owner, "maya", "manager", "7305")
    add_staff(owner, "cici", "cashier", "9173")
    inv = paid(owner)
    worker.ctx = login(ctx, "cici", "9173")
    detail = InvoiceDetail(worker, bus)
    qtbot.addWidget(detail)
    detail.show()
    detail.show_invoice(inv.id)
    qtbot.waitUntil(lambda: detail.inv is not None, timeout=5000)
    dlg = open_dialog(qtbot, detail)
    dlg.spins[0].setValue(1)

    # Cancelled: the dialog says why, nothing is stored.
    dlg.ok.click()
    approval = detail.refunds.approval
    assert approval is not None
    qtbot.waitUntil(lambda: approval.manager.findData("maya") >= 0, timeout=5000)
    assert approval.manager.findData("cici") < 0
    approval.reject()
    qtbot.waitUntil(lambda: "manager's approval" in dlg.error.text(), timeout=3000)
    assert dlg.isVisible() and dlg.ok.isEnabled()
    idle()
    assert list_refunds(ctx, inv.id) == ()

    # Approved with the manager's PIN: stored, the approver recorded.
    dlg.ok.click()
    approval = detail.refunds.approval
    qtbot.waitUntil(lambda: approval.manager.findData("maya") >= 0, timeout=5000)
    approval.manager.setCurrentIndex(approval.manager.findData("maya"))
    qtbot.keyClicks(approval.pin, "7305")
    qtbot.keyClick(approval.pin, K.Key_Return)
    qtbot.waitUntil(lambda: len(list_refunds(ctx, inv.id)) == 1, timeout=5000)
    [r] = list_refunds(ctx, inv.id)
    assert (r.operator, r.approved_by, r.amount) == ("cici", "maya", 18000)
    assert worker.ctx.approved_by is None  # the approval was for that one refund
    qtbot.waitUntil(lambda: not dlg.isVisible(), timeout=5000)
    idle()


def test_the_slip_prints_through_the_queue_and_reprints_and_the_credit_note_saves(
        qtbot, ctx, full_window, loopback, printer_at, paid, tmp_path, idle):
    import pypdfium2 as pdfium

    from app.printing.queue import list_jobs

    printer_at(drawer_kick=True)
    inv = paid()
    detail = open_detail(qtbot, full_window, inv.id)
    dlg = open_dialog(qtbot, detail)
    dlg.spins[0].setValue(2)
    dlg.ok.click()
    qtbot.waitUntil(lambda: len(loopback.jobs) >= 1, timeout=5000)
    slip = decode(loopback.jobs[0])
    text = "\n".join(slip.texts())
    assert "REFUND" in text and "T1-F000001" in text and "T1-000001" in text
    assert "Kopi susu" in text and "REPRINT" not in text
    assert "drawer" in " ".join(slip.names())  # cash out of the drawer: it opens
    qtbot.waitUntil(lambda: detail.refunds.table.rowCount() == 1, timeout=5000)
    assert detail.refunds.reprint_button.isEnabled()
    detail.refunds.reprint_button.click()
    qtbot.waitUntil(lambda: len(loopback.jobs) >= 2, timeout=5000)
    again = decode(loopback.jobs[1])
    assert "REPRINT" in "\n".join(again.texts()) and "drawer" not in " ".join(again.names())
    qtbot.waitUntil(lambda: len(list_jobs(ctx, "printed")) == 2, timeout=5000)
    assert [(j.kind, j.reprint) for j in list_jobs(ctx, "printed")] == [
        ("refund", True), ("refund", False)]

    target = tmp_path / "credit.pdf"
    detail.refunds.ask_save_path = lambda suggested: (
        suggested == "T1-F000001.pdf" and str(target)) or ""
    detail.refunds.pdf_button.click()
    qtbot.waitUntil(lambda: "Saved" in detail.banner.text(), timeout=10000)
    pdf = pdfium.PdfDocument(str(target))
    page_text = pdf[0].get_textpage().get_text_range()
    assert "CREDIT NOTE" in page_text and "T1-F000001" in page_text and "T1-000001" in page_text
    pdf.close()
    idle()


def test_the_list_marks_refunded_invoices(qtbot, ctx, window, paid, bus, idle):
    whole, part, plain = paid(), paid(), paid()
    refund(ctx, whole.id, RefundInput(amount=whole.amount_paid))
    refund(ctx, part.id, RefundInput(amount=1000))
    bus.announce(Change.INVOICES)
    model = window.invoice_list.model
    idle()
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=3000)
    idle()
    shown = {model.record(i).id: model.index(i, Columns.STATUS).data() for i in range(3)}
    assert shown == {whole.id: "Paid · refunded", part.id: "Paid · part refunded",
                     plain.id: "Paid"}
