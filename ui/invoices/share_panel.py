"""Share and reprint, in the invoice detail: print the slip or the receipt
(through the print queue), save or open the PDF (invoice or receipt, A4 or
Letter), preview the document, email it through Plugipay; and what was
emailed and printed before."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QGridLayout, QGroupBox,
                               QLabel, QLineEdit, QListWidget, QPushButton, QTextBrowser,
                               QVBoxLayout)
from PySide6.QtWidgets import QFileDialog

from app.i18n import _, _n
from app.printing.queue import list_jobs
from app.sync.emails import invoice_emails, send_invoice

from ui.common.changes import INVOICE_ACTION
from ui.common.fmt import local_dt
from ui.common.forms import problems_of
from ui.common.qtcompat import emit

PAPERS = (("A4", "a4"), ("Letter", "letter"))


# ── worker-thread functions ──────────────────────────────────────────
def load_extras(ctx, invoice_id: int):
    """(emails, print jobs) of one invoice."""
    return invoice_emails(ctx, invoice_id), list_jobs(ctx, invoice_id=invoice_id, limit=10)


def write_pdf(ctx, invoice_id: int, path: str, receipt: bool, paper: str) -> dict:
    # reportlab and the templates load when a document is first made
    from app.documents.service import save_document

    return save_document(ctx, invoice_id, path, receipt=receipt, paper=paper)


def document_html(ctx, invoice_id: int, receipt: bool) -> str:
    # reportlab and the templates load when a document is first made
    from app.documents.service import render_invoice_html, render_receipt_html

    return render_receipt_html(ctx, invoice_id) if receipt else render_invoice_html(ctx, invoice_id)


def queue_email(ctx, invoice_id: int, to: str):
    return send_invoice(ctx, invoice_id, to or None)


class EmailDialog(QDialog):
    """Where to send it; blank is the customer's email on file."""

    confirmed = Signal(str)

    def __init__(self, inv, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Email {number}", number=inv.display_number))
        self.to = QLineEdit()
        self.to.setAccessibleName(_("Send to"))
        self.to.setPlaceholderText(inv.customer_email or _("the customer has no email on file"))
        note = QLabel(_("Plugipay emails the invoice with its payment link. Leave the address "
                        "empty to use the customer's. While offline it waits and goes with the "
                        "next sync."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Send"))
        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addWidget(self.to)
        lay.addWidget(buttons)
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)

    def _ok(self) -> None:
        emit(self.confirmed, self.to.text().strip())
        self.accept()


class PreviewDialog(QDialog):
    def __init__(self, title: str, html_text: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(760, 860)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setHtml(html_text)
        lay = QVBoxLayout(self)
        lay.addWidget(self.browser)


class SharePanel(QGroupBox):
    """`set_invoice(inv, receipts)`; `message(text, kind)` tells the detail's banner."""

    message = Signal(str, str)

    def __init__(self, worker, bus, printing=None, sync=None, parent=None):
        super().__init__(_("Share and reprint"), parent)
        self.worker, self.bus, self.printing, self.sync = worker, bus, printing, sync
        self.inv = None
        self.receipts: tuple = ()
        self.dialog = None
        self._tmp: Path | None = None
        # What opens a file chooser and a PDF viewer: replaceable (tests, kiosks).
        self.ask_save_path = self._ask_save_path
        self.open_url = self._open_url

        self.buttons = {
            "print": QPushButton(_("Print slip")),
            "receipt": QPushButton(_("Print receipt")),
            "reprint": QPushButton(_("Reprint")),
            "pdf": QPushButton(_("Save PDF…")),
            "open": QPushButton(_("Open PDF")),
            "preview": QPushButton(_("Preview")),
            "email": QPushButton(_("Email…")),
        }
        self.document = QComboBox()
        self.document.addItem(_("Invoice"), False)
        self.document.addItem(_("Receipt"), True)
        self.document.setAccessibleName(_("Document"))
        self.paper = QComboBox()
        for label, code in PAPERS:
            self.paper.addItem(label, code)
        self.paper.setAccessibleName(_("Paper"))
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.sent = QListWidget()
        self.sent.setMaximumHeight(90)
        self.sent.setAccessibleName(_("Emails and prints"))
        g = QGridLayout(self)
        for col, key in enumerate(("print", "receipt", "reprint")):
            g.addWidget(self.buttons[key], 0, col)
        g.addWidget(self.document, 1, 0)
        g.addWidget(self.paper, 1, 1)
        g.addWidget(self.buttons["preview"], 1, 2)
        g.addWidget(self.buttons["pdf"], 2, 0)
        g.addWidget(self.buttons["open"], 2, 1)
        g.addWidget(self.buttons["email"], 2, 2)
        g.addWidget(self.note, 3, 0, 1, 3)
        g.addWidget(self.sent, 4, 0, 1, 3)

        self.buttons["print"].clicked.connect(lambda: self.print_slip("invoice"))
        self.buttons["receipt"].clicked.connect(lambda: self.print_slip("receipt"))
        self.buttons["reprint"].clicked.connect(self.reprint)
        self.buttons["pdf"].clicked.connect(self.save_pdf)
        self.buttons["open"].clicked.connect(self.open_pdf)
        self.buttons["preview"].clicked.connect(self.preview)
        self.buttons["email"].clicked.connect(self.email)
        if printing is not None:
            printing.changed.connect(self._print_state)
        self.set_invoice(None)

    # -- state
    def set_invoice(self, inv, receipts=()) -> None:
        self.inv, self.receipts = inv, tuple(receipts)
        issued = inv is not None and bool(inv.local_number)
        can_print = self.printing is not None and issued
        self.buttons["print"].setEnabled(can_print)
        self.buttons["receipt"].setEnabled(can_print and bool(self.receipts))
        self.buttons["reprint"].setEnabled(can_print)
        for key in ("pdf", "open", "preview"):
            self.buttons[key].setEnabled(inv is not None)
        self.document.model().item(1).setEnabled(bool(self.receipts))
        if not self.receipts:
            self.document.setCurrentIndex(0)
        self.buttons["email"].setEnabled(issued and str(inv.status) != "void")
        notes = []
        if self.printing is None:
            notes.append(_("Printing is not set up yet."))
        if inv is not None and not issued:
            notes.append(_("A draft has no number yet: issue it to print or email it."))
        self.note.setText(" ".join(notes))
        self.sent.clear()
        self.sent.hide()
        if inv is not None:
            self.refresh_extras()

    def refresh_extras(self) -> None:
        if self.inv is None:
            return
        self.worker.submit(load_extras, self.inv.id, key=f"{id(self)}:extras",
                           on_done=self._extras, on_error=lambda _e: None)

    def _extras(self, result) -> None:
        emails, jobs = result
        self.sent.clear()
        for m in emails:
            who = m.sent_to or m.to or _("the customer")
            state = _("sent {when}", when=local_dt(m.sent_at)) if m.sent_at \
                else _("waiting to send")
            text = _("Reminder to {who} · {when} · {state}") if m.reason == "reminder" \
                else _("Email to {who} · {when} · {state}")
            self.sent.addItem(text.format(who=who, when=local_dt(m.queued_at), state=state))
        for j in jobs:
            state = (_("printed {when}", when=local_dt(j.printed_at)) if j.state == "printed"
                     else _("waiting: {reason}", reason=j.last_error or _("in the queue"))
                     if j.state == "pending" else j.state)
            what = _("Reprint") if j.reprint else _("Slip")
            self.sent.addItem(f"{what} · {j.title} · {state}")
        self.sent.setVisible(self.sent.count() > 0)

    def _print_state(self) -> None:
        if self.inv is not None and self.isVisible():
            self.refresh_extras()

    # -- printing
    def print_slip(self, kind: str) -> None:
        if self.inv is None or self.printing is None:
            return
        self.printing.enqueue(self.inv.id, kind, on_done=self._queued, on_error=self._failed)

    def reprint(self) -> None:
        if self.inv is None or self.printing is None:
            return
        kind = "receipt" if self.receipts and self.document.currentData() else "invoice"
        self.printing.enqueue(self.inv.id, kind, reprint=True, on_done=self._queued,
                              on_error=self._failed)

    def _queued(self, job) -> None:
        emit(self.message, _("{title} is in the print queue.", title=job.title), "ok")
        self.refresh_extras()

    def _failed(self, exc) -> None:
        emit(self.message, _("Refused: {reason}", reason=problems_of(exc)[0][1]), "error")

    # -- documents
    def _receipt_wanted(self) -> bool:
        return bool(self.receipts) and bool(self.document.currentData())

    def suggested_name(self) -> str:
        if self._receipt_wanted():
            return f"{self.receipts[-1].number}.pdf"
        inv = self.inv
        return f"{inv.local_number or f'draft-{inv.id}'}.pdf"

    def _ask_save_path(self, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(self, _("Save PDF"), suggested,
                                                    _("PDF (*.pdf)"))
        return path

    def _open_url(self, url: QUrl) -> bool:
        return QDesktopServices.openUrl(url)

    def save_pdf(self) -> None:
        if self.inv is None:
            return
        path = self.ask_save_path(self.suggested_name())
        if not path:
            return
        self.worker.submit(write_pdf, self.inv.id, path, self._receipt_wanted(),
                           self.paper.currentData(), on_done=self._saved, on_error=self._failed)

    def _saved(self, info: dict) -> None:
        emit(self.message, _n("Saved {path} ({n} page).", "Saved {path} ({n} pages).",
                                info["pages"], path=info["path"]), "ok")

    def open_pdf(self) -> None:
        if self.inv is None:
            return
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="kasir-pdf-"))
        path = str(self._tmp / self.suggested_name())
        self.worker.submit(write_pdf, self.inv.id, path, self._receipt_wanted(),
                           self.paper.currentData(), on_done=self._open, on_error=self._failed)

    def _open(self, info: dict) -> None:
        self.last_opened = info["path"]
        if not self.open_url(QUrl.fromLocalFile(info["path"])):
            emit(self.message, _("No PDF viewer opened it; the file is {path}.",
                                   path=info["path"]), "info")

    def preview(self) -> None:
        if self.inv is None:
            return
        receipt = self._receipt_wanted()
        title = (_("Receipt {number}", number=self.receipts[-1].number) if receipt
                 else _("Invoice {number}", number=self.inv.display_number))
        self.worker.submit(document_html, self.inv.id, receipt,
                           on_done=lambda text: self._show_preview(title, text),
                           on_error=self._failed)

    def _show_preview(self, title: str, text: str) -> None:
        self.dialog = PreviewDialog(title, text, self.window())
        self.dialog.show()

    # -- email
    def email(self) -> None:
        if self.inv is None:
            return
        self.dialog = EmailDialog(self.inv, self.window())
        self.dialog.confirmed.connect(self._send)
        self.dialog.setModal(True)
        self.dialog.show()

    def _send(self, to: str) -> None:
        self.worker.submit(queue_email, self.inv.id, to, on_done=self._emailed,
                           on_error=self._failed)

    def _emailed(self, mail) -> None:
        who = mail.to or (self.inv.customer_email if self.inv else "") or _("the customer")
        emit(self.message, _("Email to {who} queued; it goes out with the next sync.", who=who),
             "ok")
        self.bus.announce(INVOICE_ACTION, self)  # the outbox grew: sync wakes
        self.refresh_extras()
