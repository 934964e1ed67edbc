"""Small pieces shared by the trust widgets."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLabel, QLineEdit

from app.i18n import _


def direct_runner(ctx):
    """Runs `fn(ctx, *args)` at once; the errors the core raises go to on_error."""
    def run(fn, *args, on_done=None, on_error=None, key=None):
        try:
            result = fn(ctx, *args)
        except Exception as exc:
            if on_error is None or not hasattr(exc, "code"):
                raise
            on_error(exc)
            return None
        if on_done is not None:
            on_done(result)
        return None
    return run


def pin_field(placeholder: str | None = None) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(8)
    field.setPlaceholderText(_("PIN") if placeholder is None else placeholder)
    field.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,8}"), field))
    field.setAccessibleName(placeholder)
    return field


def pin_rules_label() -> QLabel:
    """The PIN rules, told before the person types (app/services/pins.py checks them)."""
    label = QLabel(_("4–8 digits; not all the same digit (1111) and not a run (1234)."))
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error")
    label.setWordWrap(True)
    label.setStyleSheet("color: #B91C1C;")
    label.hide()
    return label


def show_error(label: QLabel, exc_or_text) -> None:
    text = getattr(exc_or_text, "message", None) or str(exc_or_text)
    label.setText(text)
    label.setVisible(bool(text))
