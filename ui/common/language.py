"""The language of the screens: chosen in Settings, applied before the first widget.

The choice is the shop's (`app.services.settings.save_language`, in the
database, so the command line and every till sharing the database follow it).
This computer keeps a copy in QSettings (`ui/language`) because the window is
built before the database has opened: start-up reads the copy, and once the
store is open `sync_from_database` corrects it (and rebuilds the screens) if the
choice was changed elsewhere. `KASIR_LANG` still wins over both (support, tests).
"""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings, QTimer, QTranslator, Signal
from PySide6.QtWidgets import QComboBox, QGroupBox, QLabel, QVBoxLayout

from app.i18n import (LANGUAGES, N_, _, choose_language, current_language, gettext, normalize,
                      set_language)

from ui.common.qtcompat import emit

CACHE_KEY = "ui/language"  # "en", "id" or "" (follow the system)


# Qt's own words (standard buttons, the wizard's, the text fields' menu). PySide6
# ships no Indonesian .qm files, so these few come from our catalogue instead.
QT_TEXTS = frozenset((
    N_("OK"), N_("Save"), N_("Cancel"), N_("Close"), N_("Apply"), N_("&Yes"), N_("&No"),
    N_("Discard"), N_("Reset"), N_("Help"), N_("< &Back"), N_("&Next >"), N_("&Finish"),
    N_("&Undo"), N_("&Redo"), N_("Cu&t"), N_("&Copy"), N_("&Paste"), N_("Delete"),
    N_("Select All"), N_("Open"), N_("&Open"), N_("&Save"), N_("&Cancel"), N_("Look in:"),
    N_("File &name:"), N_("Files of type:"), N_("&Choose"), N_("Commit"), N_("Done"),
))


class QtTextTranslator(QTranslator):
    """Translates Qt's built-in button and menu texts into the current language."""

    def translate(self, context, source, disambiguation=None, n=-1):  # noqa: ARG002
        if source in QT_TEXTS and current_language() != "en":
            return gettext(source)
        return None

    def isEmpty(self) -> bool:  # noqa: N802 (Qt's name)
        return False


def install_qt_translator(app) -> QtTextTranslator:
    """Once per QApplication; later language switches need no new install."""
    found = getattr(app, "_kasir_translator", None)
    if found is None:
        found = QtTextTranslator(app)
        app.installTranslator(found)
        app._kasir_translator = found
    return found


def cached_choice(settings: QSettings) -> str | None:
    value = str(settings.value(CACHE_KEY, "") or "")
    return value if value in LANGUAGES else None


def remember(settings: QSettings, code: str | None) -> None:
    settings.setValue(CACHE_KEY, code or "")
    settings.sync()


def apply_at_startup(settings: QSettings) -> str:
    """Before any widget exists: KASIR_LANG, else this computer's copy of the
    Settings choice, else the system's language."""
    return set_language(choose_language(cached_choice(settings)))


def read_choice(ctx) -> str | None:  # DB worker
    # on the DB worker: the store stays off the start-up path
    from app.services.settings import get_language

    return get_language(ctx)


def sync_from_database(settings: QSettings, choice: str | None, retranslate) -> bool:
    """The store is open and says `choice`: when this computer's copy differs,
    take the database's, switch, and call `retranslate()`. True when it switched."""
    if choice == cached_choice(settings):
        return False
    remember(settings, choice)
    before = current_language()
    if set_language(choose_language(choice)) != before:
        retranslate()
        return True
    return False


def forced() -> bool:
    return normalize(os.environ.get("KASIR_LANG")) in LANGUAGES


class LanguageBox(QGroupBox):
    """Settings › Language: English, Bahasa Indonesia or the system's language.
    Choosing saves at once; `changed` then asks the window to rebuild its screens."""

    changed = Signal(str)

    def __init__(self, worker, settings: QSettings, parent=None):
        super().__init__(_("Language"), parent)
        self.worker, self.settings = worker, settings
        self.combo = QComboBox()
        self.combo.setAccessibleName(_("Language"))
        self.combo.addItem(_("System language"), "")
        for code, name in LANGUAGES.items():
            self.combo.addItem(name, code)  # each language in its own words
        self.note = QLabel()
        self.note.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.combo)
        lay.addWidget(self.note)
        self._show(cached_choice(settings))
        self.combo.activated.connect(self._chosen)

    def load(self) -> None:
        self.worker.submit(read_choice, on_done=self._show, on_error=lambda _e: None,
                           key=f"{id(self)}:language")

    def _show(self, choice: str | None) -> None:
        self.combo.setCurrentIndex(max(0, self.combo.findData(choice or "")))
        if forced():
            self.note.setText(_("KASIR_LANG is set on this computer, so the screens stay in "
                                "{language} whatever is chosen here.",
                                language=LANGUAGES[current_language()]))
        else:
            self.note.setText(_("The shop's language: screens, slips, documents and the "
                                "command line follow it."))

    def _chosen(self, index: int) -> None:
        # on the DB worker: the store stays off the start-up path
        from app.services.settings import save_language

        code = self.combo.itemData(index) or None
        self.combo.setEnabled(False)
        self.worker.submit(save_language, code, on_done=lambda lang: self._saved(code, lang),
                           on_error=self._refused)

    def _saved(self, code: str | None, lang: str) -> None:
        self.combo.setEnabled(True)
        remember(self.settings, code)
        # After this slot returns: the window deletes and rebuilds this page.
        QTimer.singleShot(0, lambda: emit(self.changed, lang))

    def _refused(self, exc) -> None:
        self.combo.setEnabled(True)
        self.note.setText(getattr(exc, "message", str(exc)))
