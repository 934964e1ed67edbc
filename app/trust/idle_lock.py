"""The idle lock setting: after how many minutes without use the till locks
(0 = never). A shop setting in the database, so every till of the shop agrees.

Qt-free and light (no store import: the window's start-up wiring imports it
before the first paint). Reading and saving go through
app.services.settings.get_setting / set_setting with IDLE_KEY, on the DB worker;
the lock screen (ui/trust/lock_screen.py) only counts."""

from __future__ import annotations

from app.domain.errors import ValidationError
from app.i18n import _

IDLE_KEY = "trust.idle_lock_minutes"
DEFAULT_IDLE_MINUTES = 5
MAX_IDLE_MINUTES = 240  # four hours; longer is "never" (0)


def check_idle_minutes(value) -> int:
    """Whole minutes from 0 (never) to MAX_IDLE_MINUTES; anything else is refused."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_IDLE_MINUTES:
        raise ValidationError(_("Lock after: give whole minutes from 0 (never) to {most}.",
                                most=MAX_IDLE_MINUTES), field="idle_minutes")
    return value


def stored_idle_minutes(value) -> int:
    """What a stored value means: a damaged or missing one falls back to the default."""
    try:
        return check_idle_minutes(value)
    except ValidationError:
        return DEFAULT_IDLE_MINUTES
