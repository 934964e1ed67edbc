"""Refunds in the invoice detail: the refunds of a paid invoice (local F
number, date, amount, method, sync state) with Reprint slip and Credit note
PDF, and the refund itself (Ctrl+Shift+R): the dialog, a manager's approval
when the signed-in person needs one (ui/trust/guard.py), the refund through
`app.services.refunds.refund`, then its slip through the print queue."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QGroupBox, QHBoxLayout,
                               QHeaderView, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout)

from app.domain.refunds import REFUND_METHODS
from app.i18n import N_, _, gettext
from app.services.refund_quote import refund_quote
from app.services.refunds import list_refunds, refund

from ui.common.fmt import local_dt, money, sync_label
from ui.common.forms import problems_of
from ui.common.qtcompat import emit
from ui.invoices.refund_dialog import RefundDialog
from ui.trust.guard import cancelled_text, run_guarded

REFUSED = N_("Refused by Plugipay")  # a refund's sync state the invoice labels lack


def refund_sync_label(state: str) -> str:
    return gettext(REFUSED) if state == "refused" else sync_label(state)


def method_text(method: str) -> str:
    label = REFUND_METHODS.get(method)
    return gettext(label) if label else method


# ── worker-thread functions ──────────────────────────────────────────
def queue_refund_slip(ctx, refund_id: int, reprint: bool = False, cash: bool = False):
    """Store the refund's slip in the print queue; a cash refund opens the
    drawer when the till's printer is set to (never on a reprint)."""
    # on a worker: the printing machinery stays off the start-up path
    from app.printing.config import load_config
    from app.printing.refund_slip import enqueue_refund_slip

    kick = cash and not reprint and load_config(ctx).drawer_kick
    return enqueue_refund_slip(ctx, refund_id, reprint=reprint, drawer_kick=kick)


def write_credit_note(ctx, refund_id: int, path: str) -> str:
    # reportlab and the templates load when a document is first made
    from app.documents.credit_note import render_credit_note_pdf

    Path(path).write_bytes(render_credit_note_pdf(ctx, refund_id))
    return path


class RefundsPanel(QGroupBox):
    """`message(text, kind)` for the detail's banner; `refunded(text)` once a
    refund is stored (the detail reloads and tells the rest of the window)."""

    message = Signal(str, str)
    refunded = Signal(str)

    def __init__(self, worker, printing=None, parent=None):
        super().__init__(_("Refunds"), parent)
        self.worker, self.printing = worker, printing
        self.inv = None
        self.records: tuple = ()
        self.dialog: RefundDialog | None = None
        self.approval = None
        self.ask_save_path = self._ask_save_path  # replaceable in tests
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([_("Number"), _("Date"), _("Amount"), _("Method"),
                                              _("Sync")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.reprint_button = QPushButton(_("Reprint slip"))
        self.pdf_button = QPushButton(_("Credit note PDF…"))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.reprint_button)
        row.addWidget(self.pdf_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addLayout(row)
        self.reprint_button.clicked.connect(self.reprint)
        self.pdf_button.clicked.connect(self.save_credit_note)
        self.reprint_button.setEnabled(printing is not None)
        if printing is None:
            self.reprint_button.setToolTip(_("Printing is not set up yet."))
        self.hide()

    # -- the list
    def set_invoice(self, inv) -> None:
        self.inv = inv
        if inv.amount_paid <= 0 and not inv.amount_refunded:
            self._fill(())
            return
        self.worker.submit(list_refunds, inv.id, key=f"{id(self)}:load", on_done=self._fill,
                           on_error=lambda exc: emit(self.message, problems_of(exc)[0][1],
                                                     "error"))

    def _fill(self, records) -> None:
        self.records = tuple(records)
        self.table.setRowCount(len(self.records))
        for i, r in enumerate(self.records):
            for col, text in enumerate((r.local_number, local_dt(r.created_at),
                                        money(r.amount, r.currency), method_text(r.method),
                                        refund_sync_label(r.sync_state))):
                item = QTableWidgetItem(text)
                if col == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, col, item)
        if self.records:
            self.table.selectRow(len(self.records) - 1)
        self.setVisible(bool(self.records))

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        if rows:
            return self.records[rows[0].row()]
        return self.records[-1] if self.records else None

    # -- the refund
    def start(self, inv) -> None:
        """Read what is left to give back, then open the dialog."""
        self.worker.submit(refund_quote, inv.id, on_done=self._open_dialog,
                           on_error=lambda exc: emit(self.message, _(
                               "Refused: {reason}", reason=problems_of(exc)[0][1]), "error"))

    def _open_dialog(self, quote) -> None:
        self.dialog = RefundDialog(quote, self.window())
        self.dialog.confirmed.connect(self._confirmed)
        self.dialog.setModal(True)
        self.dialog.show()

    def _confirmed(self, data) -> None:
        dlg = self.dialog
        self.approval = run_guarded(
            self.worker, dlg, "refund", refund, dlg.quote.invoice_id, data,
            on_done=self._done, on_error=self._refused,
            on_cancel=lambda: dlg.show_refusal(cancelled_text("refund")))

    def _refused(self, exc) -> None:
        message = problems_of(exc)[0][1]
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.show_refusal(message)  # the dialog stays open; nothing was stored
        else:
            emit(self.message, _("Refused: {reason}", reason=message), "error")

    def _done(self, rec) -> None:
        if self.dialog is not None:
            self.dialog.accept()
        self._print(rec, reprint=False)
        emit(self.refunded, _("Refunded {number}: {amount}, {method}.", number=rec.local_number,
                              amount=money(rec.amount, rec.currency),
                              method=method_text(rec.method)))

    # -- slips and credit notes
    def _print(self, rec, reprint: bool) -> None:
        if self.printing is None:
            return
        self.worker.submit(queue_refund_slip, rec.id, reprint, rec.method == "cash",
                           on_done=self._queued, on_error=self._failed)

    def _queued(self, job) -> None:
        self.printing.message = _("{title}: sent to the printer.", title=job.title)
        self.printing.refresh()
        self.printing.process()

    def _failed(self, exc) -> None:
        emit(self.message, problems_of(exc)[0][1], "error")

    def reprint(self) -> None:
        rec = self.selected()
        if rec is not None and self.printing is not None:
            self._print(rec, reprint=True)
            emit(self.message, _("Refund slip {number} sent to the printer again.",
                                 number=rec.local_number), "ok")

    def _ask_save_path(self, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(self, _("Save PDF"), suggested,
                                                    _("PDF (*.pdf)"))
        return path

    def save_credit_note(self) -> None:
        rec = self.selected()
        if rec is None:
            return
        path = self.ask_save_path(f"{rec.local_number}.pdf")
        if not path:
            return
        self.worker.submit(write_credit_note, rec.id, path,
                           on_done=lambda p: emit(self.message, _("Saved {path}.", path=p), "ok"),
                           on_error=self._failed)
