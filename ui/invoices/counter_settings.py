"""Settings for the counter: touch-sized controls on this till (a display
preference, kept in this computer's settings), and the shop's tax rule (the
default rate and whether shelf prices include it, shared by every till)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLineEdit, QPushButton

from app.domain.tax import format_rate
from app.i18n import _
from app.services.settings import TaxSettings, get_tax_settings, save_tax_settings

from ui.common.changes import Change
from ui.common.forms import FieldError, problems_of, set_invalid
from ui.common.qtcompat import emit
from ui.common.touch import TOUCH_KEY, touch_enabled

class CounterBox(QGroupBox):
    touch_changed = Signal(bool)

    def __init__(self, worker, bus, qsettings, parent=None):
        super().__init__(_("Counter"), parent)
        self.worker, self.bus, self.qsettings = worker, bus, qsettings
        self.touch = QCheckBox(_("Touch-sized controls (44 px buttons and fields)"))
        self.touch.setChecked(touch_enabled(qsettings))
        self.rate = QLineEdit(placeholderText="11")
        self.rate.setAccessibleName(_("Default tax rate (%)"))
        self.inclusive = QCheckBox(_("Shelf prices include tax"))
        self.save_button = QPushButton(_("Save tax rule"))
        self.error = FieldError()
        form = QFormLayout(self)
        form.addRow("", self.touch)
        form.addRow(_("Default tax rate (%)"), self.rate)
        form.addRow("", self.inclusive)
        form.addRow("", self.error)
        form.addRow("", self.save_button)
        self.touch.toggled.connect(self._touch)
        self.save_button.clicked.connect(self.save)
        self.rate.returnPressed.connect(self.save)

    def _touch(self, on: bool) -> None:
        self.qsettings.setValue(TOUCH_KEY, "true" if on else "false")
        emit(self.touch_changed, on)

    def load(self) -> None:
        self.worker.submit(get_tax_settings, key=f"{id(self)}:tax", on_done=self._fill,
                           on_error=lambda _e: None)

    def _fill(self, st: TaxSettings) -> None:
        self.rate.setText(format_rate(st.default_rate))
        self.inclusive.setChecked(st.prices_include_tax)

    def save(self) -> None:
        self.save_button.setEnabled(False)
        self.worker.submit(save_tax_settings, self.rate.text(), self.inclusive.isChecked(),
                           on_done=self._saved, on_error=self._refused)

    def _saved(self, st: TaxSettings) -> None:
        self.save_button.setEnabled(True)
        set_invalid(self.rate, "")
        self.error.show_message(_("Saved: new sales use {rate} %.", rate=format_rate(st.default_rate)))
        self._fill(st)
        self.bus.announce(Change.SETTINGS, self)

    def _refused(self, exc) -> None:
        self.save_button.setEnabled(True)
        message = problems_of(exc)[0][1]
        set_invalid(self.rate, message)
        self.error.show_message(message)
