"""Customers: list and search, add and edit (a dialog also used inline), their invoices."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QPushButton, QSplitter,
                               QVBoxLayout, QWidget)

from app.i18n import N_, _, gettext
from app.services.customers import CustomerInput, add_customer, edit_customer, list_customers

from ui.catalog.record_dialog import RecordDialog
from ui.common.changes import CUSTOMER_ACTION, Change
from ui.common.forms import shortcut
from ui.common.paged_model import ID_ROLE, RECORD_ROLE, PagedModel
from ui.common.tables import make_table, set_widths

FIELDS = (("name", N_("Name")), ("email", N_("Email")), ("phone", N_("Phone")),
          ("tax_id", N_("Tax id (NPWP)")), ("notes", N_("Notes")))


class CustomerDialog(RecordDialog):
    """Add (record None) or edit a customer; saving goes through the worker."""

    change = CUSTOMER_ACTION

    def __init__(self, worker, bus, record=None, name: str = "", parent=None):
        super().__init__(worker, bus, record, parent)
        self.setWindowTitle(_("Edit customer") if record else _("New customer"))
        self.inputs: dict[str, QLineEdit] = {}
        for key, msgid in FIELDS:
            label = gettext(msgid)
            edit = QLineEdit(getattr(record, key, "") if record else "")
            edit.setAccessibleName(label)
            self.inputs[key] = edit
            self.add_field(key, label, edit)
        if not record and name:
            self.inputs["name"].setText(name)
        self.finish(list(self.inputs.values()))

    def data(self) -> CustomerInput:
        return CustomerInput(**{k: e.text() for k, e in self.inputs.items()})

    def save(self) -> None:
        self.submit(add_customer, edit_customer, self.data())


class CustomerColumns(IntEnum):
    NAME = 0
    PHONE = 1
    EMAIL = 2
    TAX_ID = 3


class CustomerListModel(PagedModel):
    Columns = CustomerColumns
    headers = {0: N_("Name"), 1: N_("Phone"), 2: N_("Email"), 3: N_("Tax id")}

    def __init__(self, worker, parent=None):
        super().__init__(worker, parent)
        self.search = ""

    def page_args(self):
        return self.search

    def page(self, ctx, after, limit, search):
        return list_customers(ctx, search, limit=limit, after=after)

    def display(self, c, column):
        return (c.name, c.phone, c.email, c.tax_id)[column]


class CustomersPage(QWidget):
    open_invoice = Signal(int)

    def __init__(self, worker, bus, invoice_table, parent=None):
        """`invoice_table(parent)` makes the table of a customer's invoices (the
        window passes ui.invoices.list's: catalog does not import invoices)."""
        super().__init__(parent)
        self.worker, self.bus = worker, bus
        self._dirty = True
        self.search = QLineEdit(placeholderText=_("Search name, email or phone (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.add_button = QPushButton(_("Add customer (Ctrl+Shift+C)"))
        self.edit_button = QPushButton(_("Edit (Ctrl+E)"))
        self.model = CustomerListModel(worker, self)
        self.table = make_table(self.model, self)
        set_widths(self.table, CustomerColumns.NAME, {CustomerColumns.PHONE: 190,
                                                      CustomerColumns.EMAIL: 280,
                                                      CustomerColumns.TAX_ID: 190})
        self.invoice_table = invoice_table(self)
        self.invoices = self.invoice_table.model()
        self.invoices_title = QLabel(_("Choose a customer to see their invoices."))
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.add_button)
        bar.addWidget(self.edit_button)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.invoices_title)
        rl.addWidget(self.invoice_table)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(right)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(split, 1)

        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.reload)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self.table.setFocus)
        self.add_button.clicked.connect(lambda: self.open_dialog(None))
        self.edit_button.clicked.connect(self.edit_current)
        self.table.activated_id.connect(lambda _id: self.edit_current())
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.invoice_table.activated_id.connect(self.open_invoice)
        shortcut(self, "Ctrl+Shift+C", lambda: self.open_dialog(None))
        shortcut(self, "Ctrl+E", self.edit_current)
        shortcut(self, "Ctrl+F", self.search.setFocus)
        self.model.loaded.connect(self._loaded)
        bus.changed.connect(self._on_changed)

    def reload(self) -> None:
        self._debounce.stop()
        self.model.search = self.search.text().strip()
        self.model.reload()

    def _loaded(self) -> None:
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def current(self):
        idx = self.table.currentIndex()
        return idx.data(RECORD_ROLE) if idx.isValid() else None

    def _current_changed(self, idx, _prev) -> None:
        rec = idx.data(RECORD_ROLE) if idx.isValid() else None
        if rec is None:
            return
        self.invoices_title.setText(_("Invoices of {name}", name=rec.name))
        self.invoices.set_filter(customer_id=rec.id)

    def edit_current(self) -> None:
        rec = self.current()
        if rec is not None:
            self.open_dialog(rec)

    def open_dialog(self, record) -> CustomerDialog:
        dlg = CustomerDialog(self.worker, self.bus, record, parent=self)
        dlg.setModal(True)
        dlg.show()
        self.dialog = dlg
        return dlg

    def _on_changed(self, flags: int, _source) -> None:
        if flags & Change.CUSTOMERS:
            self._dirty = True
            if self.isVisible():
                self._refresh()
        elif flags & Change.INVOICES and self.isVisible() and self.invoices.first_page_done:
            self.invoices.reload()

    def _refresh(self) -> None:
        self._dirty = False
        self.reload()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self._refresh()
        self.search.setFocus()


__all__ = ["CustomerDialog", "CustomersPage", "ID_ROLE"]
