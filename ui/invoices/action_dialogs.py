"""Small dialogs for invoice actions: mark paid (method, reference, date) and
void / write off (a reason, and a confirmation in the button's words)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QLineEdit, QVBoxLayout)

from app.domain.errors import ValidationError
from app.domain.labels import method_label
from app.i18n import _
from app.services.invoices import PAYMENT_METHODS, PaymentInput

from ui.common.fmt import money
from ui.common.forms import FormErrors, return_focus, set_invalid
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


class PaymentDialog(QDialog):
    """Enter confirms: cash today is one keystroke."""

    confirmed = Signal(object)  # PaymentInput

    def __init__(self, inv, now: datetime, parent=None):
        super().__init__(parent)
        self.now = now
        self.setWindowTitle(_("Mark {number} paid", number=inv.display_number))
        self.method = QComboBox()
        for code in PAYMENT_METHODS:
            self.method.addItem(method_label(code), code)
        self.method.setCurrentIndex(self.method.findData("cash"))
        self.reference = QLineEdit(placeholderText=_("Transfer note, EDC slip no. (optional)"))
        self.paid_at = QLineEdit(placeholderText=_("Now, or 2026-11-22 14:30"))
        self.errors = FormErrors()
        form = QFormLayout()
        form.addRow(QLabel(_("Amount: <b>{amount}</b>",
                             amount=money(inv.amount_due, inv.currency))))
        form.addRow(_("Method"), self.method)
        form.addRow(_("Reference"), self.reference)
        form.addRow(_("Paid on"), self.paid_at)
        form.addRow("", self.errors.add("paid_at", self.paid_at))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Mark paid"))
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.buttons)
        self.method.setFocus()

    def _ok(self) -> None:
        try:
            when = parse_paid_at(self.paid_at.text(), self.now)
        except ValidationError as exc:
            self.errors.show([("paid_at", exc.message)])
            return
        emit(self.confirmed, PaymentInput(self.method.currentData(), self.reference.text(), when))
        self.accept()


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
