"""How long each text column may be, read from the models: one table, not copied numbers.

SQLite does not enforce `String(100)`, so a 10,000-character operator name would be stored
whole (and PostgreSQL would refuse it with a driver error). `text_limit("history",
"operator")` answers what the model declares; `guard_lengths(session)` is a before-flush
check on every new or changed row, so an over-long value is refused with a coded
ValidationError naming the field before anything is written, whatever path it came by.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session

from app.domain.errors import ValidationError
from app.i18n import _

from . import models_all


@lru_cache(maxsize=1)
def text_limits() -> dict[tuple[str, str], int]:
    """(table, column) -> the declared length of every `String(n)` column."""
    out = {}
    for table in models_all.Base.metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, String) and column.type.length:
                out[(table.name, column.name)] = column.type.length
    return out


def text_limit(table: str, column: str) -> int:
    return text_limits()[(table, column)]


def check_length(value, table: str, column: str, label: str, field_name: str) -> None:
    limit = text_limits().get((table, column))
    if isinstance(value, str) and limit is not None and len(value) > limit:
        raise ValidationError(_("{label} is too long (at most {limit} characters).",
                                label=label, limit=limit), field=field_name)


def check_object(obj) -> None:
    """Refuse an object (new or changed) whose text is longer than its column allows."""
    state = inspect(obj)
    loaded = state.dict  # only what is loaded: checking never loads an expired attribute
    for key, table, column, limit in _text_columns(state.mapper):
        value = loaded.get(key)
        if isinstance(value, str) and len(value) > limit:
            check_length(value, table, column, key.replace("_", " ").capitalize(), key)


_PLANS: dict = {}


def _text_columns(mapper) -> list[tuple[str, str, str, int]]:
    """(attribute, table, column, limit) of a mapper's length-limited text columns,
    worked out once per mapper: a flush checks every new and changed row."""
    plan = _PLANS.get(mapper)
    if plan is None:
        limits = text_limits()
        plan = []
        for attr in mapper.column_attrs:
            column = attr.columns[0]
            table = getattr(column.table, "name", "")
            limit = limits.get((table, column.name))
            if limit is not None:
                plan.append((attr.key, table, column.name, limit))
        _PLANS[mapper] = plan
    return plan


def guard_lengths(session: Session, _flush_context=None, _instances=None) -> None:
    for obj in list(session.new) + list(session.dirty):
        check_object(obj)


def install(session_factory) -> None:
    """Refuse over-long text on every flush of sessions made by `session_factory`."""
    event.listen(session_factory, "before_flush", guard_lengths)


def check_values(table, values: dict) -> None:
    """The same refusal for a row written with a Core statement: `values` by column name."""
    limits = text_limits()
    for column, value in values.items():
        limit = limits.get((table.name, column))
        if limit is not None and isinstance(value, str) and len(value) > limit:
            check_length(value, table.name, column, column.replace("_", " ").capitalize(),
                         column)
