"""Settings: the shop's details (on every slip and invoice), the printer, the
Plugipay connection and payment reminders, and this till's facts."""

from __future__ import annotations

from dataclasses import fields

from PySide6.QtWidgets import (QFormLayout, QFrame, QGroupBox, QLabel, QLineEdit, QPushButton,
                               QScrollArea, QVBoxLayout, QWidget)

from app.i18n import N_, _, gettext
from app.services.settings import ShopProfile, get_shop, save_shop

from ui.common.changes import Change
from ui.common.forms import Banner, FormErrors, problems_of, shortcut
from ui.common.language import LanguageBox
from ui.common.qsettings import app_settings
from ui.invoices.counter_settings import CounterBox
from ui.display.settings import DisplayBox
from ui.printing.settings import PrinterSettings
from ui.sync.settings import ConnectionBox, RemindersBox

LABELS = {"name": N_("Shop name"), "address": N_("Address"), "phone": N_("Phone"),
          "tax_id": N_("NPWP"), "footer": N_("Slip footer"), "logo_path": N_("Logo (PNG path)"),
          "accent_color": N_("Accent colour"), "default_currency": N_("Default currency")}


class SettingsPage(QWidget):
    def __init__(self, worker, bus, facts: dict[str, str], *, printing=None, sync=None,
                 open_conflicts=None, qsettings=None, parent=None):
        super().__init__(parent)
        self.worker, self.bus = worker, bus
        self._loaded = False
        self.banner = Banner()
        self.errors = FormErrors(self.banner)
        self.inputs: dict[str, QLineEdit] = {}
        shop = QGroupBox(_("Shop"))
        form = QFormLayout(shop)
        for f in fields(ShopProfile):
            edit = QLineEdit()
            edit.setAccessibleName(gettext(LABELS[f.name]))
            self.inputs[f.name] = edit
            box = QVBoxLayout()
            box.setSpacing(1)
            box.addWidget(edit)
            box.addWidget(self.errors.add(f.name, edit))
            form.addRow(gettext(LABELS[f.name]), box)
            edit.returnPressed.connect(self.save)
        self.inputs["footer"].setPlaceholderText(_("Empty: “Thank you for your visit” in the "
                                                   "slip's language"))
        self.save_button = QPushButton(_("Save (Ctrl+S)"))
        self.save_button.clicked.connect(self.save)
        form.addRow("", self.save_button)
        till = QGroupBox(_("This till"))
        tf = QFormLayout(till)
        for key, value in facts.items():
            tf.addRow(key, QLabel(value))
        self.printer = PrinterSettings(worker, bus, printing) if printing is not None else None
        self.connection = ConnectionBox(sync) if sync is not None else None
        if self.connection is not None and open_conflicts is not None:
            self.connection.conflicts_button.clicked.connect(open_conflicts)
        elif self.connection is not None:
            self.connection.conflicts_button.hide()
        self.reminders = RemindersBox(worker, bus)
        self.language = LanguageBox(worker, app_settings(qsettings))
        self.counter = CounterBox(worker, bus, app_settings(qsettings))
        self.display = DisplayBox(app_settings(qsettings))  # issue 16: the customer display
        content = QWidget()
        lay = QVBoxLayout(content)
        lay.addWidget(self.banner)
        lay.addWidget(self.language)
        lay.addWidget(shop)
        lay.addWidget(self.counter)
        for box in (self.printer, self.connection):
            if box is not None:
                lay.addWidget(box)
        if self.printer is None or self.connection is None:
            notes = ([_("Printing is not set up on this till.")] if self.printer is None else []) \
                + ([_("Plugipay sync is not running in this window.")]
                   if self.connection is None else [])
            lay.addWidget(QLabel(" ".join(notes)))
        lay.addWidget(self.reminders)
        lay.addWidget(self.display)
        lay.addWidget(till)
        lay.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        shortcut(self, "Ctrl+S", self.save)
        bus.changed.connect(lambda flags, src: self.load() if flags & Change.SETTINGS
                            and src is not self else None)

    def load(self) -> None:
        self.worker.submit(get_shop, on_done=self._fill, key=f"{id(self)}:load")

    def _fill(self, shop: ShopProfile) -> None:
        self._loaded = True
        for f in fields(ShopProfile):
            self.inputs[f.name].setText(str(getattr(shop, f.name)))

    def save(self) -> None:
        data = ShopProfile(**{k: e.text() for k, e in self.inputs.items()})
        self.save_button.setEnabled(False)
        self.worker.submit(save_shop, data, on_done=self._saved, on_error=self._refused)

    def _saved(self, shop) -> None:
        self.save_button.setEnabled(True)
        self.errors.clear()
        self._fill(shop)
        self.banner.show_message(_("Saved."), "ok")
        self.bus.announce(Change.SETTINGS, self)

    def _refused(self, exc) -> None:
        self.save_button.setEnabled(True)
        self.errors.show(problems_of(exc))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._loaded:
            self.load()
            for box in (self.printer, self.connection, self.reminders, self.language,
                        self.counter):
                if box is not None:
                    box.load()
