"""Settings: which screen shows the customer display (this computer's monitors,
so the choice is kept in this computer's QSettings, not in the shop's database)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox

from app.i18n import _

from ui.common.qtcompat import emit

SCREEN_KEY = "customerDisplay/screen"  # -1: no customer display
OFF = -1


def chosen_screen(qsettings) -> int:
    try:
        return int(qsettings.value(SCREEN_KEY, OFF))
    except (TypeError, ValueError):
        return OFF


class DisplayBox(QGroupBox):
    changed = Signal(int)  # the screen's index, or -1 for none

    def __init__(self, qsettings, parent=None):
        super().__init__(_("Customer display"), parent)
        self.qsettings = qsettings
        self.screen = QComboBox()
        self.screen.setAccessibleName(_("Customer display"))
        self.screen.addItem(_("Off"), OFF)
        for i, screen in enumerate(QGuiApplication.screens()):
            self.screen.addItem(_("Screen {n}: {name}", n=i + 1, name=screen.name()), i)
        current = self.screen.findData(chosen_screen(qsettings))
        self.screen.setCurrentIndex(max(0, current))
        self.screen.currentIndexChanged.connect(self._chosen)
        form = QFormLayout(self)
        form.addRow(_("Show on"), self.screen)

    def _chosen(self, _index: int) -> None:
        value = int(self.screen.currentData())
        self.qsettings.setValue(SCREEN_KEY, value)
        emit(self.changed, value)
