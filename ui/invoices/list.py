"""The invoice list: a keyset-paged model and the screen with its filters."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from app.domain.lifecycle import Status
from app.domain.records import CustomerRecord
from app.i18n import N_, _

from ui.catalog.customer_picker import CustomerPicker
from ui.common.changes import Change
from ui.common.fmt import due_date, money, status_label, sync_label
from ui.common.paged_model import PagedModel
from ui.common.status_chip import STATUS_ROLE, StatusChipDelegate
from ui.common.tables import RecordTable
from ui.common.tables import make_table as make_record_table


class Columns(IntEnum):
    LOCAL_NUMBER = 0
    PLUGIPAY_NUMBER = 1
    CUSTOMER = 2
    STATUS = 3
    TOTAL = 4
    AMOUNT_DUE = 5
    DUE_DATE = 6
    SYNC = 7


HEADERS = {
    Columns.LOCAL_NUMBER: N_("Number"), Columns.PLUGIPAY_NUMBER: N_("Plugipay no."),
    Columns.CUSTOMER: N_("Customer"), Columns.STATUS: N_("Status"), Columns.TOTAL: N_("Total"),
    Columns.AMOUNT_DUE: N_("Amount due"), Columns.DUE_DATE: N_("Due"), Columns.SYNC: N_("Sync"),
}
_RIGHT = {Columns.TOTAL, Columns.AMOUNT_DUE}


def status_text(inv) -> str:
    """The status as the list and the detail show it: a paid invoice given back
    in whole or in part says so (issue 15; it stays `paid`)."""
    label = status_label(inv.status)
    if inv.amount_refunded and inv.fully_refunded:
        return _("{status} · refunded", status=label)
    if inv.amount_refunded:
        return _("{status} · part refunded", status=label)
    return label


class InvoiceListModel(PagedModel):
    Columns = Columns
    headers = HEADERS

    def __init__(self, worker, parent=None):
        super().__init__(worker, parent)
        self.query: tuple = (None, None, "")  # status, customer id, search

    def set_filter(self, *, status: str | None = None, customer_id: int | None = None,
                   search: str = "") -> None:
        q = (status or None, customer_id, search.strip())
        if q != self.query or not self.first_page_done:
            self.query = q
            self.reload()

    def page_args(self):
        return self.query

    def page(self, ctx, after, limit, args):  # worker thread; the import stays off start-up's path
        from app.services.queries import InvoiceQuery, list_invoices

        status, customer_id, search = args
        return list_invoices(ctx, InvoiceQuery(status, customer_id, search, limit, after))

    def display(self, inv, column: int):
        c = Columns(column)
        if c is Columns.LOCAL_NUMBER:
            return inv.display_number
        if c is Columns.PLUGIPAY_NUMBER:
            return inv.number or ""
        if c is Columns.CUSTOMER:
            return inv.customer_name
        if c is Columns.STATUS:
            return status_text(inv)
        if c is Columns.TOTAL:
            return money(inv.total, inv.currency)
        if c is Columns.AMOUNT_DUE:
            return money(inv.amount_due, inv.currency)
        if c is Columns.DUE_DATE:
            return due_date(inv.due_at)
        return sync_label(inv.sync_state)

    def extra_data(self, inv, column: int, role):
        if role == STATUS_ROLE and column == Columns.STATUS:
            return str(inv.status)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == Columns.DUE_DATE \
                and inv.status is Status.PAST_DUE:
            return QColor("#991B1B")
        return None


def status_choices() -> list[tuple[str, str]]:
    """The status filter's entries, in the current language."""
    return [("", _("All statuses"))] + [(s.value, status_label(s)) for s in Status]


class InvoiceTable(RecordTable):
    """Enter opens the selected invoice."""


def make_table(model, parent=None) -> InvoiceTable:
    view = make_record_table(model, parent, InvoiceTable)
    view.setItemDelegateForColumn(Columns.STATUS, StatusChipDelegate(view))
    view.horizontalHeader().setSectionResizeMode(Columns.CUSTOMER, QHeaderView.ResizeMode.Stretch)
    for col, width in ((Columns.LOCAL_NUMBER, 120), (Columns.PLUGIPAY_NUMBER, 120),
                       (Columns.STATUS, 140), (Columns.TOTAL, 130), (Columns.AMOUNT_DUE, 130),
                       (Columns.DUE_DATE, 140), (Columns.SYNC, 90)):
        view.setColumnWidth(col, width)
    return view


class InvoiceListPage(QWidget):
    """Filters above the list; Enter opens an invoice, Ctrl+N starts a new one."""

    open_invoice = Signal(int)
    new_invoice = Signal()

    def __init__(self, worker, bus, settings: QSettings | None = None, parent=None):
        super().__init__(parent)
        self.bus = bus
        self.settings = settings
        self.model = InvoiceListModel(worker, self)
        self._dirty = False

        self.status = QComboBox()
        for value, label in status_choices():
            self.status.addItem(label, value)
        self.status.setAccessibleName(_("Status filter"))
        self.customer = CustomerPicker(worker, allow_create=False, placeholder=_("Any customer"))
        self.search = QLineEdit(placeholderText=_("Search numbers, memo, customer (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.new_button = QPushButton(_("New invoice (Ctrl+N)"))
        self.count_label = QLabel()
        self.count_label.setObjectName("muted")

        bar = QHBoxLayout()
        bar.addWidget(self.status)
        bar.addWidget(self.customer, 1)
        bar.addWidget(self.search, 2)
        bar.addWidget(self.new_button)
        self.table = make_table(self.model, self)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.count_label)

        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._debounce.start)
        self.status.currentIndexChanged.connect(self.apply_filters)
        self.customer.picked.connect(lambda _c: self.apply_filters())
        self.new_button.clicked.connect(self.new_invoice)
        self.table.activated_id.connect(self.open_invoice)
        self.model.loaded.connect(self._on_loaded)
        self.model.failed.connect(self.count_label.setText)
        self.search.returnPressed.connect(self._focus_table)
        bus.changed.connect(self._on_changed)
        self._restore_filters()

    # -- filters
    def _restore_filters(self) -> None:
        if self.settings is None:
            return
        status = self.settings.value("invoiceList/status", "", str)
        i = self.status.findData(status)
        self.status.blockSignals(True)
        self.status.setCurrentIndex(max(i, 0))
        self.status.blockSignals(False)
        self.search.blockSignals(True)
        self.search.setText(self.settings.value("invoiceList/search", "", str))
        self.search.blockSignals(False)
        cid = self.settings.value("invoiceList/customerId", 0, int)
        if cid:
            name = self.settings.value("invoiceList/customerName", "", str)
            self.customer.blockSignals(True)
            self.customer.pick(CustomerRecord(cid, name, "", "", "", "", None, None, None),
                               move_on=False)
            self.customer.blockSignals(False)

    def apply_filters(self) -> None:
        self._debounce.stop()
        status = self.status.currentData() or None
        cust = self.customer.customer
        self.model.set_filter(status=status, customer_id=cust.id if cust else None,
                              search=self.search.text())
        if self.settings is not None:
            self.settings.setValue("invoiceList/status", status or "")
            self.settings.setValue("invoiceList/search", self.search.text())
            self.settings.setValue("invoiceList/customerId", cust.id if cust else 0)
            self.settings.setValue("invoiceList/customerName", cust.name if cust else "")

    def start(self) -> None:
        """Load the first page (called once the store is open)."""
        self.apply_filters()

    def _on_loaded(self) -> None:
        n = self.model.rowCount()
        more = "+" if self.model.canFetchMore() or self.model.is_loading() else ""
        filtered = self.model.query != (None, None, "")
        self.count_label.setText(_("{count}{more} invoices shown", count=n, more=more) if n
                                 else _("No invoices match.") if filtered
                                 else _("No invoices yet. Press Ctrl+N to sell."))
        if n and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def _focus_table(self) -> None:
        self.table.setFocus()
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- refresh from what changed, not by polling
    def _on_changed(self, flags: int, _source) -> None:
        if flags & (Change.INVOICES | Change.CUSTOMERS):
            if self.isVisible():
                self.model.reload()
            else:
                self._dirty = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self._dirty = False
            self.model.reload()
