"""How the screens show money, dates and statuses, in the chosen language.

Amounts follow `app.domain.formatting.format_amount` (`Rp 1.500.000` in both languages,
`US$10,00` / `$10.00`), dates `app.domain.formatting.format_date` / `format_datetime`
(`1 Desember 2026` / `December 1, 2026`), names `app.domain.labels`.
`due_input` is the exception: it fills an entry field, so it stays ISO
(`2026-12-01`), the form `parse_due` reads back in every language.
"""

from __future__ import annotations

from datetime import datetime, timezone

from app.domain.labels import status_label, sync_label  # noqa: F401  (re-exported for screens)
from app.domain.formatting import format_amount, format_date, format_datetime


def money(amount: int, currency: str) -> str:
    return format_amount(amount, currency)


def local_dt(dt: datetime | None) -> str:
    """A stored UTC time in this computer's time zone, minutes precision."""
    if dt is None:
        return ""
    return format_datetime(dt)


def local_date(dt: datetime | None) -> str:
    if dt is None:
        return ""
    return format_date(dt)


def due_date(dt: datetime | None) -> str:
    """Due dates are entered as a calendar day (end of that day, UTC): show that day."""
    if dt is None:
        return ""
    return format_date(dt.astimezone(timezone.utc).date())


def due_input(dt: datetime | None) -> str:
    """The due day for an entry field: ISO, whatever the language."""
    if dt is None:
        return ""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%d")
