"""The invoice lifecycle: Plugipay's statuses and the transitions between them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from app.i18n import N_, _, gettext

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
    (Action.EDIT, Status.OPEN): N_("This invoice has been issued, so its lines are locked. Void it and issue a new one."),
    (Action.ISSUE, Status.OPEN): N_("This invoice has already been issued."),
    (Action.ISSUE, Status.PAST_DUE): N_("This invoice has already been issued."),
    (Action.PAY, Status.PAID): N_("This invoice is already paid."),
    (Action.PAY, Status.DRAFT): N_("This invoice is still a draft. Issue it before marking it paid."),
    (Action.VOID, Status.PAID): N_("A paid invoice cannot be voided. Refund the payment instead."),
    (Action.VOID, Status.VOID): N_("This invoice is already void."),
    (Action.WRITE_OFF, Status.DRAFT): N_("A draft cannot be written off. Void it instead."),
    (Action.WRITE_OFF, Status.UNCOLLECTIBLE): N_("This invoice has already been written off."),
}

_STATUS_WORDS = {
    Status.DRAFT: N_("still a draft"),
    Status.OPEN: N_("open"),
    Status.PAST_DUE: N_("past due"),
    Status.PAID: N_("already paid"),
    Status.VOID: N_("already void"),
    Status.UNCOLLECTIBLE: N_("already written off"),
}

_ACTION_WORDS = {
    Action.EDIT: N_("edited"),
    Action.ISSUE: N_("issued"),
    Action.PAY: N_("marked paid"),
    Action.VOID: N_("voided"),
    Action.WRITE_OFF: N_("written off"),
}


_BY_VALUE = {s.value: s for s in Status}


def effective_status(stored: str, due_at: datetime | None, now: datetime) -> Status:
    """The status people see: an open invoice past its due date is past_due."""
    status = _BY_VALUE.get(stored) or Status(stored)  # (Status() is slow for a list's rows)
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
    refusal = _REFUSALS.get((action, status))
    if refusal:
        raise ConflictError(gettext(refusal), field="status")
    raise ConflictError(_("This invoice is {status}, so it cannot be {action}.",
                          status=gettext(_STATUS_WORDS[status]),
                          action=gettext(_ACTION_WORDS[action])), field="status")
