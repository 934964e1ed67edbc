"""One app per database file: a lock file next to the database, held by the
window for as long as it runs. The OS drops the lock when the process dies,
so a crash never leaves a stale lock behind."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from app.i18n import _
from app.domain.errors import ConflictError
from app.store.engine import to_url


class AlreadyRunningError(ConflictError):
    pass


def lock_path(db_path: str | os.PathLike) -> Path:
    p = Path(db_path)
    return p.with_name(p.name + ".lock")


class InstanceLock:
    """`with InstanceLock(db): ...` or acquire()/release(). Not re-entrant."""

    def __init__(self, db_path: str | os.PathLike):
        self.db_path = Path(db_path)
        self.path = lock_path(db_path)
        self._fh = None

    @property
    def held(self) -> bool:
        return self._fh is not None

    def acquire(self) -> "InstanceLock":
        if self._fh is not None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+", encoding="utf-8")
        try:
            _lock(fh)
        except OSError:
            fh.seek(0)
            holder = fh.read().strip()
            fh.close()
            who = " " + _("(process {pid})", pid=holder) if holder.isdigit() else ""
            raise AlreadyRunningError(
                _("Kasir is already open on {db_path}{who}. Switch to that window, or close it "
                  "before starting another one on the same database.",
                  db_path=self.db_path, who=who)) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh
        return self

    def release(self) -> None:
        fh, self._fh = self._fh, None
        if fh is None:
            return
        try:
            fh.seek(0)
            fh.truncate()
            _unlock(fh)
        finally:
            fh.close()  # the file stays: removing it would race with a starter

    def __enter__(self) -> "InstanceLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def for_database(db) -> InstanceLock | None:
    """The lock for a database given as a path or URL; None for server databases
    (PostgreSQL is shared by several tills on purpose)."""
    url = to_url(db)
    if not url.startswith("sqlite:///"):
        return None
    return InstanceLock(url[len("sqlite:///"):])


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fh) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(fh) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fh) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fh) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
