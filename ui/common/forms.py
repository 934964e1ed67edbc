"""Marking invalid input where it is, with the reason, and error banners."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QWidget

from app.i18n import _

INVALID_STYLE = "border: 2px solid #B91C1C; border-radius: 3px;"


def problems_of(exc) -> list[tuple[str, str]]:
    """Every (field, message) a refusal names; a bug becomes one plain sentence."""
    problems = getattr(exc, "problems", None)
    if problems:
        return list(problems)
    message = getattr(exc, "message", None)
    if message is None:
        message = _("Something went wrong and nothing was saved ({error}).",
                    error=f"{type(exc).__name__}: {exc}")
    return [(getattr(exc, "field", None) or "", message)]


def set_invalid(widget: QWidget, message: str) -> None:
    widget.setProperty("invalid", bool(message))
    widget.setToolTip(message)
    widget.setStyleSheet(INVALID_STYLE if message else "")


def is_invalid(widget: QWidget) -> bool:
    return bool(widget.property("invalid"))


class FieldError(QLabel):
    """Red text under a field; empty and hidden when the field is fine."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setStyleSheet("color: #B91C1C;")
        self.setWordWrap(True)
        self.hide()

    def show_message(self, message: str) -> None:
        self.setText(message)
        self.setVisible(bool(message))


class Banner(QLabel):
    """A message across the top of a screen: a refusal's reason, or what just happened."""

    STYLES = {
        "error": "background:#FEE2E2; color:#991B1B; padding:8px; border-radius:4px;",
        "info": "background:#E0F2FE; color:#075985; padding:8px; border-radius:4px;",
        "ok": "background:#D1FAE5; color:#065F46; padding:8px; border-radius:4px;",
    }

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("banner")
        self.setWordWrap(True)
        self.kind = ""
        self.hide()

    def show_message(self, message: str, kind: str = "error") -> None:
        self.kind = kind if message else ""
        self.setText(message)
        self.setStyleSheet(self.STYLES.get(kind, ""))
        self.setVisible(bool(message))

    def clear(self) -> None:
        self.show_message("")


class FormErrors:
    """Field name -> (widget, error label); shows a refusal's problems on the form."""

    def __init__(self, banner: Banner | None = None):
        self.fields: dict[str, tuple[QWidget, FieldError]] = {}
        self.banner = banner

    def add(self, name: str, widget: QWidget) -> FieldError:
        label = FieldError()
        self.fields[name] = (widget, label)
        return label

    def clear(self) -> None:
        for widget, label in self.fields.values():
            set_invalid(widget, "")
            label.show_message("")
        if self.banner:
            self.banner.clear()

    def show(self, problems: list[tuple[str, str]]) -> None:
        self.clear()
        loose = []
        for name, message in problems:
            if name in self.fields:
                widget, label = self.fields[name]
                set_invalid(widget, message)
                label.show_message(message)
            else:
                loose.append(message)
        if self.banner:
            self.banner.show_message(" ".join(loose) if loose else
                                     _("Please correct the marked fields."))

    def message(self, name: str) -> str:
        return self.fields[name][1].text() if name in self.fields else ""


def return_focus(dialog) -> None:
    """When `dialog` closes, its parent's window is active again with the focus in
    the parent. Without a window manager doing it (seen on a bare X display), the
    main window stayed inactive with no widget focused, and shortcuts went nowhere."""
    parent = dialog.parentWidget()
    if parent is None:
        return

    def back(_result=0) -> None:
        top = parent.window()
        if top.isVisible():
            top.activateWindow()
            if parent.isVisible() and top.focusWidget() is None:
                parent.setFocus()

    dialog.finished.connect(back)


def shortcut(widget: QWidget, keys: str, fn, *, window: bool = False):
    """A shortcut active while focus is inside `widget` (or anywhere in its window)."""
    sc = QShortcut(QKeySequence(keys), widget)
    sc.setContext(Qt.ShortcutContext.WindowShortcut if window
                  else Qt.ShortcutContext.WidgetWithChildrenShortcut)
    sc.activated.connect(fn)
    return sc
