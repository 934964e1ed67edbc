"""What every service needs: the store, who is acting, at which till, and a clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from app.store.backup import backup_before_migration
from app.store.engine import make_engine
from app.store.migrate import needs_upgrade, upgrade
from app.store.uow import Store


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Context:
    store: "Store"  # noqa: F821  (app.store.uow.Store)
    operator: str
    till: str = "T1"
    clock: Callable[[], datetime] = field(default=utcnow)
    # Trust (app/services/roles.py). `role` is set only once the operator's PIN was
    # checked; `approved_by` only once a manager's PIN was checked on the spot.
    approved_by: str | None = None
    role: str | None = None
    # Asked when an action needs a role and none was proven yet (the CLI prompts
    # or reads --pin): ask_pin(prompt) -> PIN or None; ask_approval(prompt) ->
    # (manager name, PIN) or None.
    ask_pin: Callable[[str], str | None] | None = field(default=None, repr=False)
    ask_approval: Callable[[str], tuple[str, str] | None] | None = field(default=None, repr=False)

    def now(self) -> datetime:
        return self.clock()


def open_store(db=None, *, migrate: bool = True):
    """Build the engine, apply pending migrations, and return a Store."""
    engine = make_engine(db)
    if migrate and needs_upgrade(engine):
        backup_before_migration(engine)  # an online backup first, when there is data
        upgrade(engine)
    return Store(engine)
