from datetime import datetime, timedelta, timezone

import pytest

from app.domain.errors import ConflictError
from app.domain.lifecycle import Action, Status, allowed_actions, check_transition, effective_status

NOW = datetime(2026, 11, 22, tzinfo=timezone.utc)

LEGAL = {
    (Action.EDIT, Status.DRAFT): Status.DRAFT,
    (Action.ISSUE, Status.DRAFT): Status.OPEN,
    (Action.PAY, Status.OPEN): Status.PAID,
    (Action.PAY, Status.PAST_DUE): Status.PAID,
    (Action.VOID, Status.DRAFT): Status.VOID,
    (Action.VOID, Status.OPEN): Status.VOID,
    (Action.VOID, Status.PAST_DUE): Status.VOID,
    (Action.WRITE_OFF, Status.OPEN): Status.UNCOLLECTIBLE,
    (Action.WRITE_OFF, Status.PAST_DUE): Status.UNCOLLECTIBLE,
}


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("status", list(Status))
def test_every_transition_is_exactly_as_designed(action, status):
    if (action, status) in LEGAL:
        assert check_transition(action, status) is LEGAL[(action, status)]
        assert action in allowed_actions(status)
    else:
        with pytest.raises(ConflictError) as err:
            check_transition(action, status)
        assert err.value.code == "conflict"
        assert err.value.message.endswith(".")
        assert action not in allowed_actions(status)


def test_past_due_is_derived_from_the_clock():
    assert effective_status("open", NOW - timedelta(seconds=1), NOW) is Status.PAST_DUE
    assert effective_status("open", NOW + timedelta(days=1), NOW) is Status.OPEN
    assert effective_status("open", None, NOW) is Status.OPEN
    # only open invoices become past due
    assert effective_status("paid", NOW - timedelta(days=9), NOW) is Status.PAID
    assert effective_status("draft", NOW - timedelta(days=9), NOW) is Status.DRAFT
