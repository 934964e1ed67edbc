"""Small dialogs and helpers for invoice actions: the paid-on date the pay step
parses, and void / write off (a reason, and a confirmation in the button's words)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel,
                               QLineEdit, QVBoxLayout)

from app.domain.errors import ValidationError
from app.i18n import _

from ui.common.forms import return_focus, set_invalid
from ui.common.qtcompat import emit


def parse_paid_at(text: str, now: datetime) -> datetime | None:
    """Empty: now. `YYYY-MM-DD` or `YYYY-MM-DD HH:MM` in this computer's time zone."""
    text = text.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            local = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if fmt == "%Y-%m-%d":
            local = local.replace(hour=12)
        value = local.astimezone()  # naive -> this machine's zone
        if fmt == "%Y-%m-%d" and value > now and value.date() == now.astimezone().date():
            return now  # today, before noon: the money landed already
        return value
    raise ValidationError(_("{text} is not a date. Use 2026-11-22 or 2026-11-22 14:30.",
                            text=repr(text)), field="paid_at")


class ReasonDialog(QDialog):
    """Void or write off: says what will happen, asks why, confirms in the button."""

    confirmed = Signal(str)

    def __init__(self, title: str, warning: str, confirm_text: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.reason = QLineEdit(placeholderText=_("Why? (kept in the history)"))
        self.error = QLabel()
        self.error.setStyleSheet("color:#B91C1C;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(confirm_text)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        text = QLabel(warning)
        text.setWordWrap(True)
        lay.addWidget(text)
        lay.addWidget(self.reason)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        self.reason.setFocus()
        return_focus(self)

    def _ok(self) -> None:
        reason = self.reason.text().strip()
        if not reason:
            set_invalid(self.reason, _("Say why."))
            self.error.setText(_("Give a reason: it is kept in the invoice's history."))
            return
        emit(self.confirmed, reason)
        self.accept()
