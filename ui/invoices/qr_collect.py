"""Collect by QR (issue 16): the dialog the cashier turns to the customer.

`QrCollectDialog(worker, bus, invoice_id, sync, parent)` creates (or reuses) the
Plugipay checkout session for the invoice's amount due and shows its QR large,
the amount, a countdown to expiry and the status. It asks Plugipay every
~2 s (and again whenever a sync pass changed invoices: the events feed), and
when the session is paid the invoice is paid once (app/sync/checkout.py), the
receipt goes to the print queue, and the dialog closes by itself. Cancel
cancels the session. With the manual adapter the customer's claim shows with
its proof image, and the cashier confirms or refuses it.

Network calls run on the dialog's own worker thread, never on the UI thread.
Signals for the customer display and the pay step: `qr_shown(payload, amount,
currency)`, `paid(invoice, receipt)`, `ended(status)`.
"""

from __future__ import annotations

import base64
import time
from datetime import datetime, timezone

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout)

from app.domain.errors import KasirError
from app.i18n import _
from app.services import qr_collect
from app.services.queries import get_invoice

from ui.common.changes import INVOICE_ACTION, Change
from ui.common.fmt import money
from ui.common.forms import problems_of
from ui.common.qr_view import QrView
from ui.common.qtcompat import emit
from ui.common.worker import DbWorker

POLL_MS = 2000


def qr_unavailable_reason(sync) -> str:
    """Why QR cannot be offered now ("" when it can): for the pay step's QR choice."""
    status = getattr(sync, "status", None) if sync is not None else None
    if sync is None or (status is not None and status.state == "not_connected"):
        return _("QR needs a connection to Plugipay: set the key in Settings. Cash and card "
                 "still work.")
    if status is not None and status.state == "offline":
        return _("QR is unavailable while Plugipay cannot be reached. Cash and card still work.")
    return ""


def _proof_pixmap(url: str) -> QPixmap | None:
    if not url.startswith("data:image/") or ";base64," not in url:
        return None
    pixmap = QPixmap()
    try:
        raw = base64.b64decode(url.split(";base64,", 1)[1], validate=True)
    except ValueError:
        return None
    return pixmap if pixmap.loadFromData(raw) else None


class QrCollectDialog(QDialog):
    qr_shown = Signal(str, int, str)  # payload, amount, currency
    paid = Signal(object, object)     # InvoiceRecord, ReceiptRecord
    ended = Signal(str)               # paid | expired | canceled | conflict | unavailable

    def __init__(self, worker, bus, invoice_id: int, sync=None, parent=None, *,
                 printing=None, poll_ms: int = POLL_MS, expires_in: int = 300):
        super().__init__(parent)
        self.worker, self.bus, self.sync, self.printing = worker, bus, sync, printing
        self.invoice_id = invoice_id
        self.expires_in = expires_in
        self.rec = None
        self.collector = None  # lives on the network thread
        self._deadline = None  # monotonic time the QR expires
        self.net = DbWorker(worker.ctx)
        self.setWindowTitle(_("Collect by QR"))
        self.amount = QLabel()
        self.amount.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.amount.setStyleSheet("font-size:28px; font-weight:700;")
        self.qr = QrView(minimum=300)
        self.proof = QLabel()
        self.proof.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.proof.hide()
        self.countdown = QLabel()
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status = QLabel(_("Asking Plugipay for a QR…"))
        self.status.setWordWrap(True)
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.confirm_button = QPushButton(_("Money arrived: confirm"))
        self.refuse_button = QPushButton(_("Not arrived: refuse"))
        self.cancel_button = QPushButton(_("Cancel QR (Esc)"))
        for b in (self.confirm_button, self.refuse_button):
            b.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.refuse_button)
        buttons.addWidget(self.confirm_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.amount)
        lay.addWidget(self.qr, 1)
        lay.addWidget(self.proof)
        lay.addWidget(self.countdown)
        lay.addWidget(self.status)
        lay.addLayout(buttons)
        self.cancel_button.clicked.connect(self.cancel)
        self.confirm_button.clicked.connect(lambda: self._act(self._confirm_task))
        self.refuse_button.clicked.connect(lambda: self._act(self._refuse_task))
        self.poll_timer = QTimer(self, interval=poll_ms)
        self.poll_timer.timeout.connect(self.poll)
        self.tick = QTimer(self, interval=1000)
        self.tick.timeout.connect(self._tick)
        bus.changed.connect(self._on_changed)
        self.net.submit(self._start_task, on_done=self._update, on_error=self._failed)

    # -- on the network thread
    def _make_collector(self, ctx):
        if self.collector is None:
            from app.sync import credentials  # keyring and the SDK: off the UI thread
            from app.sync.checkout import QrCollector, QrUnavailable
            from app.sync.gateway import Gateway

            try:
                creds = credentials.require()
            except credentials.CredentialsError as err:
                raise QrUnavailable(_("QR payment is unavailable: {reason}",
                                      reason=err.message)) from None
            self.collector = QrCollector(ctx, Gateway(creds, timeout=10))
        return self.collector

    def _with_left(self, rec):
        offset = self.collector.gw.clock_offset if self.collector else 0.0
        now = datetime.fromtimestamp(time.time() + offset, timezone.utc)
        return rec, rec.seconds_left(now)

    def _start_task(self, ctx):
        return self._with_left(self._make_collector(ctx).start(self.invoice_id,
                                                               expires_in=self.expires_in))

    def _poll_task(self, ctx, collection_id):
        return self._with_left(self._make_collector(ctx).refresh(collection_id))

    def _cancel_task(self, ctx, collection_id):
        return self._with_left(self._make_collector(ctx).cancel(collection_id))

    def _confirm_task(self, ctx, collection_id):
        return self._with_left(self._make_collector(ctx).confirm(collection_id))

    def _refuse_task(self, ctx, collection_id):
        return self._with_left(self._make_collector(ctx).refuse(collection_id))

    @staticmethod
    def _paid_records(ctx, collection_id):
        receipt = qr_collect.receipt_of(ctx, collection_id)
        return get_invoice(ctx, receipt.invoice_id), receipt

    # -- on the UI thread
    def poll(self) -> None:
        if self.rec is not None and not self.rec.finished:
            self.net.submit(self._poll_task, self.rec.id, key="poll",
                            on_done=self._update, on_error=self._poll_failed)

    def _on_changed(self, flags: int, source) -> None:
        if source is not self and flags & Change.INVOICES:
            self.poll()  # a sync pass may have seen the session paid in the events feed

    def _act(self, task) -> None:
        if self.rec is None:
            return
        for b in (self.confirm_button, self.refuse_button, self.cancel_button):
            b.setEnabled(False)
        self.net.submit(task, self.rec.id, key="poll", on_done=self._update,
                        on_error=self._failed)

    def cancel(self) -> None:
        if self.rec is None or self.rec.finished:
            self._close_quietly()
            return
        self.status.setText(_("Canceling the QR…"))
        self._act(self._cancel_task)

    def reject(self) -> None:  # Esc and the window's close button
        self.cancel()

    def _update(self, result) -> None:
        rec, left = result
        first = self.rec is None
        self.rec = rec
        if first or self._deadline is None:
            self._deadline = time.monotonic() + left
        self.amount.setText(money(rec.amount, rec.currency))
        if rec.qr_payload and rec.qr_payload != self.qr.payload:
            self.qr.set_payload(rec.qr_payload)
            emit(self.qr_shown, rec.qr_payload, rec.amount, rec.currency)
        for b in (self.confirm_button, self.refuse_button, self.cancel_button):
            b.setEnabled(True)
        if rec.paid:
            self.status.setText(_("Paid. Printing the receipt…"))
            self.net.submit(self._paid_records, rec.id, on_done=self._paid, on_error=self._failed)
            return
        if rec.outcome == "conflict":
            self.status.setText(_("The customer paid, but the invoice was already settled: "
                                  "refund them (see the conflicts list)."))
            self._stop_timers()
            emit(self.ended, "conflict")
            return
        if rec.status == "canceled":
            self._finish(rec.status, accept=False)
            return
        if rec.status in ("expired", "failed"):
            # Left open with the reason: the cashier closes it and chooses another way.
            self.status.setText(_("The QR expired unpaid. Nothing was charged."))
            self.qr.set_payload("")
            self.countdown.clear()
            self.cancel_button.setText(_("Close"))
            self._stop_timers()
            emit(self.ended, rec.status)
            return
        claimed = rec.status == "pending_review"
        self.confirm_button.setVisible(claimed)
        self.refuse_button.setVisible(claimed)
        if claimed:
            pixmap = _proof_pixmap(rec.proof_url)
            if pixmap is not None:
                self.proof.setPixmap(pixmap.scaled(240, 320, Qt.AspectRatioMode.KeepAspectRatio))
                self.proof.show()
            self.status.setText(_("The customer says they paid. Check the proof and your "
                                  "account, then confirm or refuse."))
        else:
            self.status.setText(_("Waiting for the customer to scan and pay…"))
        if not self.poll_timer.isActive():
            self.poll_timer.start()
            self.tick.start()
        self._tick()

    def _tick(self) -> None:
        if self._deadline is None:
            return
        left = max(0, int(self._deadline - time.monotonic()))
        self.countdown.setText(_("Expires in {minutes}:{seconds}", minutes=left // 60,
                                 seconds=f"{left % 60:02d}"))
        if left == 0:
            self.poll()

    def _paid(self, records) -> None:
        inv, receipt = records
        self.bus.announce(INVOICE_ACTION, self)
        if self.printing is not None:
            self.printing.after_action(inv, receipt)
        else:
            self.net.submit(_queue_receipt, inv, receipt)
        emit(self.paid, inv, receipt)
        self._finish("paid", accept=True)

    def _poll_failed(self, exc) -> None:
        self.status.setText(_("No answer from Plugipay yet; asking again…"))

    def _failed(self, exc) -> None:
        message = exc.message if isinstance(exc, KasirError) else problems_of(exc)[0][1]
        self.status.setText(message)
        self.qr.set_payload("")
        for b in (self.confirm_button, self.refuse_button):
            b.hide()
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText(_("Close"))
        self._stop_timers()
        if self.rec is None:
            emit(self.ended, "unavailable")

    def _stop_timers(self) -> None:
        self.poll_timer.stop()
        self.tick.stop()

    def _close_quietly(self) -> None:
        """Close after the end was already announced (expired, unavailable)."""
        self._stop_timers()
        self.net.submit(_close_gateway, self)
        super().reject()

    def _finish(self, status: str, *, accept: bool) -> None:
        self._stop_timers()
        if status != "paid":
            emit(self.ended, status)
        self.net.submit(_close_gateway, self)
        if accept:
            super().accept()
        else:
            super().reject()

    def done(self, result: int) -> None:
        super().done(result)
        self.net.stop()


def _queue_receipt(ctx, inv, receipt):
    from app.printing.queue import after_payment  # escpos: only when a slip is queued

    return after_payment(ctx, inv, receipt)


def _close_gateway(_ctx, dialog):
    if dialog.collector is not None:
        dialog.collector.gw.close()
