"""Checks of a database file: SQLite's own integrity check and the history
chain. Used at start-up, before a restore, and by `kasir check`."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, inspect

from app.i18n import _
from app.store.backup import list_backups

from .chain import ChainCheckCancelled, ChainReport, verify_connection


@dataclass(frozen=True)
class FileCheck:
    path: Path
    readable: bool  # SQLite could open it and it passed its integrity check
    problems: tuple[str, ...] = ()
    chain: ChainReport | None = None  # None: unreadable, or older than the chain

    @property
    def ok(self) -> bool:
        return self.readable and not self.problems

    def to_json(self) -> dict:
        return {"path": str(self.path), "ok": self.ok, "readable": self.readable,
                "problems": list(self.problems),
                "chain": self.chain.to_json() if self.chain else None}


def _integrity(conn: sqlite3.Connection, full: bool) -> list[str]:
    rows = conn.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check").fetchall()
    found = [r[0] for r in rows]
    return [] if found == ["ok"] else found[:5]


def _chain(path: Path, should_stop=None) -> ChainReport | None:
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(path, timeout=30))
    try:
        with engine.connect() as conn:
            cols = {c["name"] for c in inspect(conn).get_columns("history")}
            if "entry_hash" not in cols:
                return None
            return verify_connection(conn, should_stop)
    finally:
        engine.dispose()


def check_file(path, *, full: bool = True, should_stop=None) -> FileCheck:
    """Open `path` as a Kasir database and check it. Never raises for a bad file."""
    path = Path(path)
    if not path.is_file():
        return FileCheck(path, False, (_("There is no file at {path}.", path=path),))
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            problems = _integrity(conn, full)
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return FileCheck(path, False, (_("SQLite cannot read it: {error}.", error=exc),))
    if problems:
        return FileCheck(path, False, tuple(_("Damaged: {problem}", problem=p) for p in problems))
    if not {"alembic_version", "history", "invoices"} <= tables:
        return FileCheck(path, False, (_("It is not a Kasir database."),))
    try:
        chain = _chain(path, should_stop)
    except ChainCheckCancelled:
        raise  # the app is closing: no verdict, the check runs again next start
    except Exception as exc:  # a damaged history table is a failed check, not a crash
        return FileCheck(path, True, (_("The history could not be read: {error}.", error=exc),))
    if chain is not None and not chain.ok:
        return FileCheck(path, True, (chain.summary(),), chain)
    return FileCheck(path, True, (), chain)


@dataclass(frozen=True)
class StartupCheck:
    """What the app tells the person at the till when it starts."""

    database: FileCheck
    latest_good_backup: Path | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def damaged(self) -> bool:
        """SQLite itself found damage: work must not go on on this file."""
        return not self.database.readable

    @property
    def ok(self) -> bool:
        return self.database.ok

    def message(self) -> str:
        if self.ok:
            return _("The database passed its checks.")
        lines = list(self.database.problems)
        if self.damaged:
            lines.insert(0, _("The database {path} is damaged.", path=self.database.path))
            if self.latest_good_backup:
                lines.append(_("The latest good backup is {backup}. Restore it with: kasir "
                               "restore \"{backup}\"", backup=self.latest_good_backup))
            else:
                lines.append(_("No good backup was found next to it. Keep the file: do not "
                               "delete it, and ask for help to recover it."))
        else:
            lines.insert(0, _("The history was changed outside Kasir. Work can go on, but tell "
                              "the owner: the entry named below is no longer trustworthy."))
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {"ok": self.ok, "damaged": self.damaged, "database": self.database.to_json(),
                "latestGoodBackup": str(self.latest_good_backup) if self.latest_good_backup
                else None, "message": self.message()}


def latest_good_backup(db_path) -> Path | None:
    """The newest backup that passes every check."""
    for info in list_backups(db_path):
        if check_file(info.path).ok:
            return info.path
    return None


def startup_check(db_path, *, full: bool = False, should_stop=None) -> StartupCheck:
    """At start-up: a quick SQLite check and the whole history chain; when the
    file is damaged, the way back: the newest backup that passes."""
    path = Path(db_path)
    if not path.exists():
        return StartupCheck(FileCheck(path, True))  # a first run: nothing to check yet
    result = check_file(path, full=full, should_stop=should_stop)
    good = latest_good_backup(path) if not result.readable else None
    return StartupCheck(result, good)
