"""The refund dialog: lines and quantities returned, or an amount typed; how
the money goes back, why, and a note. The amount is priced by the core
(`RefundQuote.amount_for`, the refund's own arithmetic) as the choice changes;
a choice the core refuses (more than is left) is shown here and cannot be
confirmed. `confirmed(RefundInput)` hands the choice to the screen, which runs
the refund (with a manager's approval when needed) and closes the dialog only
when it was stored; a refusal comes back through `show_refusal`, the dialog
stays open and nothing was stored."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QComboBox, QDialog,
                               QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPushButton, QRadioButton, QSpinBox, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from app.domain.errors import KasirError
from app.domain.money import parse_amount
from app.domain.refunds import (MAX_NOTE, REFUND_METHODS, REFUND_REASONS, RefundInput,
                                RefundLineInput)
from app.i18n import _, gettext

from ui.common.fmt import money
from ui.common.forms import problems_of
from ui.common.qtcompat import emit

LINES, AMOUNT = 0, 1
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class RefundDialog(QDialog):
    """`RefundDialog(quote)`: `quote` is a `app.services.refund_quote.RefundQuote`."""

    confirmed = Signal(object)  # RefundInput

    def __init__(self, quote, parent=None):
        super().__init__(parent)
        self.quote = quote
        self.amount = 0  # what the current choice gives back; 0 when refused
        self.setWindowTitle(_("Refund on {number}", number=quote.display_number))
        cur = quote.currency
        self.summary = QLabel(_("Paid {paid} · refunded so far {refunded} · left {left}",
                                paid=money(quote.amount_paid, cur),
                                refunded=money(quote.amount_refunded, cur),
                                left=money(quote.left, cur)))
        self.by_lines = QRadioButton(_("Lines returned"))
        self.by_amount = QRadioButton(_("An amount"))
        self.mode = QButtonGroup(self)
        self.mode.addButton(self.by_lines, LINES)
        self.mode.addButton(self.by_amount, AMOUNT)
        self.all_button = QPushButton(_("Everything left"))

        self.table = QTableWidget(len(quote.lines), 4)
        self.table.setHorizontalHeaderLabels([_("Line"), _("Sold"), _("Already returned"),
                                              _("Return")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.spins: list[QSpinBox] = []
        for row, line in enumerate(quote.lines):
            for col, text in enumerate((line.description, str(line.quantity),
                                        str(line.returned))):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(_RIGHT)
                self.table.setItem(row, col, item)
            spin = QSpinBox()
            spin.setRange(0, line.left)
            spin.setEnabled(line.left > 0)
            spin.setAccessibleName(_("Quantity returned of {line}", line=line.description))
            spin.valueChanged.connect(self.recompute)
            self.table.setCellWidget(row, 3, spin)
            self.spins.append(spin)

        self.amount_edit = QLineEdit(placeholderText=_("Amount to give back, e.g. 15.000"))
        self.method = QComboBox()
        for code, label in REFUND_METHODS.items():
            self.method.addItem(gettext(label), code)
        self.reason = QComboBox()
        for code, label in REFUND_REASONS.items():
            self.reason.addItem(gettext(label), code)
        self.note = QLineEdit(placeholderText=_("Note (optional, kept in the history)"))
        self.note.setMaxLength(MAX_NOTE)
        self.total = QLabel()
        self.total.setStyleSheet("font-weight:700; font-size:16px;")
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setStyleSheet("color:#B91C1C;")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Refund"))

        modes = QHBoxLayout()
        modes.addWidget(self.by_lines)
        modes.addWidget(self.by_amount)
        modes.addStretch(1)
        modes.addWidget(self.all_button)
        form = QFormLayout()
        form.addRow(_("Amount"), self.amount_edit)
        form.addRow(_("Method"), self.method)
        form.addRow(_("Reason"), self.reason)
        form.addRow(_("Note"), self.note)
        form.addRow(_("Give back"), self.total)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addLayout(modes)
        lay.addWidget(self.table)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)

        self.mode.idClicked.connect(lambda _id: self._mode_changed())
        self.all_button.clicked.connect(self.return_everything)
        self.amount_edit.textChanged.connect(self.recompute)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        has_lines = any(l.left for l in quote.lines) and quote.left > 0
        (self.by_lines if has_lines else self.by_amount).setChecked(True)
        self.by_lines.setEnabled(has_lines)
        self.resize(640, 480)
        self._mode_changed()

    # -- the choice
    def set_mode(self, mode: int) -> None:
        self.mode.button(mode).setChecked(True)
        self._mode_changed()

    def _mode_changed(self) -> None:
        lines = self.mode.checkedId() == LINES
        self.table.setEnabled(lines)
        self.all_button.setEnabled(lines)
        self.amount_edit.setEnabled(not lines)
        (self.table if lines else self.amount_edit).setFocus()
        self.recompute()

    def return_everything(self) -> None:
        for spin in self.spins:
            spin.blockSignals(True)
            spin.setValue(spin.maximum())
            spin.blockSignals(False)
        self.recompute()

    def returning(self) -> tuple[RefundLineInput, ...]:
        return tuple(RefundLineInput(line.index, spin.value())
                     for line, spin in zip(self.quote.lines, self.spins) if spin.value())

    def refund_input(self) -> RefundInput:
        """The choice as the core takes it; raises ValidationError on an amount
        that is not one."""
        common = dict(method=self.method.currentData(), reason=self.reason.currentData(),
                      note=self.note.text().strip())
        if self.mode.checkedId() == AMOUNT:
            return RefundInput(amount=parse_amount(self.amount_edit.text(),
                                                   self.quote.currency), **common)
        return RefundInput(lines=self.returning(), **common)

    def recompute(self) -> None:
        """Price the choice with the core; a refusal is shown and blocks Refund."""
        self.amount = 0
        message = ""
        try:
            data = self.refund_input()
            if data.amount is None and not data.lines:
                message = _("Choose the quantities that come back.")
            elif data.amount is not None and data.amount > self.quote.left > 0:
                # the core's refusal, with the amount as people read it
                message = _("That is more than is left to refund: at most {left} can still "
                            "be given back.", left=money(self.quote.left, self.quote.currency))
            else:
                self.amount = self.quote.amount_for(data)
        except KasirError as exc:
            message = problems_of(exc)[0][1]
        self.total.setText(money(self.amount, self.quote.currency))
        self.error.setText(message)
        self.ok.setEnabled(self.amount > 0)

    # -- confirm; the screen answers with accept() or show_refusal()
    def _ok(self) -> None:
        self.recompute()
        if self.amount <= 0:
            return
        self.ok.setEnabled(False)  # one refund per click, until the core answers
        emit(self.confirmed, self.refund_input())

    def show_refusal(self, message: str) -> None:
        self.error.setText(message)
        self.ok.setEnabled(self.amount > 0)
