"""Reconciliation and Close shift in the main window: reachable by keyboard,
the running report, counted cash, close (frozen Z report), print it on the slip
printer, save it as a PDF, and refusals that change nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.reconcile.shift import list_shifts
from app.services.invoices import PaymentInput, issue, mark_paid

CTRL = Qt.KeyboardModifier.ControlModifier


def test_reconcile_and_shift_pages_by_keyboard(qtbot, window, keys):
    from ui.reconcile.page import ReconcilePage
    from ui.reconcile.shift_page import ShiftPage

    keys.press(Qt.Key.Key_5, CTRL)
    assert isinstance(window.pages.currentWidget(), ReconcilePage)
    assert window.screen_name() == "reconcile"
    keys.press(Qt.Key.Key_6, CTRL)
    assert isinstance(window.pages.currentWidget(), ShiftPage)
    assert window.nav.item(5).text().startswith("Close shift")
    keys.press(Qt.Key.Key_1, CTRL)
    assert window.screen_name() == "list"


def paid_sale(ctx, make_draft, amount=50_000, method="cash"):
    inv = issue(ctx, make_draft(lines=(("Nasi goreng", 1, amount),)).id)
    mark_paid(ctx, inv.id, PaymentInput(method))
    return inv


def shift_page(qtbot, window):
    window.nav.setCurrentRow(5)
    page = window.shift
    qtbot.waitUntil(lambda: page.report is not None, timeout=5000)
    return page


def test_close_shift_with_counted_cash(qtbot, ctx, window, make_draft, tmp_path):
    paid_sale(ctx, make_draft)
    page = shift_page(qtbot, window)
    assert "Shift so far" in page.title.text()
    text = page.text.toPlainText()
    assert "X REPORT" in text and "Rp 50.000" in text
    assert list(page.counted) == ["IDR"]

    # Without the count: refused, nothing closed.
    page.confirm_close = lambda _text: True
    page.ask_close()
    qtbot.waitUntil(lambda: "Count the cash" in page.banner.text(), timeout=5000)
    assert list_shifts(ctx) == []

    # A count that is not an amount is marked where it was typed.
    page.counted["IDR"].setText("lima puluh")
    page.ask_close()
    assert page.errors.message("counted_IDR").startswith("IDR:")

    # Said no to the question: nothing closed.
    page.counted["IDR"].setText("49.000")
    page.confirm_close = lambda _text: False
    page.ask_close()
    qtbot.wait(50)
    assert list_shifts(ctx) == []

    page.confirm_close = lambda _text: True
    page.ask_close()
    qtbot.waitUntil(lambda: page.report.get("state") == "closed", timeout=5000)
    assert "Shift closed" in page.banner.text()
    text = page.text.toPlainText()
    assert "Z REPORT" in text and "Short" in text and "Rp 1.000" in text
    assert not page.close_button.isEnabled()
    [shift] = list_shifts(ctx)
    assert shift["state"] == "closed"

    saved = []
    page.ask_save_path = lambda name: saved.append(name) or str(tmp_path / name)
    page.save_pdf()
    qtbot.waitUntil(lambda: "Saved" in page.banner.text(), timeout=5000)
    assert saved == [f"shift-T1-{shift['shiftId']}.pdf"]
    assert (tmp_path / saved[0]).read_bytes().startswith(b"%PDF")

    # A new shift starts empty.
    page.refresh()
    qtbot.waitUntil(lambda: page.report.get("state") == "open", timeout=5000)
    assert page.counted["IDR"].text() == "" and page.close_button.isEnabled()


def test_print_the_z_report_on_the_slip_printer(qtbot, ctx, full_window, make_draft, loopback,
                                                printer_at):
    from app.printing.status import PrinterStatus

    printer_at()
    paid_sale(ctx, make_draft)
    page = shift_page(qtbot, full_window)
    loopback.status = PrinterStatus(paper_out=True)
    page.print_report()
    qtbot.waitUntil(lambda: "Not printed" in page.banner.text(), timeout=5000)
    assert "paper" in page.banner.text() and loopback.jobs == []
    loopback.status = PrinterStatus()
    page.print_report()
    qtbot.waitUntil(lambda: len(loopback.jobs) == 1, timeout=5000)
    data = loopback.jobs[0]
    assert b"X REPORT" in data and b"50.000" in data
    lines = data.split(b"\n")[1:-1]
    assert all(len(l) <= 48 for l in lines)  # the printer's 48 columns


def test_print_without_a_printer_says_so(qtbot, ctx, full_window, make_draft):
    page = shift_page(qtbot, full_window)
    page.print_report()
    qtbot.waitUntil(lambda: "No printer is set up" in page.banner.text(), timeout=5000)
