"""What the print queue holds, in the status bar (a button) and in a small
dialog: slips waiting with the reason, try again now, cancel one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QPushButton, QVBoxLayout)

from app.i18n import _, _n

from ui.common.fmt import local_dt

JOB_ROLE = Qt.ItemDataRole.UserRole + 1


def indicator_text(pending: int, last_error: str) -> str:
    if not pending:
        return _("Printer: nothing waiting")
    text = _n("Printer: {n} slip waiting", "Printer: {n} slips waiting", pending)
    return text + (" — " + last_error.split(":")[0] if last_error else "")


class PrintIndicator(QPushButton):
    """Flat status-bar button; amber while slips wait. Click: the queue."""

    def __init__(self, queue, parent=None):
        super().__init__(parent)
        self.queue = queue
        self.setFlat(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.dialog = None
        queue.changed.connect(self.update_state)
        self.clicked.connect(self.open_queue)
        self.update_state()

    def update_state(self) -> None:
        q = self.queue
        self.setText(indicator_text(q.pending, q.last_error))
        self.setToolTip(q.last_error or q.message or _("Slips print from this queue."))
        self.setStyleSheet("color:#92400E; font-weight:600;" if q.pending else "")

    def retranslate(self) -> None:
        """The language changed: the text now, the dialog again when next opened."""
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        self.update_state()

    def open_queue(self) -> None:
        if self.dialog is None:
            self.dialog = PrintQueueDialog(self.queue, self.window())
        self.queue.refresh()
        self.dialog.show()
        self.dialog.activateWindow()


class PrintQueueDialog(QDialog):
    def __init__(self, queue, parent=None):
        super().__init__(parent)
        self.queue = queue
        self.setWindowTitle(_("Print queue"))
        self.resize(560, 360)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.retry_button = QPushButton(_("Try again now"))
        self.cancel_button = QPushButton(_("Cancel selected slip"))
        close = QPushButton(_("Close"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(self.list, 1)
        lay.addLayout(buttons)
        self.retry_button.clicked.connect(queue.retry_all)
        self.cancel_button.clicked.connect(self.cancel_selected)
        close.clicked.connect(self.close)
        queue.changed.connect(self.fill)
        self.fill()

    def fill(self) -> None:
        q = self.queue
        self.summary.setText(
            " ".join(filter(None, (
                _n("{n} slip waiting.", "{n} slips waiting.", q.pending) if q.pending
                else _("Nothing waiting."),
                _("Last problem: {error}", error=q.last_error) if q.last_error else "",
                _("A slip that cannot print waits here and is tried again; it is never lost.")))))
        self.list.clear()
        for job in q.jobs:
            if job.state == "pending":
                text = (_("Waiting · {title} · tried {count}×", title=job.title,
                          count=job.attempts)
                        + (f" · {job.last_error}" if job.last_error else ""))
            else:
                text = _("Printed {when} · {title}", when=local_dt(job.printed_at),
                         title=job.title) + (" " + _("(reprint)") if job.reprint else "")
            item = QListWidgetItem(text)
            item.setData(JOB_ROLE, job.id if job.state == "pending" else None)
            self.list.addItem(item)
        self.retry_button.setEnabled(bool(q.pending))

    def cancel_selected(self) -> None:
        item = self.list.currentItem()
        job_id = item.data(JOB_ROLE) if item is not None else None
        if job_id:
            self.queue.cancel(job_id)
