"""The item catalogue: codes or barcodes, names and unit prices."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from app.domain.currency import CURRENCIES
from app.domain.errors import ValidationError
from app.domain.money import format_plain, parse_amount
from app.domain.tax import format_rate
from app.i18n import N_, _
from app.services.items import ItemInput, add_item, edit_item, list_items

from ui.catalog.record_dialog import RecordDialog
from ui.common.changes import Change
from ui.common.fmt import money
from ui.common.forms import shortcut
from ui.common.paged_model import RECORD_ROLE, PagedModel
from ui.common.tables import make_table, set_widths


class ItemDialog(RecordDialog):
    change = Change.ITEMS

    def __init__(self, worker, bus, record=None, parent=None, currency: str = "IDR"):
        super().__init__(worker, bus, record, parent)
        self.setWindowTitle(_("Edit item") if record else _("New item"))
        self.code = QLineEdit(record.code if record else "", placeholderText=_("Code or scan barcode"))
        self.name = QLineEdit(record.name if record else "")
        self.currency = QComboBox()
        self.currency.addItems(list(CURRENCIES))
        self.currency.setCurrentText(record.currency if record else currency)
        self.price = QLineEdit(format_plain(record.unit_amount, record.currency) if record else "",
                               placeholderText=_("e.g. 18.000"))
        self.active = QCheckBox(_("On sale"))
        self.active.setChecked(record.active if record else True)
        rate = record.tax_rate if record else None
        self.tax_rate = QLineEdit("" if rate is None else format_rate(rate),
                                  placeholderText=_("The shop's rate (e.g. 0 for exempt goods)"))
        self.favourite = QCheckBox(_("Favourite: a button on the sale screen"))
        self.favourite.setChecked(bool(record and record.favourite))
        self.category = QLineEdit(record.category if record else "",
                                  placeholderText=_("e.g. Drinks (a tab of the favourites)"))
        for key, label, widget in (("code", _("Code"), self.code), ("name", _("Name"), self.name),
                                   ("currency", _("Currency"), self.currency),
                                   ("unit_amount", _("Unit price"), self.price),
                                   ("tax_rate", _("Tax rate (%)"), self.tax_rate)):
            self.add_field(key, label, widget)
        self.form.addRow("", self.active)
        self.form.addRow("", self.favourite)
        self.add_field("category", _("Category"), self.category)
        self.finish([self.code, self.name, self.price, self.tax_rate, self.category])

    def save(self) -> None:
        currency = self.currency.currentText()
        try:
            amount = parse_amount(self.price.text(), currency)
        except ValidationError as exc:
            self.errors.show([("unit_amount", exc.message)])
            return
        self.submit(add_item, edit_item, ItemInput(
            self.code.text(), self.name.text(), amount, currency, self.active.isChecked(),
            tax_rate=self.tax_rate.text().strip() or None,
            favourite=self.favourite.isChecked(), category=self.category.text()))


class ItemColumns(IntEnum):
    CODE = 0
    NAME = 1
    PRICE = 2
    ACTIVE = 3
    FAVOURITE = 4


class ItemListModel(PagedModel):
    Columns = ItemColumns
    headers = {0: N_("Code"), 1: N_("Name"), 2: N_("Unit price"), 3: N_("On sale"),
               4: N_("Favourite")}

    def __init__(self, worker, parent=None):
        super().__init__(worker, parent)
        self.search = ""

    def page_args(self):
        return self.search

    def page(self, ctx, after, limit, search):
        return list_items(ctx, search, limit=limit, after=after, include_inactive=True)

    def display(self, item, column):
        if column == ItemColumns.FAVOURITE:
            return (f"★ {item.category}".strip() if item.favourite else "")
        return (item.code, item.name, money(item.unit_amount, item.currency),
                _("Yes") if item.active else _("No"))[column]


class ItemsPage(QWidget):
    def __init__(self, worker, bus, parent=None):
        super().__init__(parent)
        self.worker, self.bus = worker, bus
        self._dirty = True
        self.dialog = None
        self.search = QLineEdit(placeholderText=_("Search code or name (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.add_button = QPushButton(_("Add item (Ctrl+Shift+I)"))
        self.edit_button = QPushButton(_("Edit (Ctrl+E)"))
        self.model = ItemListModel(worker, self)
        self.table = make_table(self.model, self)
        set_widths(self.table, ItemColumns.NAME, {ItemColumns.CODE: 170, ItemColumns.PRICE: 150,
                                                  ItemColumns.ACTIVE: 90})
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.add_button)
        bar.addWidget(self.edit_button)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.table, 1)
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.reload)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self.table.setFocus)
        self.add_button.clicked.connect(lambda: self.open_dialog(None))
        self.edit_button.clicked.connect(self.edit_current)
        self.table.activated_id.connect(lambda _id: self.edit_current())
        shortcut(self, "Ctrl+Shift+I", lambda: self.open_dialog(None))
        shortcut(self, "Ctrl+E", self.edit_current)
        shortcut(self, "Ctrl+F", self.search.setFocus)
        bus.changed.connect(self._on_changed)

    def reload(self) -> None:
        self._debounce.stop()
        self.model.search = self.search.text().strip()
        self.model.reload()

    def edit_current(self) -> None:
        idx = self.table.currentIndex()
        if idx.isValid():
            self.open_dialog(idx.data(RECORD_ROLE))

    def open_dialog(self, record) -> ItemDialog:
        self.dialog = ItemDialog(self.worker, self.bus, record, parent=self)
        self.dialog.setModal(True)
        self.dialog.show()
        return self.dialog

    def _on_changed(self, flags: int, _source) -> None:
        if flags & Change.ITEMS:
            self._dirty = True
            if self.isVisible():
                self._dirty = False
                self.reload()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self._dirty = False
            self.reload()
        self.search.setFocus()
