"""Translations, language choice, and dates and amounts in the chosen language.

English msgids are the source text: `_("There is no invoice {ref}.", ref=text)`
returns the current language's translation, then fills the named fields.
Catalogs are `resources/i18n/<code>.json` (msgid -> translation), read once,
lazily. A missing translation falls back to English; a test forbids them.
Cheap to import: no Babel, no Qt, no catalog read until first needed.
"""

from __future__ import annotations

import json
import locale as _locale
import os
import sys
import threading
from pathlib import Path

LANGUAGES = {"en": "English", "id": "Bahasa Indonesia"}
DEFAULT_LANGUAGE = "en"
SETTING_KEY = "language"  # the Settings choice, kept in the database's settings table
CATALOG_DIR = Path(__file__).resolve().parents[1] / "resources" / "i18n"

_BABEL_LOCALES = {"en": "en_US", "id": "id_ID"}
_current: str | None = None
_catalogs: dict[str, dict[str, str]] = {}
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
        import ctypes

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
    global _current
    if _current is None:
        _current = system_language()
    return _current


# ------------------------------------------------------------ translating

def catalog(lang: str) -> dict[str, str]:
    """msgid -> translation for `lang` (empty for English, the source language)."""
    found = _catalogs.get(lang)
    if found is not None:
        return found
    with _lock:
        if lang not in _catalogs:
            path = CATALOG_DIR / f"{lang}.json"
            data: dict[str, str] = {}
            if lang != DEFAULT_LANGUAGE and path.is_file():
                data = json.loads(path.read_text(encoding="utf-8"))
            _catalogs[lang] = data
        return _catalogs[lang]


def gettext(msgid: str, lang: str | None = None) -> str:
    text = catalog(lang or current_language()).get(msgid)
    return text if text else msgid


def _(msgid: str, /, **fields) -> str:
    """The current language's `msgid`, with `{name}` fields filled from `fields`."""
    text = gettext(msgid)
    return text.format(**fields) if fields else text


def N_(msgid: str, /) -> str:
    """Mark a constant for translation; translate it with `_()` where it is shown."""
    return msgid


def translate_in(lang: str, msgid: str, /, **fields) -> str:
    """`_()` for one specific language, whatever the current one is."""
    text = gettext(msgid, lang)
    return text.format(**fields) if fields else text


# ------------------------------------------------------------ dates and amounts

def babel_locale(lang: str | None = None) -> str:
    return _BABEL_LOCALES[lang or current_language()]


def money_locale(lang: str | None = None) -> str:
    """The Babel locale amounts follow in `lang`: "id_ID" or "en_US"."""
    return babel_locale(lang)


def format_amount(amount: int, currency: str, lang: str | None = None) -> str:
    """Money for people in the chosen language.

    Indonesian: id_ID for every currency (`Rp 1.500.000`, `US$10,00`).
    English: each currency as its own market writes it (`Rp 1.500.000`,
    `$10.00`); en_US would print rupiah as `IDR 1,500,000`, which no
    Indonesian till shows, so English keeps the currency's home locale.
    """
    from app.domain.money import format_money

    lang = lang or current_language()
    return format_money(amount, currency, locale=money_locale(lang) if lang == "id" else None)


def format_number(amount: int, currency: str, lang: str | None = None) -> str:
    """The number alone (`1.500.000`), grouped as `format_amount` groups it."""
    from app.domain.money import format_plain

    lang = lang or current_language()
    return format_plain(amount, currency, locale=money_locale(lang) if lang == "id" else None)


def format_date(d, lang: str | None = None, style: str = "long") -> str:
    """`1 Desember 2026` / `December 1, 2026` (style long); medium, short or a
    Babel pattern also work. A datetime is shown in the machine's time zone."""
    from datetime import datetime

    from babel.dates import format_date as babel_format_date

    if isinstance(d, datetime):
        d = (d.astimezone() if d.tzinfo else d).date()
    return babel_format_date(d, format=style, locale=babel_locale(lang))


def format_datetime(dt, lang: str | None = None, style: str = "medium") -> str:
    """A date and time in the machine's time zone: `1 Des 2026 14.05` in
    Indonesian, `Dec 1, 2026, 2:05 PM` in English (style medium, no seconds)."""
    from babel.dates import format_date as babel_format_date
    from babel.dates import format_time as babel_format_time

    if dt.tzinfo is not None:
        dt = dt.astimezone()
    loc = babel_locale(lang)
    day = babel_format_date(dt.date(), format=style, locale=loc)
    time = babel_format_time(dt.time(), format="short", locale=loc)
    return f"{day} {time}" if (lang or current_language()) == "id" else f"{day}, {time}"
