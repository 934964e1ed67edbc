"""Touch-sized controls: a display preference of this till (Settings › Counter),
kept in this computer's settings and applied to the whole window as a style
sheet, so every screen and dialog built in it follows."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

TOUCH_KEY = "counter/touch"
TOUCH_PX = 44  # the smallest target a finger hits reliably
TOUCH_STYLE = (f"QPushButton, QToolButton, QLineEdit, QComboBox {{ min-height: {TOUCH_PX}px; }}"
               f" QCheckBox::indicator {{ width: 28px; height: 28px; }}"
               f" QListView::item, QTabBar::tab {{ min-height: {TOUCH_PX}px; }}")


def touch_enabled(qsettings) -> bool:
    return str(qsettings.value(TOUCH_KEY, "false")).lower() in ("true", "1")


def apply_touch(widget: QWidget, on: bool) -> None:
    """Touch-sized controls for `widget` and everything in it (dialogs included)."""
    widget.setStyleSheet(TOUCH_STYLE if on else "")
