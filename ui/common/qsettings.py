"""This computer's own settings for the window (QSettings: geometry, list filters,
the language copy, the till of this computer), named in one place."""

from __future__ import annotations

from PySide6.QtCore import QSettings

ORGANIZATION = APPLICATION = "Kasir"


def name_application(app) -> None:
    """The names Qt files the settings (and the application) under."""
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)


def app_settings(given: QSettings | None = None) -> QSettings:
    """`given` when there is one (tests, tools pass their own file), else Kasir's."""
    return given if given is not None else QSettings(ORGANIZATION, APPLICATION)
