"""One invoice: numbers, status, customer, dates, lines, totals, history, the
actions its status allows, and the share-and-reprint panel."""

from __future__ import annotations

import html
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QListWidget, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget, QHeaderView)

from app.domain.errors import ConflictError
from app.domain.lifecycle import Action, allowed_actions, check_transition
from app.domain.labels import method_label
from app.i18n import N_, _, gettext
from app.services import invoices as svc
from app.services.queries import get_invoice, invoice_history, invoice_receipts

from ui.common.changes import INVOICE_ACTION, Change
from ui.common.fmt import due_date, local_dt, money, sync_label
from ui.common.forms import Banner, problems_of, shortcut
from ui.common.qtcompat import emit
from ui.common.status_chip import StatusChip
from ui.invoices.action_dialogs import ReasonDialog
from ui.invoices.list import status_text
from ui.invoices.pay_step import PayStep, change_message
from ui.invoices.refunds_panel import RefundsPanel
from ui.invoices.qr_collect import QrCollectDialog, qr_unavailable_reason
from ui.invoices.share_panel import SharePanel
from ui.trust.guard import cancelled_text, run_guarded

ACTION_WORDS = {"create": N_("Created"), "edit": N_("Edited"), "issue": N_("Issued"),
                "pay": N_("Marked paid"), "void": N_("Voided"), "write_off": N_("Written off"),
                "refund": N_("Refunded"),
                "qr_collect": N_("QR shown"), "qr_canceled": N_("QR canceled"),
                "qr_expired": N_("QR expired")}


def load_detail(ctx, ref):  # worker thread
    return get_invoice(ctx, ref), invoice_history(ctx, ref), invoice_receipts(ctx, ref)


class InvoiceDetail(QWidget):
    closed = Signal()
    edit_requested = Signal(object)  # the draft's InvoiceRecord
    qr_opened = Signal(object)  # a QrCollectDialog (the customer display follows it)

    def __init__(self, worker, bus, printing=None, sync=None, parent=None):
        super().__init__(parent)
        self.worker, self.bus, self.printing, self.sync = worker, bus, printing, sync
        self.inv = None
        self.dialog = None
        self._collect_next = None  # an invoice to collect by QR once shown
        self.banner = Banner()
        self.number = QLabel()
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chip = StatusChip()
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.lines = QTableWidget(0, 4)
        self.lines.setHorizontalHeaderLabels([_("Description"), _("Qty"), _("Unit price"), _("Amount")])
        self.lines.verticalHeader().hide()
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.lines.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.totals = {k: QLabel() for k in ("subtotal", "discount", "tax", "total", "paid", "due",
                                             "refunded")}
        tbox = QGroupBox(_("Totals"))
        tf = QFormLayout(tbox)
        for key, label in (("subtotal", _("Subtotal")), ("discount", _("Discount")),
                           ("tax", _("Tax")), ("total", _("Total")), ("paid", _("Amount paid")),
                           ("due", _("Amount due")), ("refunded", _("Amount refunded"))):
            self.totals[key].setAlignment(Qt.AlignmentFlag.AlignRight)
            tf.addRow(label, self.totals[key])
        self.totals["due"].setStyleSheet("font-weight:700; font-size:16px;")
        self.totals_form = tf
        self.history = QListWidget()
        self.history.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        hbox = QGroupBox(_("History"))
        QVBoxLayout(hbox).addWidget(self.history)

        self.buttons = {
            Action.ISSUE: QPushButton(_("Issue (F9)")),
            Action.EDIT: QPushButton(_("Edit draft (Ctrl+E)")),
            Action.PAY: QPushButton(_("Mark paid (F10)")),
            Action.VOID: QPushButton(_("Void… (Ctrl+Shift+V)")),
            Action.WRITE_OFF: QPushButton(_("Write off… (Ctrl+Shift+W)")),
        }
        self.qr_button = QPushButton(_("Collect by QR (F11)"))
        self.back = QPushButton(_("Back to list (Esc)"))
        actions = QHBoxLayout()
        actions.addWidget(self.back)
        actions.addStretch(1)
        for b in self.buttons.values():
            actions.addWidget(b)
            if b is self.buttons[Action.PAY]:
                actions.addWidget(self.qr_button)
        # Refunds (issue 15): shown for a paid invoice with something left to give back.
        self.refund_button = QPushButton(_("Refund… (Ctrl+Shift+R)"))
        self.refund_button.hide()
        actions.addWidget(self.refund_button)
        self.refunds = RefundsPanel(worker, printing)
        self.refunds.message.connect(self.banner.show_message)
        self.refunds.refunded.connect(self._acted)

        self.share = SharePanel(worker, bus, printing, sync)
        self.share.message.connect(self.banner.show_message)

        head = QHBoxLayout()
        head.addWidget(self.number)
        head.addWidget(self.chip)
        head.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(self.lines, 3)
        side = QVBoxLayout()
        side.addWidget(tbox)
        side.addWidget(self.share)
        side.addStretch(1)
        middle.addLayout(side, 2)
        lay = QVBoxLayout(self)
        lay.addWidget(self.banner)
        lay.addLayout(head)
        lay.addWidget(self.info)
        lay.addLayout(middle, 3)
        lay.addWidget(self.refunds, 1)
        lay.addWidget(hbox, 2)
        lay.addLayout(actions)

        self.back.clicked.connect(self.closed)
        self.buttons[Action.ISSUE].clicked.connect(self.issue)
        self.buttons[Action.EDIT].clicked.connect(self.edit)
        self.buttons[Action.PAY].clicked.connect(self.pay)
        self.buttons[Action.VOID].clicked.connect(self.void)
        self.buttons[Action.WRITE_OFF].clicked.connect(self.write_off)
        shortcut(self, "F9", self.issue)
        shortcut(self, "Ctrl+E", self.edit)
        shortcut(self, "F10", self.pay)
        self.qr_button.clicked.connect(self.collect_by_qr)
        shortcut(self, "F11", self.collect_by_qr)
        shortcut(self, "Ctrl+Shift+V", self.void)
        shortcut(self, "Ctrl+Shift+W", self.write_off)
        self.refund_button.clicked.connect(self.refund)
        shortcut(self, "Ctrl+Shift+R", self.refund)
        bus.changed.connect(self._on_changed)
        if sync is not None and hasattr(sync, "status_changed"):
            sync.status_changed.connect(self._qr_state)

    # -- loading
    def show_invoice(self, invoice_id: int, message: str = "", kind: str = "ok") -> None:
        self.banner.show_message(message, kind)
        self.worker.submit(load_detail, invoice_id, key=f"{id(self)}:load",
                           on_done=self._fill, on_error=self._load_failed)

    def reload(self) -> None:
        if self.inv is not None:
            self.worker.submit(load_detail, self.inv.id, key=f"{id(self)}:load",
                               on_done=self._fill, on_error=self._load_failed)

    def _load_failed(self, exc) -> None:
        self.banner.show_message(problems_of(exc)[0][1], "error")

    def _fill(self, result) -> None:
        inv, history, receipts = result
        self.inv = inv
        nums = _("{local}  ·  Plugipay {number}", local=inv.display_number, number=inv.number) \
            if inv.number else inv.display_number
        self.number.setText(f"<h2>{html.escape(nums)}</h2>")
        self.chip.set_status(inv.status)
        self.chip.setText(status_text(inv))
        esc = html.escape
        rows = [f"<b>{esc(inv.customer_name)}</b>"
                + (f" · {esc(inv.customer_email)}" if inv.customer_email else "")]
        dates = [(_("Created {when}"), local_dt(inv.created_at)),
                 (_("Issued {when}"), local_dt(inv.issued_at)),
                 (_("Due {when}"), due_date(inv.due_at)),
                 (_("Paid {when}"), local_dt(inv.paid_at)),
                 (_("Voided {when}"), local_dt(inv.voided_at)),
                 (_("Written off {when}"), local_dt(inv.written_off_at))]
        shown = [k.format(when=v) for k, v in dates if v]
        shown.append(_("Plugipay: {state}", state=sync_label(inv.sync_state)))
        rows.append(" · ".join(shown))
        if inv.memo:
            rows.append(_("Memo: {memo}", memo=esc(inv.memo)))
        if inv.reason:
            rows.append(_("Reason: {reason}", reason=esc(inv.reason)))
        if receipts:
            rows.append(_("Receipts: {receipts}", receipts=", ".join(
                f"{r.number} ({money(r.amount, r.currency)}, {method_label(r.method)})"
                for r in receipts)))
        self.info.setText("<br>".join(rows))
        self.lines.setRowCount(len(inv.lines))
        for i, line in enumerate(inv.lines):
            for col, text in enumerate((line.description, str(line.quantity),
                                        money(line.unit_amount, inv.currency),
                                        money(line.amount, inv.currency))):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.lines.setItem(i, col, item)
        for key, value in (("subtotal", inv.subtotal), ("discount", -inv.discount),
                           ("tax", inv.tax), ("total", inv.total), ("paid", inv.amount_paid),
                           ("due", inv.amount_due), ("refunded", inv.amount_refunded)):
            self.totals[key].setText(money(value, inv.currency))
        self.totals_form.setRowVisible(self.totals["refunded"], bool(inv.amount_refunded))
        self.history.clear()
        for h in history:
            action = ACTION_WORDS.get(h.action)
            text = _("{when} · {operator} at {till} · {action}", when=local_dt(h.at),
                     operator=h.operator, till=h.till,
                     action=gettext(action) if action else h.action)
            if h.note:
                text += f" — {h.note}"
            if h.approved_by:
                text += " " + _("(approved by {name})", name=h.approved_by)
            self.history.addItem(text)
        allowed = set(allowed_actions(inv.status))
        for action, button in self.buttons.items():
            button.setEnabled(action in allowed)
            button.setToolTip("" if action in allowed else self.refusal(action))
        self._qr_state()
        self.share.set_invoice(inv, receipts)
        self.refund_button.setVisible(self.refundable())
        self.refunds.set_invoice(inv)
        if self._collect_next == inv.id:
            self._collect_next = None
            self.collect_by_qr()

    def refusal(self, action: Action) -> str:
        try:
            check_transition(action, self.inv.status)
        except ConflictError as exc:
            return exc.message
        return ""

    # -- actions: the service has the last word; a refusal is shown, nothing changes
    def _run(self, fn, *args, done: str, prints: bool = False, guard: str = "") -> None:
        inv_id = self.inv.id
        on_done = lambda r: self._acted(done, r if prints else None)  # noqa: E731
        if guard:  # a cashier needs a manager's PIN first (ui/trust/guard.py)
            self.approval = run_guarded(
                self.worker, self, guard, fn, inv_id, *args, on_done=on_done,
                on_error=self._refused,
                on_cancel=lambda: self.banner.show_message(cancelled_text(guard), "info"))
            return
        self.worker.submit(fn, inv_id, *args, on_done=on_done, on_error=self._refused)

    def _acted(self, message: str, result=None) -> None:
        self.bus.announce(INVOICE_ACTION, self)
        if self.printing is not None and result is not None:
            # Print-on-issue / print-on-pay, after the action has committed: a printer
            # problem leaves the slip queued and never undoes the sale.
            if isinstance(result, tuple):  # mark_paid: (invoice, receipt)
                self.printing.after_action(result[0], result[1])
            else:
                self.printing.after_action(result)
        self.show_invoice(self.inv.id, message, "ok")

    def _refused(self, exc) -> None:
        self.banner.show_message(_("Refused: {reason}", reason=problems_of(exc)[0][1]), "error")
        self.reload()

    def _allowed(self, action: Action) -> bool:
        """Refuse at once, with the reason, what the status shown does not allow."""
        if self.inv is None:
            return False
        if action in allowed_actions(self.inv.status):
            return True
        self.banner.show_message(_("Refused: {reason}", reason=self.refusal(action)), "error")
        return False

    def issue(self) -> None:
        if self._allowed(Action.ISSUE):
            self._run(svc.issue, done=_("Issued."), prints=True)

    def edit(self) -> None:
        if self._allowed(Action.EDIT):
            emit(self.edit_requested, self.inv)

    def pay(self) -> None:
        if not self._allowed(Action.PAY):
            return
        # The pay step (ui/invoices/pay_step.py) pays and queues the receipt itself.
        self.dialog = PayStep(self.inv, self.worker, self.printing, self, show_paid_on=True,
                              qr_reason=qr_unavailable_reason(self.sync))
        self.dialog.paid.connect(lambda *r: self._acted(change_message(*r)))
        self.dialog.qr_requested.connect(self.collect_by_qr)
        self.dialog.setModal(True)
        self.dialog.show()

    def _qr_state(self) -> None:
        """QR needs Plugipay: disabled, with the reason, when the till is offline."""
        if self.inv is None:
            return
        payable = Action.PAY in set(allowed_actions(self.inv.status))
        reason = qr_unavailable_reason(self.sync)
        self.qr_button.setEnabled(payable and not reason)
        self.qr_button.setToolTip(reason if payable else self.refusal(Action.PAY))

    def collect_when_shown(self, invoice_id: int) -> None:
        """Show the invoice, then collect it by QR (the sale screen's pay step chose QR)."""
        self._collect_next = invoice_id
        self.show_invoice(invoice_id)

    def collect_by_qr(self) -> None:
        """Issue 16: a Plugipay checkout session for the amount due; paid by itself."""
        if not self._allowed(Action.PAY):
            return
        reason = qr_unavailable_reason(self.sync)
        if reason:
            self.banner.show_message(reason, "error")
            return
        self.dialog = QrCollectDialog(self.worker, self.bus, self.inv.id, self.sync, self,
                                      printing=self.printing)
        self.dialog.paid.connect(lambda inv, receipt: self.show_invoice(
            inv.id, _("Paid by QR. Receipt {number}.", number=receipt.number), "ok"))
        self.dialog.setModal(True)
        emit(self.qr_opened, self.dialog)
        self.dialog.show()

    def void(self) -> None:
        if not self._allowed(Action.VOID):
            return
        n = self.inv.display_number
        self.dialog = ReasonDialog(
            _("Void {number}", number=n),
            _("Void {number}? A voided invoice cannot be paid or used again; this cannot be "
              "undone.", number=n), _("Void invoice"), self)
        self.dialog.confirmed.connect(lambda r: self._run(svc.void, r, done=_("Voided."),
                                                           guard="void"))
        self.dialog.setModal(True)
        self.dialog.show()

    def write_off(self) -> None:
        if not self._allowed(Action.WRITE_OFF):
            return
        n = self.inv.display_number
        self.dialog = ReasonDialog(
            _("Write off {number}", number=n),
            _("Write off {number} as uncollectible? It stays in the books as money that will "
              "not come.", number=n), _("Write off"), self)
        self.dialog.confirmed.connect(lambda r: self._run(svc.write_off, r,
                                                           done=_("Written off."),
                                                           guard="write_off"))
        self.dialog.setModal(True)
        self.dialog.show()

    def refundable(self) -> bool:
        inv = self.inv
        return inv is not None and str(inv.status) == "paid" \
            and inv.amount_refunded < inv.amount_paid

    def refund(self) -> None:
        """Ctrl+Shift+R: the refund dialog, or the reason there is nothing to refund."""
        if self.inv is None:
            return
        if str(self.inv.status) != "paid":
            self.banner.show_message(_("Refused: {reason}", reason=_(
                "Only a paid invoice can be refunded; {number} is not paid. Void or write it "
                "off instead.", number=self.inv.display_number)), "error")
        elif not self.refundable():
            self.banner.show_message(_("Refused: {reason}", reason=_(
                "{number} has been refunded in full; nothing is left to give back.",
                number=self.inv.display_number)), "error")
        else:
            self.refunds.start(self.inv)

    def _on_changed(self, flags: int, source) -> None:
        if source is not self and flags & (Change.INVOICES | Change.CUSTOMERS) \
                and self.isVisible() and self.inv is not None:
            self.reload()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            emit(self.closed)
            return
        super().keyPressEvent(event)
