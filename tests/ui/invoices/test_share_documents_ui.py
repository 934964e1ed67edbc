"""The share panel's documents and email: Save PDF (invoice or receipt, A4 or
Letter), Open PDF (a temporary file handed to the desktop), Preview (the HTML),
Email (blank = the customer's address; a bad one is refused), and the list of
what was sent."""

from __future__ import annotations

from app.services.invoices import PaymentInput, issue, mark_paid
from app.sync.emails import invoice_emails


def open_detail(qtbot, window, inv_id):
    window.open_invoice(inv_id)
    qtbot.waitUntil(lambda: window.detail.inv is not None and window.detail.inv.id == inv_id,
                    timeout=5000)
    return window.detail


def test_save_pdf_invoice_and_receipt_in_both_papers(qtbot, ctx, window, make_draft, tmp_path):
    inv = issue(ctx, make_draft().id)
    mark_paid(ctx, inv.id, PaymentInput("transfer", "BCA 123"))
    detail = open_detail(qtbot, window, inv.id)
    share = detail.share
    asked = []
    share.ask_save_path = lambda suggested: asked.append(suggested) or str(tmp_path / suggested)
    share.buttons["pdf"].click()
    qtbot.waitUntil(lambda: "Saved" in detail.banner.text(), timeout=10000)
    invoice_pdf = tmp_path / "T1-000001.pdf"
    assert asked == ["T1-000001.pdf"] and invoice_pdf.read_bytes().startswith(b"%PDF")
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in invoice_pdf.read_bytes()  # A4

    share.document.setCurrentIndex(1)  # the receipt
    share.paper.setCurrentIndex(share.paper.findData("letter"))
    detail.banner.clear()
    share.buttons["pdf"].click()
    qtbot.waitUntil(lambda: "Saved" in detail.banner.text(), timeout=10000)
    receipt_pdf = tmp_path / "T1-R000001.pdf"
    assert asked[-1] == "T1-R000001.pdf"
    assert b"/MediaBox [ 0 0 612 792 ]" in receipt_pdf.read_bytes()  # Letter

    # Cancelled file dialog: nothing is written.
    share.ask_save_path = lambda suggested: ""
    share.buttons["pdf"].click()
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == ["T1-000001.pdf", "T1-R000001.pdf"]


def test_open_pdf_hands_a_temporary_file_to_the_desktop(qtbot, ctx, window, make_draft):
    inv = issue(ctx, make_draft().id)
    share = open_detail(qtbot, window, inv.id).share
    opened = []
    share.open_url = lambda url: opened.append(url.toLocalFile()) or True
    share.buttons["open"].click()
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    from pathlib import Path

    path = Path(opened[0])
    assert path.name == "T1-000001.pdf" and path.read_bytes().startswith(b"%PDF")
    assert share.document.model().item(1).isEnabled() is False  # no receipt yet


def test_preview_shows_the_document_html(qtbot, ctx, window, make_draft):
    inv = issue(ctx, make_draft(lines=(("Kopi susu gula aren", 2, 18000),)).id)
    share = open_detail(qtbot, window, inv.id).share
    share.buttons["preview"].click()
    qtbot.waitUntil(lambda: share.dialog is not None and share.dialog.isVisible(), timeout=10000)
    text = share.dialog.browser.toPlainText()
    assert "T1-000001" in text and "Kopi susu gula aren" in text and "36.000" in text
    share.dialog.close()


def test_email_to_the_customer_or_another_address(qtbot, ctx, window, make_draft, bus):
    inv = issue(ctx, make_draft().id)
    detail = open_detail(qtbot, window, inv.id)
    share = detail.share
    share.buttons["email"].click()
    dialog = share.dialog
    assert dialog.to.placeholderText() == "budi@example.com"
    with qtbot.waitSignal(bus.changed, timeout=5000):
        dialog._ok()  # blank: the customer's address
    qtbot.waitUntil(lambda: "budi@example.com" in detail.banner.text(), timeout=5000)
    qtbot.waitUntil(lambda: share.sent.count() == 1, timeout=5000)
    assert "waiting to send" in share.sent.item(0).text()
    assert window.pending_label.text() == "3 waiting to sync"  # customer, issue, email

    share.buttons["email"].click()
    share.dialog.to.setText("not-an-address")
    share.dialog._ok()
    qtbot.waitUntil(lambda: "is not an email address" in detail.banner.text(), timeout=5000)
    share.buttons["email"].click()
    share.dialog.to.setText("Kantor@Example.co.id")
    share.dialog._ok()
    qtbot.waitUntil(lambda: share.sent.count() == 2, timeout=5000)
    assert [m.to for m in invoice_emails(ctx, inv.id)] == ["", "kantor@example.co.id"]
    assert "kantor@example.co.id" in share.sent.item(1).text()
