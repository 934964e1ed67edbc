"""Printing in the app: the slip preview, printer settings (save, test slip,
refusals), the share panel's print buttons, print-on-issue / print-on-pay from
the detail and the editor, and a printer out of paper that delays a slip
without losing it. Against a real network printer emulator on 127.0.0.1."""

from __future__ import annotations

import pytest

from app.printing.config import load_config
from app.printing.queue import list_jobs
from app.printing.status import PrinterStatus
from app.services.invoices import PaymentInput, issue, mark_paid


def wait_jobs(qtbot, printer, n: int, timeout: int = 5000) -> None:
    """Until the printer has received `n` slips, with the Qt event loop running."""
    qtbot.waitUntil(lambda: len(printer.jobs) >= n, timeout=timeout)


def open_detail(qtbot, window, inv_id):
    window.open_invoice(inv_id)
    qtbot.waitUntil(lambda: window.detail.inv is not None and window.detail.inv.id == inv_id,
                    timeout=5000)
    return window.detail


def test_slip_preview_draws_lines_on_paper_of_the_right_width(qtbot, ctx, make_draft):
    from app.printing.slip_layout import layout_slip
    from app.printing.slip_model import build_slip
    from ui.printing.slip_preview import SlipPreview

    inv = issue(ctx, make_draft().id)
    slip = build_slip(ctx, inv.id)
    slip = slip.__class__(**{**slip.__dict__, "hosted_url": "https://plugipay.com/i/abc"})
    preview = SlipPreview()
    qtbot.addWidget(preview)
    preview.set_blocks(layout_slip(slip, 32, "CP858"), 58, 32)
    narrow = preview.sizeHint().width()
    assert "T1-000001" in preview.text() and "[QR]" in preview.text()
    assert all(len(l.text) <= 32 for l in preview.lines)
    assert preview._char * 32 <= preview.printable_width() + 0.5  # 32 columns fit the head
    image = preview.grab().toImage()
    assert image.width() >= narrow - 1
    preview.set_blocks(layout_slip(slip, 48, "CP858"), 80, 48)
    assert preview.sizeHint().width() > narrow  # 80 mm paper is wider
    assert preview._char * 48 <= preview.printable_width() + 0.5
    preview.set_lines(["abc", "[QR]"], 58, 32)
    assert preview.lines[1].qr == "" and preview.text() == "abc\n[QR]"


def test_printer_settings_save_preview_and_test_slip(qtbot, ctx, full_window, loopback,
                                                     make_draft, idle):
    issue(ctx, make_draft().id)
    full_window.nav.setCurrentRow(3)
    box = full_window.settings_page.printer
    qtbot.waitUntil(lambda: "Invoice T1-000001" in box.preview_title.text(), timeout=5000)
    idle()
    assert "58 mm" in box.preview_title.text()  # the default profile
    box.uri.setEditText(loopback.uri)
    box.profile.setCurrentIndex(box.profile.findData("TM-T20II"))
    qtbot.waitUntil(lambda: "80 mm paper, 48 columns" in box.preview_title.text(), timeout=5000)
    assert "T1-000001" in box.preview.text()
    box.on_issue.setChecked(True)
    box.drawer.setChecked(True)
    box.save()
    qtbot.waitUntil(lambda: box.banner.text() == "Printer settings saved.", timeout=5000)
    cfg = load_config(ctx)
    assert (cfg.uri, cfg.profile, cfg.columns, cfg.print_on_issue, cfg.drawer_kick) == \
        (loopback.uri, "TM-T20II", 48, True, True)

    box.test()
    qtbot.waitUntil(lambda: "Test slip sent" in box.result.text(), timeout=5000)
    wait_jobs(qtbot, loopback, 1)
    assert "".join(str(i % 10) for i in range(1, 49)).encode() in loopback.jobs[0]  # ruler

    # A bad address is refused where it was typed, and nothing is stored.
    box.uri.setEditText("lpt1")
    box.save()
    qtbot.waitUntil(lambda: box.errors.message("uri") != "", timeout=5000)
    assert load_config(ctx).uri == loopback.uri


def test_find_usb_printers_says_what_it_found(qtbot, full_window, monkeypatch, idle):
    import app.printing.service as service

    monkeypatch.setattr(service, "find_usb_printers", lambda: [
        {"uri": "usb://0416:5011", "name": "POS-5890", "vendorId": 0x416, "productId": 0x5011}])
    full_window.nav.setCurrentRow(3)
    box = full_window.settings_page.printer
    idle()
    box.find_usb()
    qtbot.waitUntil(lambda: "POS-5890" in box.result.text(), timeout=5000)
    assert box.uri.currentText() == "usb://0416:5011"


def test_share_panel_prints_and_reprints(qtbot, ctx, full_window, loopback, printer_at,
                                        make_draft):
    printer_at()
    inv = issue(ctx, make_draft().id)
    mark_paid(ctx, inv.id, PaymentInput("cash"))
    detail = open_detail(qtbot, full_window, inv.id)
    share = detail.share
    qtbot.waitUntil(lambda: share.buttons["receipt"].isEnabled(), timeout=3000)
    share.buttons["print"].click()
    wait_jobs(qtbot, loopback, 1)
    share.buttons["receipt"].click()
    wait_jobs(qtbot, loopback, 2)
    assert b"T1-R000001" in loopback.jobs[1]  # the receipt's number
    share.document.setCurrentIndex(0)
    share.buttons["reprint"].click()
    wait_jobs(qtbot, loopback, 3)
    assert b"T1-R000001" not in loopback.jobs[2]  # the invoice slip, again
    qtbot.waitUntil(lambda: len(list_jobs(ctx, "printed")) == 3, timeout=3000)
    assert [j.reprint for j in list_jobs(ctx, "printed")] == [True, False, False]
    qtbot.waitUntil(lambda: share.sent.count() == 3, timeout=5000)
    assert "in the print queue" in detail.banner.text()


def test_out_of_paper_delays_the_slip_and_a_retry_prints_it(qtbot, ctx, clock, full_window,
                                                           loopback, printer_at, printing,
                                                           make_draft):
    printer_at()
    loopback.status = PrinterStatus(paper_out=True)
    inv = issue(ctx, make_draft().id)
    detail = open_detail(qtbot, full_window, inv.id)
    detail.share.buttons["print"].click()
    indicator = full_window.print_indicator
    qtbot.waitUntil(lambda: "out of paper" in printing.last_error, timeout=5000)
    assert "1 slip waiting" in indicator.text() and "out of paper" in indicator.toolTip()
    [job] = list_jobs(ctx, "pending")
    assert job.attempts >= 1 and "paper" in job.last_error
    assert loopback.jobs == []

    indicator.click()
    dialog = indicator.dialog
    qtbot.waitUntil(lambda: dialog.list.count() == 1 and "Waiting" in dialog.list.item(0).text(),
                    timeout=3000)
    loopback.status = PrinterStatus()  # paper loaded
    clock.advance(seconds=30)  # the job's next try is due: the timer prints it
    wait_jobs(qtbot, loopback, 1)
    qtbot.waitUntil(lambda: "nothing waiting" in indicator.text(), timeout=5000)
    assert list_jobs(ctx, "pending") == []
    qtbot.waitUntil(lambda: "Printed" in dialog.list.item(0).text(), timeout=3000)


def test_retry_now_and_cancel_from_the_queue_dialog(qtbot, ctx, full_window, loopback,
                                                    printer_at, printing, make_draft):
    printer_at()
    loopback.status = PrinterStatus(online=False)
    inv = issue(ctx, make_draft().id)
    detail = open_detail(qtbot, full_window, inv.id)
    detail.share.buttons["print"].click()
    detail.share.buttons["print"].click()
    qtbot.waitUntil(lambda: printing.pending == 2 and bool(printing.last_error), timeout=5000)
    full_window.print_indicator.click()
    dialog = full_window.print_indicator.dialog
    qtbot.waitUntil(lambda: dialog.list.count() == 2, timeout=3000)
    dialog.list.setCurrentRow(0)
    dialog.cancel_selected()
    qtbot.waitUntil(lambda: printing.pending == 1, timeout=3000)
    loopback.status = PrinterStatus()
    dialog.retry_button.click()  # now, without waiting for the backoff
    wait_jobs(qtbot, loopback, 1)
    qtbot.waitUntil(lambda: printing.pending == 0, timeout=5000)
    assert [j.state for j in list_jobs(ctx)] == ["cancelled", "printed"]  # newest first


def test_print_on_issue_and_on_pay_from_the_detail(qtbot, ctx, full_window, loopback,
                                                   printer_at, make_draft, keys):
    printer_at(print_on_issue=True, print_on_pay=True, drawer_kick=True)
    inv = make_draft()
    detail = open_detail(qtbot, full_window, inv.id)
    detail.issue()
    wait_jobs(qtbot, loopback, 1)
    assert b"T1-000001" in loopback.jobs[0] and b"T1-R" not in loopback.jobs[0]
    qtbot.waitUntil(lambda: detail.inv.local_number == "T1-000001", timeout=3000)
    detail.pay()
    detail.dialog.set_cash(detail.inv.amount_due)  # the pay step: exact cash
    detail.dialog.finish()
    wait_jobs(qtbot, loopback, 2)
    assert b"T1-R000001" in loopback.jobs[1]
    assert b"\x1bp" in loopback.jobs[1]  # cash: the drawer kick


@pytest.mark.parametrize("box_checked, printed", [(True, 1), (False, 0)])
def test_editor_print_box_follows_the_setting_and_the_cashier(qtbot, ctx, full_window,
                                                             loopback, printer_at, customer,
                                                             box_checked, printed, printing):
    printer_at(print_on_pay=True)
    full_window.new_invoice()
    ed = full_window.editor
    assert ed.print_slip.isEnabled()
    ed.customer.pick(customer, move_on=False)
    ed.lines.rows[0].set_texts(("Kopi", "1", "18.000"))
    ed.pay_now.setChecked(True)
    qtbot.waitUntil(lambda: ed.print_config is not None, timeout=3000)
    assert ed.print_slip.isChecked() and ed.print_slip.text() == "Print the receipt"
    ed.print_slip.setChecked(box_checked)
    ed.save(issue=True)
    qtbot.waitUntil(lambda: full_window.screen_name() == "detail", timeout=5000)
    qtbot.waitUntil(lambda: printing.is_idle() and printing.worker.is_idle(), timeout=5000)
    wait_jobs(qtbot, loopback, printed)
    qtbot.wait(200)
    assert len(loopback.jobs) == printed
    if printed:
        assert b"T1-R000001" in loopback.jobs[0]
