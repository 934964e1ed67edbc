"""Amounts and dates for people, in the chosen language (Babel).

Moved out of `app.i18n` so that translation stays a leaf: this module reads the
language from `app.i18n` and the currencies from `app.domain.money`, never the
other way round. `lang=None` means the language of the moment
(`app.i18n.current_language`, which a `using_language` block overrides).
"""

from __future__ import annotations

from datetime import datetime

from app.i18n import current_language

from .money import format_money, format_plain

_BABEL_LOCALES = {"en": "en_US", "id": "id_ID"}


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
    lang = lang or current_language()
    return format_money(amount, currency, locale=money_locale(lang) if lang == "id" else None)


def format_number(amount: int, currency: str, lang: str | None = None) -> str:
    """The number alone (`1.500.000`), grouped as `format_amount` groups it."""
    lang = lang or current_language()
    return format_plain(amount, currency, locale=money_locale(lang) if lang == "id" else None)


def format_date(d, lang: str | None = None, style: str = "long") -> str:
    """`1 Desember 2026` / `December 1, 2026` (style long); medium, short or a
    Babel pattern also work. A datetime is shown in the machine's time zone."""
    from babel.dates import format_date as babel_format_date  # lazy: Babel's locale data costs start-up time

    if isinstance(d, datetime):
        d = (d.astimezone() if d.tzinfo else d).date()
    return babel_format_date(d, format=style, locale=babel_locale(lang))


def format_datetime(dt, lang: str | None = None, style: str = "medium") -> str:
    """A date and time in the machine's time zone: `1 Des 2026 14.05` in
    Indonesian, `Dec 1, 2026, 2:05 PM` in English (style medium, no seconds)."""
    from babel.dates import format_date as babel_format_date  # lazy: as in format_date
    from babel.dates import format_time as babel_format_time

    if dt.tzinfo is not None:
        dt = dt.astimezone()
    loc = babel_locale(lang)
    day = babel_format_date(dt.date(), format=style, locale=loc)
    time = babel_format_time(dt.time(), format="short", locale=loc)
    return f"{day} {time}" if (lang or current_language()) == "id" else f"{day}, {time}"
