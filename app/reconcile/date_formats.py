"""Which date format a statement's dates are written in, judged over all of them.

ISO dates (`2026-12-05`) are always read as such. Numeric dates that fit both
day-first and month-first (`05/12/2026`) are read day-first, as Indonesian
banks write them, and the guess says it was ambiguous so that the import can
say so; one date such as `13/12/2026` or `12/13/2026` settles it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

AUTO = "auto"

# Order matters: ISO first, then day-first before month-first (the Indonesian default).
CANDIDATES = (
    "%Y-%m-%d", "%Y/%m/%d", "%Y%m%d",
    "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%m-%d-%Y", "%d.%m.%Y",
    "%d/%m/%y", "%m/%d/%y", "%d-%m-%y", "%d.%m.%y",
    "%d-%b-%Y", "%d %b %Y", "%d-%b-%y", "%d %b %y", "%b %d, %Y",
)
MONTH_FIRST = {"%m/%d/%Y": "%d/%m/%Y", "%m-%d-%Y": "%d-%m-%Y", "%m/%d/%y": "%d/%m/%y"}


@dataclass(frozen=True)
class DateGuess:
    format: str | None  # None: no candidate reads every date
    ambiguous: bool = False  # day-first chosen over an equally fitting month-first
    alternatives: tuple[str, ...] = ()


def date_part(text: str) -> str:
    """`'05/12/2026 10:31'` -> `'05/12/2026'`; exports often add a time of day."""
    text = text.lstrip("'").strip()
    head, sep, tail = text.partition(" ")
    if sep and tail[:1].isdigit() and ":" in tail:
        return head
    if "T" in text[8:11] and ":" in text:
        return text.split("T", 1)[0]
    return text


def _fits(fmt: str, values: list[str]) -> bool:
    for v in values:
        try:
            datetime.strptime(v, fmt)
        except ValueError:
            return False
    return True


def guess_date_format(values: Iterable[str]) -> DateGuess:
    """The first candidate that reads every value (values with no digit are skipped)."""
    distinct = sorted({date_part(v) for v in values if any(ch.isdigit() for ch in v)})
    if not distinct:
        return DateGuess(None)
    fitting = [f for f in CANDIDATES if _fits(f, distinct)]
    if not fitting:
        return DateGuess(None)
    chosen = fitting[0]
    others = tuple(f for f in fitting[1:] if f != chosen)
    ambiguous = any(MONTH_FIRST.get(f) == chosen for f in others)
    return DateGuess(chosen, ambiguous, others)


def parse_date(text: str, fmt: str):
    return datetime.strptime(date_part(text), fmt).date()
