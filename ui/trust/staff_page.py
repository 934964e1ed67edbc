"""The staff page: who works here, their roles; add people, reset a PIN, disable.
On a first run it asks for the owner's account before anything else."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)
from PySide6.QtWidgets import QInputDialog

from app.i18n import N_, _, gettext
from app.services.accounts import list_staff, needs_owner
from app.services.roles import ROLES, role_label
from app.trust.staff import add_staff, disable_staff, set_pin

from ui.common.qtcompat import emit
from ui.trust.common import direct_runner, error_label, pin_field, pin_rules_label, show_error

COLUMNS = (N_("Name"), N_("Shown as"), N_("Role"), N_("State"))


class StaffPage(QWidget):
    """`ctx` is the signed-in person's context (their role decides what is allowed;
    the core refuses the rest with a sentence shown on the page)."""

    changed = Signal()  # staff added, changed or disabled: the lock screen reloads

    def __init__(self, ctx, run=None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self._run = run or direct_runner(ctx)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([gettext(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()

        self.name = QLineEdit()
        self.name.setPlaceholderText(_("e.g. cici"))
        self.display = QLineEdit()
        self.role = QComboBox()
        for r in ROLES:
            self.role.addItem(role_label(r).capitalize(), r)
        self.new_pin = pin_field(_("PIN (4 to 8 digits)"))
        self.new_pin2 = pin_field(_("The same PIN again"))
        self.add_button = QPushButton(_("Add"))
        form = QFormLayout()
        form.addRow(_("Name"), self.name)
        form.addRow(_("Shown as"), self.display)
        form.addRow(_("Role"), self.role)
        form.addRow(_("PIN"), self.new_pin)
        form.addRow(_("PIN again"), self.new_pin2)
        self.pin_rules = pin_rules_label()
        form.addRow("", self.pin_rules)
        form.addRow(self.add_button)
        self.add_box = QGroupBox(_("Add a person"))
        self.add_box.setLayout(form)

        self.reset_button = QPushButton(_("Set new PIN…"))
        self.disable_button = QPushButton(_("Disable"))
        row = QHBoxLayout()
        row.addWidget(self.reset_button)
        row.addWidget(self.disable_button)
        row.addStretch(1)
        self.error = error_label()
        box = QVBoxLayout(self)
        box.addWidget(self.banner)
        box.addWidget(self.table, 1)
        box.addLayout(row)
        box.addWidget(self.add_box)
        box.addWidget(self.error)

        self.add_button.clicked.connect(self.add)
        self.reset_button.clicked.connect(self.reset_pin)
        self.disable_button.clicked.connect(self.disable)
        self.refresh()

    # ------------------------------------------------------------ reading
    def refresh(self) -> None:
        def fill(result):
            first, people = result
            self.first_run = first
            self.banner.setText(
                _("First run: create the owner's account. The owner then adds managers and "
                  "cashiers, and from then on voids and write-offs need a manager's PIN.")
                if first else _("Signed in as {operator} ({role}).", operator=self.ctx.operator,
                                role=role_label(self.ctx.role) if self.ctx.role
                                else _("no role")))
            self.role.setEnabled(not first)
            if first:
                self.role.setCurrentIndex(self.role.findData("owner"))
            self.table.setRowCount(len(people))
            for i, p in enumerate(people):
                for j, text in enumerate((p.name, p.display_name, role_label(p.role),
                                          _("active") if p.active else _("disabled"))):
                    item = QTableWidgetItem(text)
                    item.setData(Qt.ItemDataRole.UserRole, p.name)
                    self.table.setItem(i, j, item)
            self.reset_button.setEnabled(bool(people))
            self.disable_button.setEnabled(bool(people))
        self._run(lambda c: (needs_owner(c), list_staff(c)), on_done=fill, on_error=self._fail)

    def selected_name(self) -> str | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    # ------------------------------------------------------------ actions
    def _fail(self, exc) -> None:
        show_error(self.error, exc)

    def _done(self, _result=None) -> None:
        show_error(self.error, "")
        self.refresh()
        emit(self.changed)

    def add(self) -> None:
        same = self.new_pin.text() == self.new_pin2.text()
        args = (self.name.text(), self.role.currentData(), self.new_pin.text(),
                self.display.text())
        self.new_pin.clear()  # PINs never stay in the widgets
        self.new_pin2.clear()
        if not same:
            show_error(self.error, _("The two PINs differ. Type the same PIN twice."))
            return

        def done(rec):
            self.name.clear()
            self.display.clear()
            self._done(rec)
        self._run(lambda _c, *a: add_staff(self.ctx, *a), *args, on_done=done,
                  on_error=self._fail)

    def reset_pin(self, pin: str | None = None) -> None:
        name = self.selected_name()
        if not name:
            show_error(self.error, _("Choose a person in the list first."))
            return
        if pin is None:
            pin, ok = QInputDialog.getText(self, _("New PIN"),
                                           _("New PIN for {name} (4 to 8 digits):", name=name),
                                           QLineEdit.EchoMode.Password)
            if not ok:
                return
        self._run(lambda _c, n, p: set_pin(self.ctx, n, p), name, pin, on_done=self._done,
                  on_error=self._fail)

    def disable(self) -> None:
        name = self.selected_name()
        if not name:
            show_error(self.error, _("Choose a person in the list first."))
            return
        self._run(lambda _c, n: disable_staff(self.ctx, n), name, on_done=self._done,
                  on_error=self._fail)
