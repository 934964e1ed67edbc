"""Stored UTC timestamps and dates -> the shop's local calendar days, fast.

Reconciliation reads the issue and due instants of every open invoice (200,000
of them in a big shop) only to know on which local day each fell. Converting
each through an aware datetime and `astimezone()` costs a time-zone look-up
apiece; here the look-up is made once per distinct UTC day, and each
timestamp is then placed by comparing its time of day as text. The answer is
exactly `value.replace(tzinfo=utc).astimezone().date()`: days on which the
local offset changes (daylight saving), and any text not in SQLite's
`YYYY-MM-DD HH:MM:SS[.ffffff]` shape, take that slow road."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

_UTC = timezone.utc
_ONE_DAY = timedelta(days=1)
_DAY_SECONDS = 86400


def local_date_slow(value) -> date | None:
    """The reference conversion (what the ORM's UTCDateTime and astimezone give)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=_UTC).astimezone().date()


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _offset(day: date, hour: int, minute: int, second: int) -> timedelta | None:
    return datetime(day.year, day.month, day.day, hour, minute, second,
                    tzinfo=_UTC).astimezone().utcoffset()


class LocalDays:
    """Callable: a stored UTC timestamp (text or datetime) -> its local date.

    Keeps one small entry per distinct UTC day: make one per read, not one
    forever (the machine's time zone may change while the app runs)."""

    __slots__ = ("_days",)

    def __init__(self):
        # 'YYYY-MM-DD' -> (sign, 'HH:MM:SS' threshold, that day, the day it moves to),
        # or None when that day needs the slow road.
        self._days: dict[str, tuple | None] = {}

    def _entry(self, key: str):
        try:
            day = date.fromisoformat(key)
            if len(key) != 10:
                raise ValueError(key)
            offsets = {_offset(day, 0, 0, 0), _offset(day, 12, 0, 0), _offset(day, 23, 59, 59)}
        except (ValueError, OverflowError, OSError):
            return None
        if len(offsets) != 1:
            return None  # the clocks change that day
        off = offsets.pop()
        if off is None or off.microseconds:
            return None
        seconds = int(off.total_seconds())
        if not -_DAY_SECONDS < seconds < _DAY_SECONDS:
            return None
        try:
            if seconds > 0:  # at or after 24h - offset UTC, it is already tomorrow locally
                return (1, _clock(_DAY_SECONDS - seconds), day, day + _ONE_DAY)
            if seconds < 0:  # before -offset UTC, it is still yesterday locally
                return (-1, _clock(-seconds), day, day - _ONE_DAY)
        except OverflowError:
            return None
        return (0, "", day, day)

    def __call__(self, value) -> date | None:
        if value is None:
            return None
        if not (isinstance(value, str) and len(value) >= 19 and value[10] == " "
                and value[13] == ":" and value[16] == ":"
                and (len(value) == 19 or value[19] == ".")):
            return local_date_slow(value)
        key = value[:10]
        days = self._days
        entry = days.get(key, False)
        if entry is False:
            entry = days[key] = self._entry(key)
        if entry is None:
            return local_date_slow(value)
        sign, threshold, day, moved = entry
        if sign > 0:
            return moved if value[11:19] >= threshold else day
        if sign < 0:
            return moved if value[11:19] < threshold else day
        return day


class Days:
    """Callable: a stored calendar date (SQLite text or a date) -> a date, each
    distinct text parsed once."""

    __slots__ = ("_seen",)

    def __init__(self):
        self._seen: dict[str, date] = {}

    def __call__(self, value) -> date | None:
        if value is None or not isinstance(value, str):
            return value
        found = self._seen.get(value)
        if found is None:
            found = self._seen[value] = date.fromisoformat(value)
        return found
