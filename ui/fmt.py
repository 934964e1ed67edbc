"""How the screens show money, dates and statuses."""

from __future__ import annotations

from datetime import datetime

from app.domain.lifecycle import Status
from app.domain.money import format_money

STATUS_LABELS = {
    Status.DRAFT: "Draft",
    Status.OPEN: "Open",
    Status.PAST_DUE: "Past due",
    Status.PAID: "Paid",
    Status.VOID: "Void",
    Status.UNCOLLECTIBLE: "Written off",
}

SYNC_LABELS = {
    "local": "Local only",
    "pending": "Waiting",
    "synced": "Synced",
    "failed": "Failed",
    "conflict": "Conflict",
}


def money(amount: int, currency: str) -> str:
    return format_money(amount, currency)


def local_dt(dt: datetime | None) -> str:
    """A stored UTC time in this computer's time zone, minutes precision."""
    if dt is None:
        return ""
    return dt.astimezone().strftime("%Y-%m-%d %H:%M")


def local_date(dt: datetime | None) -> str:
    if dt is None:
        return ""
    return dt.astimezone().strftime("%Y-%m-%d")


def status_label(status) -> str:
    try:
        return STATUS_LABELS[Status(status)]
    except ValueError:
        return str(status)


def sync_label(state: str) -> str:
    return SYNC_LABELS.get(state, state.replace("_", " ").capitalize())


def due_date(dt: datetime | None) -> str:
    """Due dates are entered as a calendar day (end of that day, UTC): show that day."""
    if dt is None:
        return ""
    from datetime import timezone
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%d")
