"""The reconciliation screen's parts: its three tables, the flag names and the
undo dialog (ui/reconcile/page.py puts them together)."""

from __future__ import annotations

from datetime import date
from enum import IntEnum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFormLayout,
                               QLineEdit, QTableWidget, QTableWidgetItem)
from PySide6.QtWidgets import QHeaderView

from app.domain.formatting import format_date
from app.i18n import N_, _, gettext

ID_ROLE = Qt.ItemDataRole.UserRole + 1
FLAG_LABELS = {"no_match": N_("No match"), "underpaid": N_("Pays too little"),
               "overpaid": N_("Pays too much"), "ambiguous": N_("Several fit"),
               "review": N_("Check")}


def flag_label(flag: str) -> str:
    label = FLAG_LABELS.get(flag or "")
    return gettext(label) if label else ""


def short_date(value) -> str:
    """A statement or due day (a date or an ISO string), short: `1 Des 2026`."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return format_date(value, style="medium")


class LineCols(IntEnum):
    DATE = 0
    AMOUNT = 1
    DESCRIPTION = 2
    STATE = 3


class SuggestionCols(IntEnum):
    CONFIDENCE = 0
    INVOICES = 1
    DUE = 2
    DIFFERENCE = 3
    REASONS = 4


class UnpaidCols(IntEnum):
    NUMBER = 0
    CUSTOMER = 1
    DUE_DATE = 2
    AMOUNT_DUE = 3


def _table(headers, stretch: int, parent=None) -> QTableWidget:
    t = QTableWidget(0, len(headers), parent)
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().hide()
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    t.horizontalHeader().setStretchLastSection(False)
    t.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return t


def _item(text, data=None, right=False) -> QTableWidgetItem:
    it = QTableWidgetItem(str(text))
    it.setToolTip(str(text))
    if data is not None:
        it.setData(ID_ROLE, data)
    if right:
        it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return it


class UndoDialog(QDialog):
    """A manager's name and the reason, for undoing a confirmed match."""

    def __init__(self, line_id: int, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Undo the match of line {line}", line=line_id))
        self.manager, self.reason = QLineEdit(), QLineEdit()
        self.manager.setAccessibleName(_("Approving manager"))
        self.reason.setAccessibleName(_("Reason"))
        form = QFormLayout(self)
        form.addRow(_("Approving manager"), self.manager)
        form.addRow(_("Reason"), self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
