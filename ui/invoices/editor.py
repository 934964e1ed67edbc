"""The new-invoice (and edit-draft) editor: customer and currency, lines,
adjustments, and what to do on save; a summary that updates as you type."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGridLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout,
                               QWidget)

from app.domain.currency import CURRENCIES
from app.domain.errors import ValidationError
from app.domain.money import format_plain, parse_amount
from app.domain.tax import TaxLine, compute_tax, format_rate
from app.domain.totals import compute_totals
from app.domain.validation import TAX_RATE_SHOP, DraftInput, parse_due, validate_draft
from app.domain.labels import method_label
from app.domain.records import CustomerRecord
from app.i18n import _
from app.services import invoices as svc
from app.services.settings import TaxSettings, get_tax_settings

from ui.catalog.customer_picker import CustomerPicker
from ui.catalog.customers import CustomerDialog
from ui.common.changes import INVOICE_ACTION, Change
from ui.common.fmt import due_input, money
from ui.common.forms import Banner, FormErrors, problems_of, set_invalid, shortcut
from ui.common.open_shift import OpenShiftBox, is_shift_open
from ui.common.qtcompat import emit
from ui.invoices.favourites import FavouritesGrid
from ui.invoices.lines import LinesEditor
from ui.invoices.pay_step import PayStep, change_message
from ui.printing.settings import load_printer_settings


def parse_due_text(text: str, today) -> datetime | None:
    """`2026-12-31`, or `+7` for seven days from today; empty for no due date."""
    text = text.strip()
    if text.startswith("+") and text[1:].isdigit():
        day = today + timedelta(days=int(text[1:]))
        return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=timezone.utc)
    return parse_due(text or None)


def save_invoice(ctx, invoice_id, data: DraftInput, issue: bool, payment):  # worker thread
    """Save (and maybe issue, and maybe mark paid). Returns (invoice, receipt, pay_error)."""
    if invoice_id is None:
        inv = svc.create_and_issue(ctx, data) if issue else svc.create_draft(ctx, data)
    else:
        inv = svc.edit_draft(ctx, invoice_id, data)
        if issue:
            inv = svc.issue(ctx, invoice_id)
    receipt = pay_error = None
    if issue and payment is not None:
        try:
            inv, receipt = svc.mark_paid(ctx, inv.id, payment)
        except Exception as exc:  # the invoice is issued; say why it is not paid
            pay_error = exc
    return inv, receipt, pay_error


class InvoiceEditor(QWidget):
    saved = Signal(int, str)  # invoice id, a sentence on what happened
    collect_qr = Signal(int)  # invoice id: the pay step chose QR (the window opens the QR dialog)
    closed = Signal()

    def __init__(self, worker, bus, printing=None, parent=None):
        super().__init__(parent)
        self.qr_reason = lambda: None  # the window sets it: None offers no QR in the pay step
        self.worker, self.bus, self.printing = worker, bus, printing
        self.print_config = None  # this till's printer settings, once read
        self.invoice_id: int | None = None
        self.busy = False
        self.banner = Banner()
        self.errors = FormErrors(self.banner)
        self.title = QLabel(_("<h2>New invoice</h2>"))

        # 1. customer and currency
        # No customer picked: the core sells to the shop's walk-in customer.
        self.customer = CustomerPicker(
            worker, placeholder=_("Walk-in customer · or type a name, phone or email (F2)"))
        self.currency = QComboBox()
        self.currency.addItems(list(CURRENCIES))
        part1 = QGroupBox(_("1 · Customer (F2) and currency"))
        f1 = QFormLayout(part1)
        f1.addRow(_("Customer"), self._with_error("customer_id", self.customer))
        f1.addRow(_("Currency"), self._with_error("currency", self.currency))

        # 2. lines
        self.lines = LinesEditor(worker)
        part2 = QGroupBox(
            _("2 · Lines (F4 scan a code · Enter next · Ctrl+Del remove · Alt+↑↓ move)"))
        l2 = QVBoxLayout(part2)
        l2.addWidget(self.lines)
        self.errors.fields["lines"] = (self.lines.scroll, self.lines.lines_error)

        # 3. adjustments
        self.discount = QLineEdit(placeholderText="0")
        self.tax = QLineEdit(placeholderText="0")
        # The tax: computed by the core from rates (shop default, item's own), or,
        # when the cashier switches to it, an amount typed in rupiah.
        self.tax_settings = TaxSettings()
        self.tax_mode = QComboBox()
        self.tax_mode.addItem("", "shop")
        self.tax_mode.addItem(_("Typed amount"), "typed")
        self.tax_mode.setAccessibleName(_("How the tax is worked out"))
        tax_row = QHBoxLayout()
        tax_row.setContentsMargins(0, 0, 0, 0)
        tax_row.addWidget(self.tax_mode)
        tax_row.addWidget(self.tax, 1)
        tax_box = QWidget()
        tax_box.setLayout(tax_row)
        self.due = QLineEdit(placeholderText=_("YYYY-MM-DD or +7 (optional)"))
        self.memo = QLineEdit(placeholderText=_("Shown on the invoice (optional)"))
        part3 = QGroupBox(_("3 · Adjustments"))
        f3 = QFormLayout(part3)
        f3.addRow(_("Discount"), self._with_error("discount", self.discount))
        f3.addRow(_("Tax"), self._with_error("tax", tax_box))
        self.errors.fields["tax"] = (self.tax, self.errors.fields["tax"][1])
        f3.addRow(_("Due date"), self._with_error("due_at", self.due))
        f3.addRow(_("Memo"), self._with_error("memo", self.memo))

        # 4. on save
        self.pay_now = QCheckBox(_("Mark paid now (paid at the counter)"))
        self.method = QComboBox()
        for code in svc.PAYMENT_METHODS:
            self.method.addItem(method_label(code), code)
        self.method.setCurrentIndex(self.method.findData("cash"))
        self.print_slip = QCheckBox(_("Print the slip"))
        self.print_slip.setEnabled(printing is not None)
        self.print_note = QLabel("" if printing is not None else _("Printing is not set up yet."))
        self.print_note.setObjectName("muted")
        self.print_slip.setToolTip(self.print_note.text())
        self.save_draft_button = QPushButton(_("Save draft (Ctrl+S)"))
        self.issue_button = QPushButton(_("Issue (F9)"))
        self.issue_button.setDefault(True)
        self.cancel_button = QPushButton(_("Back (Esc)"))
        part4 = QGroupBox(_("4 · Save"))
        g4 = QGridLayout(part4)
        g4.addWidget(self.pay_now, 0, 0)
        g4.addWidget(self.method, 0, 1)
        g4.addWidget(self.print_slip, 1, 0)
        g4.addWidget(self.print_note, 1, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_draft_button)
        buttons.addWidget(self.issue_button)
        g4.addLayout(buttons, 2, 0, 1, 2)

        # summary
        self.summary = {k: QLabel() for k in ("subtotal", "discount", "tax", "total", "due")}
        side = QGroupBox(_("Summary"))
        fs = QFormLayout(side)
        for key, label in (("subtotal", _("Subtotal")), ("discount", _("Discount")),
                           ("tax", _("Tax")), ("total", _("Total")), ("due", _("Amount due"))):
            self.summary[key].setAlignment(Qt.AlignmentFlag.AlignRight)
            fs.addRow(label, self.summary[key])
        self.summary["total"].setStyleSheet("font-weight:700; font-size:28px;")
        self.summary["due"].setStyleSheet("font-weight:700; font-size:28px; color:#0F766E;")
        self.rates_label = QLabel()
        self.rates_label.setObjectName("muted")
        self.rates_label.setWordWrap(True)
        fs.addRow(self.rates_label)
        self.pay_button = QPushButton(_("Pay (F12)"))
        self.pay_button.setMinimumHeight(56)
        self.pay_button.setStyleSheet("font-size:20px; font-weight:700;")
        self.pay_button.setToolTip(_("Issue the invoice and take the payment: cash, card, "
                                     "transfer, QRIS."))
        self.favourites = FavouritesGrid(worker)
        self.shift_box = OpenShiftBox(worker, _("No shift is open today. Count the cash float "
                                                "in the drawer and open one (or sell on):"))
        self.shift_box.hide()
        self.shift_box.opened.connect(self._shift_opened)

        left = QVBoxLayout()
        for w in (self.title, self.shift_box, self.banner, part1, part2, part3, part4):
            left.addWidget(w)
        left.setStretchFactor(part2, 1)
        right = QVBoxLayout()
        right.addWidget(side)
        right.addWidget(self.pay_button)
        right.addWidget(self.favourites, 1)
        lay = QHBoxLayout(self)
        lay.addLayout(left, 3)
        lay.addLayout(right, 1)

        self.customer.next_focus = self.lines.code  # customer -> scan or type lines
        QWidget.setTabOrder(self.customer.edit, self.currency)
        QWidget.setTabOrder(self.currency, self.lines.code)
        self.currency.currentTextChanged.connect(self._currency_changed)
        self.lines.changed.connect(self.update_summary)
        for edit in (self.discount, self.tax):
            edit.textChanged.connect(self.update_summary)
        self.tax_mode.currentIndexChanged.connect(self._tax_mode_changed)
        self.favourites.chosen.connect(self._favourite_chosen)
        self.lines.empty_enter.connect(self._enter_on_empty_code)
        self.pay_button.clicked.connect(self.pay)
        for edit, nxt in ((self.discount, self.tax), (self.tax, self.due), (self.due, self.memo),
                          (self.memo, self.issue_button)):
            edit.returnPressed.connect(nxt.setFocus)
        self.customer.create_requested.connect(self.new_customer)
        self.save_draft_button.clicked.connect(lambda: self.save(issue=False))
        self.issue_button.clicked.connect(lambda: self.save(issue=True))
        self.cancel_button.clicked.connect(self.closed)
        self.pay_now.toggled.connect(self.method.setEnabled)
        self.pay_now.toggled.connect(self._print_default)
        bus.changed.connect(self._settings_changed)
        self.method.setEnabled(False)
        shortcut(self, "F2", self.focus_customer)
        shortcut(self, "Ctrl+K", self.focus_customer)
        shortcut(self, "F4", self.lines.code.setFocus)
        shortcut(self, "Ctrl+S", lambda: self.save(issue=False))
        shortcut(self, "F9", lambda: self.save(issue=True))
        shortcut(self, "Ctrl+Shift+C", lambda: self.new_customer(self.customer.edit.text()))
        shortcut(self, "Ctrl+P", self.pay_now.toggle)
        shortcut(self, "F12", self.pay)
        self.pay_dialog = None
        self.then_pay = False
        self._tax_mode_changed()

    def _with_error(self, name: str, widget: QWidget) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(1)
        lay.addWidget(widget)
        target = widget.edit if isinstance(widget, CustomerPicker) else widget
        lay.addWidget(self.errors.add(name, target))
        return box

    def has_unsaved_work(self) -> bool:
        """Something typed that a language switch must not throw away."""
        lines, _ok = self.lines.lines()
        return bool(self.customer.edit.text().strip() or lines or self.memo.text().strip())

    # -- starting
    def start_new(self, currency: str = "IDR") -> None:
        self.invoice_id = None
        self.title.setText(_("<h2>New invoice</h2>"))
        self._reset()
        self.currency.setCurrentText(currency)
        self.favourites.load(currency)
        self.worker.submit(is_shift_open, key=f"{id(self)}:shift", on_error=lambda _e: None,
                           on_done=lambda is_open: self.shift_box.setVisible(not is_open))
        self.lines.code.setFocus()  # the counter scans first; F2 picks a customer

    def start_edit(self, inv) -> None:
        """Open a draft for editing (the caller checked it is a draft)."""
        self.invoice_id = inv.id
        self.title.setText(_("<h2>Edit draft #{id}</h2>", id=inv.id))
        self._reset()
        self.currency.setCurrentText(inv.currency)
        typed = bool(inv.tax) and all(getattr(l, "tax_rate", None) is None for l in inv.lines)
        self.tax_mode.setCurrentIndex(self.tax_mode.findData("typed" if typed else "shop"))
        self.lines.set_lines(inv.lines, inv.currency)
        self.customer.customer = None
        self.customer.pick(CustomerRecord(inv.customer_id, inv.customer_name, inv.customer_email,
                                          "", "", "", None, inv.created_at, inv.created_at),
                           move_on=False)
        self.discount.setText(format_plain(inv.discount, inv.currency) if inv.discount else "")
        if typed:
            self.tax.setText(format_plain(inv.tax, inv.currency))
        self.due.setText(due_input(inv.due_at))
        self.memo.setText(inv.memo)
        self.update_summary()
        self.lines.rows[0].desc.setFocus()

    def _reset(self) -> None:
        self.busy = False
        self.errors.clear()
        self.customer.clear()
        self.lines.clear()
        for edit in (self.discount, self.tax, self.due, self.memo):
            edit.clear()
        self.pay_now.setChecked(False)
        self.tax_mode.setCurrentIndex(self.tax_mode.findData("shop"))
        self.shift_box.hide()
        self._set_busy(False)
        self.load_print_config()
        self.worker.submit(get_tax_settings, key=f"{id(self)}:tax", on_error=lambda _e: None,
                           on_done=self._tax_settings)

    # -- printing: the box starts as this till's print-on-issue / print-on-pay rule
    def load_print_config(self) -> None:
        if self.printing is None:
            return
        self.worker.submit(load_printer_settings, key=f"{id(self)}:printer",
                           on_done=self._print_config, on_error=lambda _e: None)

    def _print_config(self, cfg) -> None:
        self.print_config = cfg
        self.print_note.setText("" if cfg.uri else
                                _("No printer chosen yet: the slip waits in the print queue."))
        self._print_default()

    def _print_default(self, *_args) -> None:
        cfg = self.print_config
        paid = self.pay_now.isChecked()
        self.print_slip.setText(_("Print the receipt") if paid else _("Print the slip"))
        if cfg is not None:
            self.print_slip.setChecked(cfg.print_on_pay if paid else cfg.print_on_issue)

    def _settings_changed(self, flags: int, _source) -> None:
        if flags & Change.SETTINGS and self.isVisible():
            self.load_print_config()
            self.worker.submit(get_tax_settings, key=f"{id(self)}:tax",
                               on_error=lambda _e: None, on_done=self._tax_settings)

    def focus_customer(self) -> None:
        self.customer.edit.setFocus()
        self.customer.edit.selectAll()

    def new_customer(self, name: str = "") -> None:
        dlg = CustomerDialog(self.worker, self.bus, name=name, parent=self)
        dlg.saved.connect(lambda rec: self.customer.pick(rec, move_on=False))
        dlg.finished.connect(lambda _r: self.lines.code.setFocus())
        dlg.setModal(True)
        dlg.show()
        self.customer_dialog = dlg

    def _currency_changed(self, code: str) -> None:
        self.lines.set_currency(code)
        self.favourites.load(code)
        self.update_summary()

    # -- the counter: favourites, the shift prompt, the tax rule
    def _favourite_chosen(self, item) -> None:
        self.lines.add_item(item)

    def _shift_opened(self, summary: dict) -> None:
        self.shift_box.hide()
        amounts = ", ".join(money(v, k) for k, v in (summary.get("openingFloat") or {}).items())
        self.banner.show_message(_("Shift opened with a cash float of {amount}.",
                                   amount=amounts or money(0, "IDR")), "ok")
        self.lines.code.setFocus()

    def _tax_settings(self, settings: TaxSettings) -> None:
        self.tax_settings = settings
        self._tax_mode_changed()

    def tax_from_rates(self) -> bool:
        return self.tax_mode.currentData() == "shop"

    def _tax_mode_changed(self, *_a) -> None:
        st = self.tax_settings
        self.tax_mode.setItemText(0, _("Shop rate {rate} %", rate=format_rate(st.default_rate)))
        computed = self.tax_from_rates()
        self.tax.setReadOnly(computed)
        self.tax.setPlaceholderText(_("computed") if computed else "0")
        if computed:
            self.tax.clear()
        self.rates_text = (
            (_("Prices include tax (PPN {rate} %); items may have their own rate.",
               rate=format_rate(st.default_rate)) if st.prices_include_tax else
             _("Tax (PPN {rate} %) is added to the prices; items may have their own rate.",
               rate=format_rate(st.default_rate))) if computed else
            _("Tax typed as an amount."))
        self.rates_label.setText(self.rates_text)
        self.update_summary()

    # -- values
    def _amount(self, edit: QLineEdit, name: str, problems: list) -> int:
        if not edit.text().strip():
            return 0
        try:
            value = parse_amount(edit.text(), self.currency.currentText())
        except ValidationError as exc:
            problems.append((name, exc.message))
            return 0
        if value < 0:
            problems.append((name, _("The discount cannot be negative.") if name == "discount"
                             else _("The tax cannot be negative.")))
        return value

    def update_summary(self) -> None:
        cur = self.currency.currentText()
        lines, _ok = self.lines.lines()
        problems: list = []
        disc = self._amount(self.discount, "discount", problems)
        if self.tax_from_rates():
            t = self._computed(lines, disc)
            groups = " · ".join(_("{rate} %: tax {tax}", rate=format_rate(g.rate),
                                  tax=money(g.tax, cur)) for g in t.groups)
            self.rates_label.setText(self.rates_text + ("\n" + groups if groups else ""))
            if self.tax_settings.prices_include_tax:  # the shelf prices, as the cashier typed
                shelf = sum(l.quantity * l.unit_amount for l in lines)
                values = (shelf, -min(disc, shelf), t.tax, t.total, t.total)
            else:
                values = (t.subtotal, -t.discount, t.tax, t.total, t.total)
        else:
            tax = self._amount(self.tax, "tax", problems)
            t = compute_totals(((l.quantity, l.unit_amount) for l in lines), disc, tax)
            values = (t.subtotal, -t.discount, t.tax, t.total, t.amount_due)
        for key, value in zip(("subtotal", "discount", "tax", "total", "due"), values):
            self.summary[key].setText(money(value, cur))
        for name, edit in (("discount", self.discount), ("tax", self.tax)):
            msg = next((m for f, m in problems if f == name), "")
            set_invalid(edit, msg)
            self.errors.fields[name][1].show_message(msg)

    def _computed(self, lines, discount: int):
        """The core's tax rule (app/domain/tax.py) on the lines as typed: the shop's
        rate, or the line's item's own; what the service will store."""
        st = self.tax_settings
        rates = {row.item.code: row.item.tax_rate for row in self.lines.rows
                 if row.item is not None and row.item.tax_rate is not None}
        tax_lines = [TaxLine(l.quantity, l.unit_amount, rates.get(l.item_code, st.default_rate))
                     for l in lines]
        try:
            return compute_tax(tax_lines, discount, inclusive=st.prices_include_tax)
        except (ValidationError, ValueError, ZeroDivisionError):
            return compute_tax(tax_lines, 0, inclusive=st.prices_include_tax)

    def collect(self) -> DraftInput | None:
        """The draft typed, or None after marking every problem where it is."""
        self.errors.clear()
        problems: list[tuple[str, str]] = []
        lines_ok = self.lines.mark()
        lines, _valid = self.lines.lines()
        cur = self.currency.currentText()
        disc = self._amount(self.discount, "discount", problems)
        by_rates = self.tax_from_rates()
        tax = 0 if by_rates else self._amount(self.tax, "tax", problems)
        due = None
        try:
            ctx = self.worker.ctx
            now = ctx.now() if ctx is not None else datetime.now(timezone.utc)
            due = parse_due_text(self.due.text(), now.date())
        except ValidationError as exc:
            problems.append(("due_at", exc.message))
        cust = self.customer.customer
        if cust is None and self.customer.edit.text().strip():
            problems.append(("customer_id", _("Pick the customer from the list (Enter), or add "
                                              "them with Ctrl+Shift+C.")))
        data = DraftInput(cust.id if cust else None, cur, lines, disc, tax, due, self.memo.text(),
                          TAX_RATE_SHOP if by_rates else None)
        try:
            validate_draft(data, customer_required=False)  # none: the walk-in customer
        except ValidationError as exc:
            problems += [p for p in problems_of(exc)
                         if not (p[0] == "customer_id" and any(q[0] == "customer_id" for q in problems))]
        if not lines_ok:
            problems = [p for p in problems if p[0] != "lines"] + [
                ("lines", _("Correct the marked lines."))]
        if problems:
            self.show_problems(problems)
            return None
        return data

    def show_problems(self, problems) -> None:
        rest = [(f, m) for f, m in problems if not self.lines.mark_service(f, m)]
        self.errors.show(rest)
        loose = " ".join(m for f, m in rest if f not in self.errors.fields)
        self.banner.show_message(_("Nothing was saved. {problems}",
                                   problems=loose or _("Correct the marked fields.")))

    # -- saving
    def pay(self) -> None:
        """F12 / Pay: issue, then the pay step takes the money (tenders, change)."""
        self.save(issue=True, then_pay=True)

    def _enter_on_empty_code(self) -> None:
        if self.lines.filled_rows():  # Enter with nothing to scan: on to paying
            self.pay()

    def save(self, *, issue: bool, then_pay: bool = False) -> None:
        if self.busy:
            return
        data = self.collect()
        if data is None:
            return
        self.then_pay = then_pay
        payment = (svc.PaymentInput(self.method.currentData())
                   if issue and not then_pay and self.pay_now.isChecked() else None)
        self._set_busy(True)
        self.worker.submit(save_invoice, self.invoice_id, data, issue, payment,
                           on_done=self._saved, on_error=self._refused)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for b in (self.save_draft_button, self.issue_button, self.pay_button):
            b.setEnabled(not busy)

    def _saved(self, result) -> None:
        inv, receipt, pay_error = result
        self._set_busy(False)
        self.bus.announce(INVOICE_ACTION, self)
        if self.then_pay and inv.amount_due > 0:
            self.open_pay_step(inv)  # the receipt prints once paid
            return
        if self.printing is not None and inv.local_number:
            # After the sale has committed: a printer problem only delays the slip.
            wanted = None if self.print_config is None else self.print_slip.isChecked()
            self.printing.after_action(inv, receipt, wanted=wanted)
        if pay_error is not None:
            what = _("{number} was issued, but not marked paid: {reason}",
                     number=inv.display_number, reason=problems_of(pay_error)[0][1])
        elif receipt is not None:
            what = _("{number} issued and paid; receipt {receipt}.", number=inv.display_number,
                     receipt=receipt.number)
        elif inv.local_number:
            what = _("{number} issued.", number=inv.display_number)
        else:
            what = _("Draft #{id} saved.", id=inv.id)
        emit(self.saved, inv.id, what)

    def open_pay_step(self, inv) -> None:
        dlg = PayStep(inv, self.worker, self.printing, self, qr_reason=self.qr_reason())
        dlg.paid.connect(self._paid)
        dlg.qr_requested.connect(lambda: emit(self.collect_qr, inv.id))
        dlg.rejected.connect(lambda: dlg.qr_chosen or emit(self.saved, inv.id, _(
            "{number} issued, not paid yet: F10 takes the payment.", number=inv.display_number)))
        dlg.setModal(True)
        self.pay_dialog = dlg
        dlg.show()
        dlg.activateWindow()
        dlg.cash.setFocus()

    def _paid(self, inv, receipt, payment) -> None:
        self.bus.announce(INVOICE_ACTION, self)
        emit(self.saved, inv.id, change_message(inv, receipt, payment))

    def _refused(self, exc) -> None:
        self._set_busy(False)
        self.show_problems(problems_of(exc))

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            emit(self.closed)
            return
        super().keyPressEvent(event)
