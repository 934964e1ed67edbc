"""The idle-lock setting's rules (app/trust/idle_lock.py): whole minutes 0..240."""

import pytest

from app.domain.errors import ValidationError
from app.trust.idle_lock import (DEFAULT_IDLE_MINUTES, MAX_IDLE_MINUTES, check_idle_minutes,
                                 stored_idle_minutes)


@pytest.mark.parametrize("good", [0, 1, DEFAULT_IDLE_MINUTES, MAX_IDLE_MINUTES])
def test_whole_minutes_in_range_are_kept(good):
    assert check_idle_minutes(good) == good


@pytest.mark.parametrize("bad", [-1, MAX_IDLE_MINUTES + 1, 2.5, "5", None, True])
def test_anything_else_is_refused_with_a_code_and_the_field(bad):
    with pytest.raises(ValidationError) as err:
        check_idle_minutes(bad)
    assert err.value.code == "validation_error"
    assert err.value.field == "idle_minutes"
    assert str(MAX_IDLE_MINUTES) in err.value.message


@pytest.mark.parametrize("stored, meant", [(12, 12), (0, 0), (None, DEFAULT_IDLE_MINUTES),
                                           ("x", DEFAULT_IDLE_MINUTES), (-3, DEFAULT_IDLE_MINUTES)])
def test_a_damaged_stored_value_means_the_default(stored, meant):
    assert stored_idle_minutes(stored) == meant
