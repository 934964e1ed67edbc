"""The pay step: the amount due, large; the cash handed over, typed or tapped;
the change, large and live; other tenders (card, transfer, QRIS, other) with
their references for a split. Enter finishes, Esc cancels and stores nothing.

What is allowed is the core's rule (app/domain/tenders.py `settle`), run as
the cashier types: the Finish button is enabled only when the tenders settle,
and the reason is shown when they do not. Finishing pays through the service
in one transaction, then queues the receipt (the till's print-on-pay rule)
with a drawer kick when cash was taken.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QVBoxLayout)

from app.domain.errors import ValidationError
from app.domain.labels import method_label
from app.domain.money import format_plain, parse_amount
from app.domain.tenders import Settlement, Tender, quick_cash, settle
from app.i18n import _
from app.services.invoices import PaymentInput, pay_with_tenders

from ui.common.fmt import money
from ui.common.forms import problems_of, return_focus, set_invalid, shortcut
from ui.common.qtcompat import emit
from ui.invoices.action_dialogs import parse_paid_at

OTHER_METHODS = ("edc", "transfer", "qris", "other")
QUICK_KEYS = ("F5", "F6", "F7", "F8")
BIG = "font-size:30px; font-weight:700;"


class TenderRow:
    """A non-cash tender: its amount and its reference (EDC slip, transfer note)."""

    def __init__(self, method: str):
        self.method = method
        self.label = QLabel(method_label(method))
        self.amount = QLineEdit(placeholderText="0")
        self.amount.setAccessibleName(_("{method} amount", method=method_label(method)))
        self.reference = QLineEdit(placeholderText=_("Reference (slip no., note)"))
        self.reference.setAccessibleName(_("{method} reference", method=method_label(method)))


class PayStep(QDialog):
    """Pay one issued invoice; `paid` says what the service stored."""

    paid = Signal(object, object, object)  # InvoiceRecord, ReceiptRecord, PaymentRecord
    qr_requested = Signal()  # the cashier chose QR: the owner opens the QR collect dialog

    def __init__(self, inv, worker, printing=None, parent=None, *, show_paid_on: bool = False,
                 qr_reason: str | None = None):
        """`qr_reason`: None offers no QR choice; "" offers it; a sentence shows it
        disabled with that reason (offline, no key: cash and card still work)."""
        super().__init__(parent)
        self.inv, self.worker, self.printing = inv, worker, printing
        self.qr_chosen = False
        self.currency = inv.currency
        self.due = inv.amount_due
        self.settlement: Settlement | None = None
        self.busy = False
        self.setWindowTitle(_("Pay {number}", number=inv.display_number))

        self.due_label = QLabel(money(self.due, self.currency))
        self.due_label.setStyleSheet(BIG)
        self.due_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.cash = QLineEdit()
        self.cash.setPlaceholderText(_("Cash received"))
        self.cash.setAccessibleName(_("Cash received"))
        self.cash.setStyleSheet("font-size:24px;")
        self.cash.setMinimumHeight(44)
        self.quick = []
        amounts = quick_cash(self.due) if self.currency == "IDR" else [self.due]
        quick_row = QHBoxLayout()
        for i, amount in enumerate(amounts[:len(QUICK_KEYS)]):
            text = _("Exact") if amount == self.due else money(amount, self.currency)
            button = QPushButton(f"{text}  ({QUICK_KEYS[i]})")
            button.setAutoDefault(False)
            button.setMinimumHeight(44)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(lambda _c=False, a=amount: self.set_cash(a))
            shortcut(self, QUICK_KEYS[i], lambda a=amount: self.set_cash(a), window=True)
            self.quick.append((amount, button))
            quick_row.addWidget(button)

        self.rows = [TenderRow(m) for m in OTHER_METHODS]
        split = QGroupBox(_("Split: card, transfer, QRIS, other"))
        grid = QGridLayout(split)
        for r, row in enumerate(self.rows):
            grid.addWidget(row.label, r, 0)
            grid.addWidget(row.amount, r, 1)
            grid.addWidget(row.reference, r, 2)
        grid.setColumnStretch(2, 1)

        self.paid_on = QLineEdit(placeholderText=_("Now, or 2026-11-22 14:30"))
        self.paid_on_label = QLabel(_("Paid on"))
        for w in (self.paid_on, self.paid_on_label):
            w.setVisible(show_paid_on)

        self.change_label = QLabel()
        self.change_label.setStyleSheet(BIG + "color:#065F46;")
        self.change_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet("color:#B91C1C;")
        self.finish_button = QPushButton(_("Finish (Enter)"))
        self.finish_button.setDefault(True)
        self.finish_button.setMinimumHeight(44)
        self.qr_button = QPushButton(_("QR (F11)"))
        self.qr_button.setAutoDefault(False)
        self.qr_button.setMinimumHeight(44)
        self.qr_button.setVisible(qr_reason is not None)
        self.qr_button.setEnabled(not qr_reason)
        self.qr_button.setToolTip(qr_reason or _("Show a QRIS code for the amount due; the sale "
                                                 "turns paid by itself when the buyer pays."))
        self.qr_button.clicked.connect(self.choose_qr)
        if qr_reason is not None:
            shortcut(self, "F11", self.choose_qr, window=True)
        self.cancel_button = QPushButton(_("Cancel (Esc)"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.setMinimumHeight(44)

        top = QGridLayout()
        top.addWidget(QLabel(_("Amount due")), 0, 0)
        top.addWidget(self.due_label, 0, 1)
        top.addWidget(QLabel(_("Cash received")), 1, 0)
        top.addWidget(self.cash, 1, 1)
        top.addWidget(QLabel(_("Change")), 2, 0)
        top.addWidget(self.change_label, 2, 1)
        top.setColumnStretch(1, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.qr_button)
        buttons.addWidget(self.finish_button)
        when = QHBoxLayout()
        when.addWidget(self.paid_on_label)
        when.addWidget(self.paid_on, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(quick_row)
        lay.addWidget(split)
        lay.addLayout(when)
        lay.addWidget(self.reason)
        lay.addLayout(buttons)

        for edit in self._edits():
            edit.textChanged.connect(self.update_state)
        self.finish_button.clicked.connect(self.finish)
        self.cancel_button.clicked.connect(self.reject)
        self.update_state()
        self.cash.setFocus()
        return_focus(self)

    def choose_qr(self) -> None:
        """Hand the sale to the QR collect dialog; this step closes, storing nothing."""
        if not self.qr_button.isVisible() or not self.qr_button.isEnabled() or self.busy:
            return
        self.qr_chosen = True
        self.reject()
        emit(self.qr_requested)

    def _edits(self) -> list[QLineEdit]:
        return [self.cash] + [e for r in self.rows for e in (r.amount, r.reference)] + [
            self.paid_on]

    # -- what was typed
    def set_cash(self, amount: int) -> None:
        self.cash.setText(format_plain(amount, self.currency))
        self.cash.setFocus()
        self.cash.selectAll()

    def _amount(self, edit: QLineEdit) -> int:
        """0 for an empty field; raises ValidationError for text that is no amount."""
        if not edit.text().strip():
            return 0
        value = parse_amount(edit.text(), self.currency)
        if value < 0:
            raise ValidationError(_("An amount cannot be negative."), field="amount")
        return value

    def tenders(self) -> list[Tender]:
        """The tenders typed (empty ones left out), or a ValidationError to show."""
        out = []
        for method, edit, ref in [("cash", self.cash, None)] + [
                (r.method, r.amount, r.reference) for r in self.rows]:
            try:
                amount = self._amount(edit)
            except ValidationError as exc:
                set_invalid(edit, exc.message)
                raise
            set_invalid(edit, "")
            if amount:
                out.append(Tender(method, amount, ref.text() if ref is not None else ""))
        return out

    def update_state(self, *_args) -> None:
        """Settle live: the change, or the reason Finish stays disabled."""
        self.settlement, reason = None, ""
        try:
            tenders = self.tenders()
            received = sum(t.amount for t in tenders)
            if not tenders:
                reason = _("Type the cash received, or press F5 for the exact amount.")
            elif received < self.due:  # the core says so too; here with amounts for people
                reason = _("{short} is still missing: the tenders cover {received} of {due}.",
                           short=money(self.due - received, self.currency),
                           received=money(received, self.currency),
                           due=money(self.due, self.currency))
            else:
                self.settlement = settle(self.due, tenders)
        except ValidationError as exc:
            reason = exc.message
        change = self.settlement.change if self.settlement else 0
        self.change_label.setText(money(change, self.currency))
        self.reason.setText(reason)
        self.finish_button.setEnabled(self.settlement is not None and not self.busy)

    # -- finishing: one transaction through the service, then the receipt
    def finish(self) -> None:
        if self.busy or self.settlement is None:
            return
        try:
            when = parse_paid_at(self.paid_on.text(), self.worker.ctx.now())
        except ValidationError as exc:
            self.reason.setText(exc.message)
            return
        data = PaymentInput("cash", "", when, self.settlement.tenders)
        self._set_busy(True)
        self.worker.submit(pay_with_tenders, self.inv.id, data, on_done=self._paid,
                           on_error=self._refused)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for edit in self._edits():
            edit.setReadOnly(busy)
        self.cancel_button.setEnabled(not busy)
        self.finish_button.setEnabled(not busy and self.settlement is not None)

    def _paid(self, result) -> None:
        inv, receipt, payment = result
        if self.printing is not None:
            # After the commit: a printer problem leaves the receipt queued, never undoes the sale.
            self.printing.after_action(inv, receipt, cash=payment.cash_received > 0)
        self.busy = False
        self.paid.emit(inv, receipt, payment)
        self.accept()

    def _refused(self, exc) -> None:
        self._set_busy(False)
        self.reason.setText(_("Refused: {reason}", reason=problems_of(exc)[0][1]))

    # -- keyboard: digits go to the cash field from anywhere; Enter finishes
    def keyPressEvent(self, event) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.finish()
            return
        if key == Qt.Key.Key_Escape and self.busy:
            return  # the payment is on its way: wait for the service's answer
        text = event.text()
        if text.isdigit() and not isinstance(self.focusWidget(), QLineEdit):
            self.cash.setFocus()
            self.cash.insert(text)
            return
        super().keyPressEvent(event)


def change_message(inv, receipt, payment) -> str:
    """What the screen says once paid: the receipt, and the change to hand back."""
    if payment.change:
        return _("{number} paid; receipt {receipt}. Change: {change}.",
                 number=inv.display_number, receipt=receipt.number,
                 change=money(payment.change, inv.currency))
    return _("{number} paid; receipt {receipt}.", number=inv.display_number,
             receipt=receipt.number)
