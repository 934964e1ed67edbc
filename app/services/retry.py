"""Retry a whole user action when the database refused it for a reason that
goes away by itself: a PostgreSQL serialization failure or deadlock, a lock
that could not be had, an optimistic-version clash (StaleDataError), SQLite
busy/locked, or two tills racing to create the same lazily made row.

Each service function is one transaction, so running it again from the top is
safe: the failed attempt was rolled back whole. Retries are bounded, with
jittered exponential backoff; when they run out the cashier gets a plain
ConflictError ("try again"), never a driver traceback. Only the outermost
decorated call retries, so nested services do not multiply attempts."""

from __future__ import annotations

import contextvars
import functools
import logging
import random
import threading
import time
from typing import Callable, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from app.i18n import _
from app.domain.errors import ConflictError

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable)

ATTEMPTS = 10  # in all; read at call time, so a test or a busy site can change it
BASE_DELAY = 0.005  # seconds; doubles each attempt, with full jitter
MAX_DELAY = 0.25

# SQLSTATEs that mean "the same transaction run again would probably succeed".
RETRY_SQLSTATES = {
    "40001",  # serialization_failure
    "40P01",  # deadlock_detected
    "55P03",  # lock_not_available
}
UNIQUE_VIOLATION = "23505"
# Rows made on first use by whichever writer gets there first: losing that race
# is a conflict worth retrying (the row exists now), not a user's mistake.
RACY_CONSTRAINTS = {"pk_history_chain_head", "pk_number_series", "pk_tills", "uq_tills_code",
                    "pk_settings"}
RACY_SQLITE_TABLES = ("history_chain_head.", "number_series.", "tills.", "settings.")
SQLITE_BUSY_TEXT = ("database is locked", "database is busy", "database table is locked")


class RetryStats:
    """How often actions were retried and given up (for tests and the benchmark)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.retries = 0
        self.given_up = 0

    def add(self, name: str) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)

    def reset(self) -> None:
        with self._lock:
            self.retries = self.given_up = 0


stats = RetryStats()

_active: contextvars.ContextVar[bool] = contextvars.ContextVar("kasir_retry_active",
                                                               default=False)


def _sqlstate(orig) -> str | None:
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def is_retryable(exc: BaseException) -> bool:
    """True when running the whole transaction again could succeed."""
    if isinstance(exc, StaleDataError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return False  # the commit's outcome may be unknown: never run it twice
    orig = exc.orig
    state = _sqlstate(orig)
    if state in RETRY_SQLSTATES:
        return True
    if state == UNIQUE_VIOLATION:
        diag = getattr(orig, "diag", None)
        return getattr(diag, "constraint_name", None) in RACY_CONSTRAINTS
    text = str(orig).lower()
    if any(t in text for t in SQLITE_BUSY_TEXT):
        return True
    if text.startswith("unique constraint failed:"):
        cols = text.split(":", 1)[1].strip().split(", ")
        return all(c.startswith(RACY_SQLITE_TABLES) for c in cols)
    return False


def backoff(attempt: int, base: float = BASE_DELAY, cap: float = MAX_DELAY) -> float:
    """Full jitter: a random wait in [0, min(cap, base·2^attempt)]."""
    return random.uniform(0, min(cap, base * (2 ** attempt)))


def retrying(fn: F | None = None, *, attempts: int | None = None, sleep=time.sleep) -> F:
    """Decorator: run `fn` again (up to `attempts` times in all) on a retryable
    database conflict. Usable bare (`@retrying`) or with options."""

    def wrap(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            if _active.get():
                return func(*args, **kwargs)  # an outer call owns the retrying
            token = _active.set(True)
            tries = attempts or ATTEMPTS
            try:
                for attempt in range(tries):
                    try:
                        return func(*args, **kwargs)
                    except Exception as exc:  # noqa: BLE001 - classified just below
                        if not is_retryable(exc):
                            raise
                        last = exc
                        log.info("%s: retrying after a database conflict (%s), attempt %d",
                                 func.__qualname__, type(exc).__name__, attempt + 1)
                        if attempt + 1 < tries:
                            stats.add("retries")
                            sleep(backoff(attempt))
                stats.add("given_up")
                raise ConflictError(
                    _("Another till was changing the same records and the database stayed busy. "
                      "Nothing was saved; try again.")) from last
            finally:
                _active.reset(token)

        run.__wrapped_retry__ = True  # lets a test check which services retry
        return run

    return wrap(fn) if fn is not None else wrap
