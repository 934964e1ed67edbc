"""The shape every add-or-edit dialog shares: fields with their errors under them,
Save and Cancel, the save run on the worker, the change announced once saved."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from ui.common.forms import Banner, FormErrors, problems_of
from ui.common.qtcompat import emit


class RecordDialog(QDialog):
    """Subclasses add their fields with `add_field`, call `finish` once, and save
    with `submit(add_fn, edit_fn, data)`; `change` is what the bus hears."""

    saved = Signal(object)
    change = None  # a Change flag, set by each subclass

    def __init__(self, worker, bus, record=None, parent=None):
        super().__init__(parent)
        self.worker, self.bus, self.record = worker, bus, record
        self.result_record = None
        self.banner = Banner()
        self.errors = FormErrors(self.banner)
        self.form = QFormLayout()

    def add_field(self, key: str, label: str, widget: QWidget) -> None:
        """A labelled field, with the place its problem is shown right under it."""
        box = QVBoxLayout()
        box.setSpacing(1)
        box.addWidget(widget)
        box.addWidget(self.errors.add(key, widget))
        self.form.addRow(label, box)

    def finish(self, enter_saves: list[QLineEdit]) -> None:
        """Save and Cancel under the fields; Enter in any of `enter_saves` saves."""
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        for edit in enter_saves:
            edit.returnPressed.connect(self.save)
        lay = QVBoxLayout(self)
        lay.addWidget(self.banner)
        lay.addLayout(self.form)
        lay.addWidget(self.buttons)

    def save(self) -> None:  # pragma: no cover - each dialog saves its own record
        raise NotImplementedError

    def submit(self, add_fn: Callable, edit_fn: Callable, data) -> None:
        """Add, or edit the record the dialog was opened on, on the worker."""
        self.buttons.setEnabled(False)
        if self.record:
            self.worker.submit(edit_fn, self.record.id, data, on_done=self._done,
                               on_error=self._refused)
        else:
            self.worker.submit(add_fn, data, on_done=self._done, on_error=self._refused)

    def _done(self, rec) -> None:
        self.result_record = rec
        self.bus.announce(self.change, self)
        emit(self.saved, rec)
        self.accept()

    def _refused(self, exc) -> None:
        self.buttons.setEnabled(True)
        self.errors.show(problems_of(exc))
