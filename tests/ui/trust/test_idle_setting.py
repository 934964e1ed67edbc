"""Settings › Lock after: saved through the worker functions of ui/trust/settings.py
into a real SQLite file, refused (and nothing written) when out of range."""

import pytest

from app.domain.errors import ValidationError
from app.services.settings import get_setting
from app.trust.idle_lock import DEFAULT_IDLE_MINUTES, IDLE_KEY
from ui.trust.settings import load_idle, save_idle


def test_save_and_load_idle_minutes(ctx):
    assert load_idle(ctx) == DEFAULT_IDLE_MINUTES
    assert save_idle(ctx, 12) == 12
    assert get_setting(ctx, IDLE_KEY) == 12
    assert load_idle(ctx) == 12


def test_out_of_range_is_refused_and_changes_nothing(ctx):
    save_idle(ctx, 7)
    with pytest.raises(ValidationError):
        save_idle(ctx, 10_000)
    assert get_setting(ctx, IDLE_KEY) == 7
