"""Translations and the choice of language (a leaf: imports nothing of Kasir's).

English msgids are the source text: `_("There is no invoice {ref}.", ref=text)`
returns the current language's translation, then fills the named fields.
`_p(context, msgid)` tells apart one English word with two meanings (the status
"Open" is "Terbuka", the button "Open" is "Buka"); `_n(singular, plural, n)`
picks the plural form the language needs (Indonesian has one, English two).

Catalogues are gettext files shipped inside the package:
`app/locale/<code>/LC_MESSAGES/kasir.po` (the source translators edit) and its
compiled `kasir.mo`, which the stdlib `gettext` module reads once, lazily.
A missing translation falls back to English; a test forbids them.
Cheap to import: no Babel, no Qt, no catalogue read until first needed.
Amounts and dates for people are in `app.domain.formatting`.
"""

from __future__ import annotations

import gettext as _gettext
import locale as _locale
import os
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

LANGUAGES = {"en": "English", "id": "Bahasa Indonesia"}
DEFAULT_LANGUAGE = "en"
SETTING_KEY = "language"  # the Settings choice, kept in the database's settings table
DOMAIN = "kasir"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"  # <code>/LC_MESSAGES/kasir.po/.mo

_current: str | None = None
_local = threading.local()  # `using_language` overrides for one thread (a slip, a PDF)
_catalogs: dict[str, _gettext.NullTranslations] = {}
_lock = threading.Lock()


# ------------------------------------------------------------ language choice

def normalize(code: str | None) -> str | None:
    """`id`, `in`, `id_ID`, `id-ID.UTF-8`, `Indonesian_Indonesia` -> "id"; `en...` -> "en";
    anything else (or nothing) -> None."""
    if not code:
        return None
    text = str(code).strip().lower().replace("-", "_")
    base = text.split(".")[0].split("@")[0].split("_")[0]
    if base in ("id", "in", "ind", "indonesian"):
        return "id"
    if base in ("en", "eng", "english"):
        return "en"
    if base in ("c", "posix"):
        return None
    return "other"


def _windows_ui_language() -> str | None:
    try:
        import ctypes  # lazy: only Windows asks, and only when no locale variable is set

        langid = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
    except Exception:
        return None
    return "id" if (langid & 0x3FF) == 0x21 else "en"  # LANG_INDONESIAN is 0x21


def system_language() -> str:
    """KASIR_LANG, then LC_ALL / LC_MESSAGES / LANG, then the OS locale: "id" or "en"."""
    for var in ("KASIR_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        found = normalize(os.environ.get(var))
        if found:
            return found if found in LANGUAGES else DEFAULT_LANGUAGE
    if sys.platform == "win32":
        found = _windows_ui_language()
        if found:
            return found
    try:
        found = normalize(_locale.getlocale()[0])
    except (ValueError, TypeError):
        found = None
    return found if found in LANGUAGES else DEFAULT_LANGUAGE


def choose_language(saved: str | None = None) -> str:
    """The language to use: KASIR_LANG wins (tests, support), then the Settings
    choice `saved`, then the system's language."""
    forced = normalize(os.environ.get("KASIR_LANG"))
    if forced in LANGUAGES:
        return forced
    if saved in LANGUAGES:
        return saved
    return system_language()


def set_language(code: str) -> str:
    """Switch every later `_()` to `code` ("en" or "id"); returns the language set."""
    global _current
    lang = normalize(code)
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}; choose one of {', '.join(LANGUAGES)}")
    _current = lang
    return lang


def current_language() -> str:
    """The language `_()` speaks on this thread: a `using_language` block's, else the process's."""
    global _current
    override = getattr(_local, "lang", None)
    if override:
        return override
    if _current is None:
        _current = system_language()
    return _current


@contextmanager
def using_language(code: str | None):
    """Within the block, this thread translates into `code` (None: no change).

    Slips and documents print in the shop's language whatever the screen shows;
    other threads (the UI) keep theirs."""
    if not code:
        yield current_language()
        return
    lang = normalize(code)
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}; choose one of {', '.join(LANGUAGES)}")
    before = getattr(_local, "lang", None)
    _local.lang = lang
    try:
        yield lang
    finally:
        _local.lang = before


# ------------------------------------------------------------ translating

def catalog(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue of `lang` (for English, the source language, none:
    NullTranslations, whose plural rule is English's)."""
    found = _catalogs.get(lang)
    if found is not None:
        return found
    with _lock:
        if lang not in _catalogs:
            translations = None
            if lang != DEFAULT_LANGUAGE:
                path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
                if path.is_file():
                    with path.open("rb") as fp:
                        translations = _gettext.GNUTranslations(fp)
            _catalogs[lang] = translations or _gettext.NullTranslations()
        return _catalogs[lang]


def gettext(msgid: str, lang: str | None = None) -> str:
    return catalog(lang or current_language()).gettext(msgid)


def pgettext(context: str, msgid: str, lang: str | None = None) -> str:
    return catalog(lang or current_language()).pgettext(context, msgid)


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    return catalog(lang or current_language()).ngettext(singular, plural, n)


def _fill(text: str, fields: dict) -> str:
    return text.format(**fields) if fields else text


def _(msgid: str, /, **fields) -> str:
    """The current language's `msgid`, with `{name}` fields filled from `fields`."""
    return _fill(gettext(msgid), fields)


def _p(context: str, msgid: str, /, **fields) -> str:
    """`_()` for a msgid whose meaning `context` settles: `_p("invoice status", "Open")`."""
    return _fill(pgettext(context, msgid), fields)


def _n(singular: str, plural: str, n: int, /, **fields) -> str:
    """The form of `singular`/`plural` that `n` needs; `{n}` is filled with `n`
    unless `fields` says otherwise: `_n("{n} slip waiting.", "{n} slips waiting.", k)`."""
    fields.setdefault("n", n)
    return _fill(ngettext(singular, plural, n), fields)


def N_(msgid: str, /) -> str:
    """Mark a constant for translation; translate it with `gettext()` where it is shown."""
    return msgid


def NP_(context: str, msgid: str, /) -> str:  # noqa: ARG001 (the scanner reads the context)
    """Mark a constant that has a context; show it with `pgettext(context, msgid)`."""
    return msgid


def translate_in(lang: str, msgid: str, /, **fields) -> str:
    """`_()` for one specific language, whatever the current one is."""
    return _fill(gettext(msgid, lang), fields)
