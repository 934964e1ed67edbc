"""An uncaught error, told to the person at the till in plain words.

`app.logs` has already written the traceback to the log file; this only shows
a short message with where that file is. The hook may run on any thread, so it
hands the message to the GUI thread through a queued signal."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox

from app.i18n import _

from ui.common.qtcompat import emit


class CrashNotice(QObject):
    crashed = Signal(str)

    def __init__(self, log_path, parent=None):
        super().__init__(parent)
        self.log_path = str(log_path)
        self.shown = 0
        self.crashed.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def __call__(self, exc_type, exc, tb) -> None:  # app.logs' on_crash, any thread
        emit(self.crashed, f"{exc_type.__name__}: {exc}"[:300])

    @Slot(str)
    def _show(self, summary: str) -> None:
        self.shown += 1
        if self.shown > 3:  # a loop of errors must not bury the till in dialogs
            return
        QMessageBox.warning(None, _("Something went wrong"),
                            _("Kasir hit an unexpected error and wrote the details to {path}. "
                              "Your saved sales are safe. If it happens again, send that file "
                              "to your support contact.\n\n{summary}",
                              path=self.log_path, summary=summary))
