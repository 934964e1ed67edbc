"""The invoice lifecycle: Plugipay's statuses and the transitions between them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from .errors import ConflictError


class Status(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    PAST_DUE = "past_due"  # derived: open and the due date has passed
    PAID = "paid"
    VOID = "void"
    UNCOLLECTIBLE = "uncollectible"


STORED_STATUSES = (Status.DRAFT, Status.OPEN, Status.PAID, Status.VOID, Status.UNCOLLECTIBLE)


class Action(StrEnum):
    EDIT = "edit"
    ISSUE = "issue"
    PAY = "pay"
    VOID = "void"
    WRITE_OFF = "write_off"


# action -> (statuses it may start from, stored status it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[Status], Status]] = {
    Action.EDIT: (frozenset({Status.DRAFT}), Status.DRAFT),
    Action.ISSUE: (frozenset({Status.DRAFT}), Status.OPEN),
    Action.PAY: (frozenset({Status.OPEN, Status.PAST_DUE}), Status.PAID),
    Action.VOID: (frozenset({Status.DRAFT, Status.OPEN, Status.PAST_DUE}), Status.VOID),
    Action.WRITE_OFF: (frozenset({Status.OPEN, Status.PAST_DUE}), Status.UNCOLLECTIBLE),
}

_REFUSALS = {
    (Action.EDIT, Status.OPEN): "This invoice has been issued, so its lines are locked. Void it and issue a new one.",
    (Action.ISSUE, Status.OPEN): "This invoice has already been issued.",
    (Action.ISSUE, Status.PAST_DUE): "This invoice has already been issued.",
    (Action.PAY, Status.PAID): "This invoice is already paid.",
    (Action.PAY, Status.DRAFT): "This invoice is still a draft. Issue it before marking it paid.",
    (Action.VOID, Status.PAID): "A paid invoice cannot be voided. Refund the payment instead.",
    (Action.VOID, Status.VOID): "This invoice is already void.",
    (Action.WRITE_OFF, Status.DRAFT): "A draft cannot be written off. Void it instead.",
    (Action.WRITE_OFF, Status.UNCOLLECTIBLE): "This invoice has already been written off.",
}

_STATUS_WORDS = {
    Status.DRAFT: "a draft",
    Status.OPEN: "open",
    Status.PAST_DUE: "past due",
    Status.PAID: "paid",
    Status.VOID: "void",
    Status.UNCOLLECTIBLE: "written off",
}

_ACTION_WORDS = {
    Action.EDIT: "edited",
    Action.ISSUE: "issued",
    Action.PAY: "marked paid",
    Action.VOID: "voided",
    Action.WRITE_OFF: "written off",
}


def effective_status(stored: str, due_at: datetime | None, now: datetime) -> Status:
    """The status people see: an open invoice past its due date is past_due."""
    status = Status(stored)
    if status is Status.OPEN and due_at is not None and due_at < now:
        return Status.PAST_DUE
    return status


def allowed_actions(status: Status) -> list[Action]:
    return [a for a, (sources, _) in TRANSITIONS.items() if status in sources]


def check_transition(action: Action, status: Status) -> Status:
    """The stored status `action` leads to from `status`, or a ConflictError."""
    sources, target = TRANSITIONS[action]
    if status in sources:
        return target
    message = _REFUSALS.get((action, status)) or (
        f"This invoice is {_STATUS_WORDS[status]}, so it cannot be {_ACTION_WORDS[action]}."
    )
    raise ConflictError(message, field="status")
