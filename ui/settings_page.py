"""Settings: the shop's details (on every slip and invoice) and this till's facts."""

from __future__ import annotations

from dataclasses import fields

from PySide6.QtWidgets import (QFormLayout, QGroupBox, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from app.services.settings import ShopProfile, get_shop, save_shop

from .changes import Change
from .forms import Banner, FormErrors, problems_of

LABELS = {"name": "Shop name", "address": "Address", "phone": "Phone", "tax_id": "NPWP",
          "footer": "Slip footer", "logo_path": "Logo (PNG path)",
          "accent_color": "Accent colour", "default_currency": "Default currency"}


class SettingsPage(QWidget):
    def __init__(self, worker, bus, facts: dict[str, str], parent=None):
        super().__init__(parent)
        self.worker, self.bus = worker, bus
        self._loaded = False
        self.banner = Banner()
        self.errors = FormErrors(self.banner)
        self.inputs: dict[str, QLineEdit] = {}
        shop = QGroupBox("Shop")
        form = QFormLayout(shop)
        for f in fields(ShopProfile):
            edit = QLineEdit()
            edit.setAccessibleName(LABELS[f.name])
            self.inputs[f.name] = edit
            box = QVBoxLayout()
            box.setSpacing(1)
            box.addWidget(edit)
            box.addWidget(self.errors.add(f.name, edit))
            form.addRow(LABELS[f.name], box)
            edit.returnPressed.connect(self.save)
        self.save_button = QPushButton("Save (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        form.addRow("", self.save_button)
        till = QGroupBox("This till")
        tf = QFormLayout(till)
        for key, value in facts.items():
            tf.addRow(key, QLabel(value))
        later = QGroupBox("Printers, Plugipay account, email")
        QVBoxLayout(later).addWidget(QLabel(
            "Printing is not set up yet. The Plugipay connection and email are not set up yet: "
            "they will appear here when those parts are installed."))
        lay = QVBoxLayout(self)
        lay.addWidget(self.banner)
        lay.addWidget(shop)
        lay.addWidget(till)
        lay.addWidget(later)
        lay.addStretch(1)
        from .forms import shortcut
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
        self.banner.show_message("Saved.", "ok")
        self.bus.announce(Change.SETTINGS, self)

    def _refused(self, exc) -> None:
        self.save_button.setEnabled(True)
        self.errors.show(problems_of(exc))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._loaded:
            self.load()
