"""A list table for paged models (invoices, customers, items): one row selected,
Enter or a double click says which record (`activated_id`), column widths."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ui.common.paged_model import ID_ROLE
from ui.common.qtcompat import emit


class RecordTable(QTableView):
    """Enter opens the selected record."""

    activated_id = Signal(int)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            idx = self.currentIndex()
            if idx.isValid():
                emit(self.activated_id, idx.data(ID_ROLE))
                return
        super().keyPressEvent(event)


def make_table(model, parent=None, view_class=RecordTable) -> RecordTable:
    view = view_class(parent)
    view.setModel(model)
    view.verticalHeader().hide()  # a row-number header is slow at a million rows
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(28)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.horizontalHeader().setStretchLastSection(False)
    view.doubleClicked.connect(lambda idx: emit(view.activated_id, idx.data(ID_ROLE)))
    return view


def set_widths(view, stretch: int, widths: dict[int, int]) -> None:
    """Column widths for lists that are not invoices: one stretches, the rest fixed."""
    header = view.horizontalHeader()
    for col in range(view.model().columnCount()):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    for col, width in widths.items():
        view.setColumnWidth(col, width)
