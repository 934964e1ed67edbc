"""The fast stored-instant -> local-day conversion gives exactly what an aware
datetime and astimezone() give, in every kind of time zone."""

from __future__ import annotations

import os
import random
import time
from datetime import date, datetime, timedelta, timezone

import pytest

from app.reconcile.local_dates import Days, LocalDays, local_date_slow

pytestmark = pytest.mark.skipif(not hasattr(time, "tzset"), reason="needs time.tzset (POSIX)")

# POSIX rules: no tz database needed. Whole, half and three-quarter hour offsets,
# both signs, with and without daylight saving (changing at 02:00 or 03:00 local).
ZONES = [
    "UTC0",
    "WIB-7",                                  # Jakarta
    "WITA-8",
    "IST-5:30",                               # India
    "NPT-5:45",                               # Nepal
    "EST5EDT,M3.2.0,M11.1.0",                 # New York
    "NST3:30NDT,M3.2.0,M11.1.0",              # St John's: half hour and daylight saving
    "NZST-12NZDT,M9.5.0,M4.1.0/3",            # Auckland: southern summer
    "CHAST-12:45CHADT,M9.5.0/2:45,M4.1.0/3:45",  # Chatham
    "CLT4CLST,M9.1.6/24,M4.1.6/24",           # Santiago: clocks change at local midnight
    "HST10",
    "LINT-14",                                # Kiribati: 14 hours ahead
]


@pytest.fixture
def zone():
    before = os.environ.get("TZ")

    def use(tz: str) -> None:
        os.environ["TZ"] = tz
        time.tzset()

    yield use
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def _stamp(dt: datetime, micro: bool = True) -> str:
    return dt.strftime("%Y-%m-%d %H:%M:%S.%f" if micro else "%Y-%m-%d %H:%M:%S")


def _instants(seed: int) -> list[str]:
    rng = random.Random(seed)
    start = datetime(2024, 1, 1)
    out = []
    for _ in range(3000):  # anywhere in two years, to the microsecond
        out.append(_stamp(start + timedelta(seconds=rng.randrange(2 * 366 * 86400),
                                            microseconds=rng.randrange(10**6))))
    # Every minute edge and a microsecond either side, on days the clocks change
    # somewhere (March, April, September, October, November) and on ordinary days.
    for day in (date(2025, 3, 9), date(2025, 4, 6), date(2025, 9, 28), date(2025, 11, 2),
                date(2025, 3, 8), date(2025, 11, 3), date(2025, 6, 15), date(2024, 2, 29),
                date(2025, 12, 31), date(2025, 4, 6), date(2025, 9, 7)):
        base = datetime(day.year, day.month, day.day)
        for minute in range(0, 24 * 60, 15):
            t = base + timedelta(minutes=minute)
            out += [_stamp(t), _stamp(t, micro=False), _stamp(t - timedelta(microseconds=1))]
    return out


@pytest.mark.parametrize("tz", ZONES)
def test_local_days_equal_astimezone_in_every_zone(zone, tz):
    zone(tz)
    convert = LocalDays()
    for text in _instants(seed=len(tz)):
        want = datetime.fromisoformat(text).replace(tzinfo=timezone.utc).astimezone().date()
        assert convert(text) == want, (tz, text)
        assert local_date_slow(text) == want


def test_a_utc_midnight_crosses_to_the_local_day_that_shows_on_the_wall(zone):
    zone("WIB-7")
    convert = LocalDays()
    assert convert("2026-01-31 16:59:59.999999") == date(2026, 1, 31)
    assert convert("2026-01-31 17:00:00.000000") == date(2026, 2, 1)
    zone("EST5EDT,M3.2.0,M11.1.0")
    convert = LocalDays()  # one per read: the zone is looked up when a day is first seen
    assert convert("2026-02-01 04:59:59") == date(2026, 1, 31)
    assert convert("2026-02-01 05:00:00") == date(2026, 2, 1)
    assert convert("2026-07-01 03:59:59.5") is not None  # odd fraction: the slow road


@pytest.mark.parametrize("value", [
    "2026-03-08 06:59:59.000000", "2026-03-08T07:00:00", "2026-03-08 07:00:00+07:00",
    "2026-03-08", datetime(2026, 3, 8, 7, 0),
    datetime(2026, 3, 8, 7, 0, tzinfo=timezone.utc)])
def test_other_shapes_and_datetimes_take_the_reference_road(zone, value):
    zone("EST5EDT,M3.2.0,M11.1.0")
    assert LocalDays()(value) == local_date_slow(value)


def test_text_that_is_no_instant_is_refused_as_before():
    with pytest.raises(ValueError):
        LocalDays()("2026-03-08 7:00:00")


def test_nothing_stays_nothing():
    assert LocalDays()(None) is None
    assert Days()(None) is None


def test_days_parse_each_text_once_and_pass_dates_through():
    days = Days()
    first = days("2026-01-05")
    assert first == date(2026, 1, 5)
    assert days("2026-01-05") is first
    d = date(2026, 2, 1)
    assert days(d) is d
    with pytest.raises(ValueError):
        days("5 Jan 2026")
