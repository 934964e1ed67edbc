"""The lock screen (operator switch and unlock) and the idle lock."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QLabel, QPushButton, QVBoxLayout,
                               QWidget)

from app.i18n import _
from app.services.roles import login, role_label
from app.services.accounts import list_staff

from ui.common.qtcompat import emit
from ui.trust.common import direct_runner, error_label, pin_field, show_error


def _login(ctx, name, pin):
    return login(ctx, name, pin)


class LockScreen(QWidget):
    """Who is at the till? Pick your name, type your PIN. Emits `unlocked` with
    the Context of the person signed in (operator, role)."""

    unlocked = Signal(object)

    def __init__(self, ctx, run=None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self._run = run or direct_runner(ctx)
        self.title = QLabel(_("Kasir is locked"))
        self.title.setObjectName("title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who = QComboBox()
        self.who.setAccessibleName(_("Operator"))
        self.pin = pin_field()
        self.unlock_button = QPushButton(_("Unlock"))
        self.unlock_button.setDefault(True)
        self.error = error_label()
        form = QFormLayout()
        form.addRow(_("Operator"), self.who)
        form.addRow(_("PIN"), self.pin)
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(self.title)
        box.addLayout(form)
        box.addWidget(self.error)
        box.addWidget(self.unlock_button)
        box.addStretch(1)
        self.unlock_button.clicked.connect(self.submit)
        self.pin.returnPressed.connect(self.submit)
        self.refresh()

    def refresh(self, current: str | None = None) -> None:
        """Reload the names (call when staff change)."""
        def fill(people):
            self.who.clear()
            for p in people:
                self.who.addItem(f"{p.display_name} ({role_label(p.role)})", p.name)
            if current:
                i = self.who.findData(current)
                if i >= 0:
                    self.who.setCurrentIndex(i)
        self._run(lambda ctx: list_staff(ctx, include_disabled=False), on_done=fill,
                  on_error=lambda e: show_error(self.error, e))

    def lock(self, current: str | None = None) -> None:
        """Show as locked again, the PIN cleared, keeping the last operator selected."""
        self.pin.clear()
        show_error(self.error, "")
        if current:
            i = self.who.findData(current)
            if i >= 0:
                self.who.setCurrentIndex(i)
        self.pin.setFocus()

    def submit(self) -> None:
        name = self.who.currentData()
        if not name:
            show_error(self.error, _("Choose who you are first."))
            return
        pin = self.pin.text()
        self.pin.clear()  # never kept in the widget
        self.unlock_button.setEnabled(False)

        def done(ctx):
            self.unlock_button.setEnabled(True)
            show_error(self.error, "")
            emit(self.unlocked, ctx)

        def failed(exc):
            self.unlock_button.setEnabled(True)
            show_error(self.error, exc)
            self.pin.setFocus()
        self._run(_login, name, pin, on_done=done, on_error=failed)


class IdleLock(QObject):
    """Emits `idle` after `minutes` without a key press, click or touch anywhere
    in the application (0 turns it off). Install once; the window shows the
    lock screen on `idle`."""

    idle = Signal()
    INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
             QEvent.Type.Wheel, QEvent.Type.TouchBegin}

    def __init__(self, app, minutes: float = 5, parent=None):
        super().__init__(parent)
        self._app = app
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: emit(self.idle))
        self.set_minutes(minutes)
        app.installEventFilter(self)

    def set_minutes(self, minutes: float) -> None:
        self._ms = int(max(0, minutes) * 60_000)
        self.poke()

    def poke(self) -> None:
        if self._ms:
            self._timer.start(self._ms)
        else:
            self._timer.stop()

    def stop(self) -> None:
        self._timer.stop()
        self._app.removeEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
        if event.type() in self.INPUT:
            self.poke()
        return False
