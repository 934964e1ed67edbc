"""Open a shift with a cash float: the shift page's box, and the prompt the sale
screen shows at the first sale when this operator has no shift open.

The core decides (app/reconcile/shift.py): `shift_is_open`, `open_shift` with
the float per currency; the Z report then starts at this opening."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from app.domain.errors import ValidationError
from app.domain.money import parse_amount
from app.i18n import _

from ui.common.forms import FieldError, problems_of, set_invalid
from ui.common.qtcompat import emit


def open_with_float(ctx, currency: str, amount: int) -> dict:  # worker thread
    # on the DB worker: the reconcile feature stays off the start-up path
    from app.reconcile.shift import open_shift

    return open_shift(ctx, {currency: amount})


def is_shift_open(ctx) -> bool:  # worker thread
    # on the DB worker: the reconcile feature stays off the start-up path
    from app.reconcile.shift import shift_is_open

    return shift_is_open(ctx)


class OpenShiftBox(QWidget):
    """"Cash float: [____] [Open shift]"; Enter in the field opens it."""

    opened = Signal(dict)  # the shift's summary, from the core

    def __init__(self, worker, text: str = "", currency: str = "IDR", parent=None):
        super().__init__(parent)
        self.worker, self.currency = worker, currency
        self.text = QLabel(text or _("No shift is open. Count the cash float in the drawer "
                                     "and open one:"))
        self.text.setWordWrap(True)
        self.float_edit = QLineEdit(placeholderText=_("Cash float, e.g. 200.000"))
        self.float_edit.setAccessibleName(_("Cash float"))
        self.button = QPushButton(_("Open shift"))
        self.error = FieldError()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.text, 2)
        row.addWidget(self.float_edit, 1)
        row.addWidget(self.button)
        row.addWidget(self.error, 1)
        self.float_edit.returnPressed.connect(self.open)
        self.button.clicked.connect(self.open)

    def open(self) -> None:
        text = self.float_edit.text().strip() or "0"
        try:
            amount = parse_amount(text, self.currency)
            if amount < 0:
                raise ValidationError(_("The float cannot be negative."), field="float")
        except ValidationError as exc:
            self._refused(exc)
            return
        self.button.setEnabled(False)
        self.worker.submit(open_with_float, self.currency, amount, on_done=self._opened,
                           on_error=self._refused)

    def _opened(self, summary: dict) -> None:
        self.button.setEnabled(True)
        self.float_edit.clear()
        set_invalid(self.float_edit, "")
        self.error.show_message("")
        emit(self.opened, summary)

    def _refused(self, exc) -> None:
        self.button.setEnabled(True)
        message = problems_of(exc)[0][1]
        set_invalid(self.float_edit, message)
        self.error.show_message(message)
