"""Is this path a database file Kasir may open? Checked before SQLAlchemy touches it.

Without these checks a text file, a truncated file or a folder given as `--db` ended in a
driver traceback, a damaged file answered empty lists and was written to, another
program's SQLite file silently got Kasir's tables added, and a path nobody can create
(`/proc/kasir.db`) passed `kasir check`. Each case is refused with a DatabaseUnusableError
(exit code 7) that says what to do, and nothing is written.

`PRAGMA quick_check` reads every page, so it runs on open only up to QUICK_CHECK_MAX_BYTES:
measured at 0.12-0.17 s for a 114 MB file (about 1 ms per MB once cached), so at most
~70 ms on every command. A bigger file is checked by the start-up checks
(app/trust/checks.py) and by `kasir check`.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from app.domain.errors import DatabaseUnusableError
from app.i18n import _

SQLITE_HEADER = b"SQLite format 3\x00"
HEADER_SIZE = 100  # an SQLite file is at least its 100-byte header
QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024
KASIR_MARKER = "alembic_version"  # every Kasir database has it from its first migration


def check_database_path(path: Path) -> None:
    """Refuse `path` unless it is a new file that can be created, an empty file, or a
    readable, writable, undamaged SQLite file holding Kasir's schema (or no tables)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        _check_creatable(path)
        return
    except OSError as exc:
        raise _refusal(path, _("it cannot be read ({reason})", reason=exc.strerror)) from None
    if stat.S_ISDIR(info.st_mode):
        raise _refusal(path, _("it is a folder; give a file name inside it, like "
                               "{example}", example=str(path / "kasir.db")))
    if not stat.S_ISREG(info.st_mode):
        raise _refusal(path, _("it is not a regular file"))
    if not os.access(path, os.R_OK | os.W_OK):
        raise _refusal(path, _("this user may not read and write it"))
    if info.st_size == 0:
        return  # an empty file is a new database
    _check_sqlite(path, info.st_size)


def _check_creatable(path: Path) -> None:
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise _refusal(path, _("{folder} is not a folder", folder=str(parent)))
    if parent != path.parent:
        return  # the missing folders are created, then the file (an error there is reported)
    try:  # os.access says yes to root even where nothing can be created (/proc)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise _refusal(path, _("a file cannot be created there ({reason})",
                               reason=exc.strerror)) from None
    os.close(fd)
    os.unlink(path)


def _check_sqlite(path: Path, size: int) -> None:
    with open(path, "rb") as f:
        header = f.read(HEADER_SIZE)
    if not header.startswith(SQLITE_HEADER):
        raise _refusal(path, _("it is not a database file (it does not start as SQLite files "
                               "do)"))
    if len(header) < HEADER_SIZE:
        raise _damaged(path)
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        raise _damaged(path) from None
    try:
        if size <= QUICK_CHECK_MAX_BYTES:
            rows = con.execute("PRAGMA quick_check").fetchall()
            if rows != [("ok",)]:
                raise _damaged(path)
        tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    except sqlite3.Error:
        raise _damaged(path) from None
    finally:
        con.close()
    if tables and KASIR_MARKER not in tables:
        raise _refusal(path, _("it is another program's SQLite database (it has no Kasir "
                               "tables); Kasir does not add its own to it"))


def _damaged(path: Path) -> DatabaseUnusableError:
    err = _refusal(path, _("it is damaged; restore the latest backup with "
                           "'kasir restore --latest'"))
    err.damaged = True  # `kasir check` and restore go on: they are the way back
    return err


def _refusal(path: Path, why: str) -> DatabaseUnusableError:
    err = DatabaseUnusableError(
        _("Cannot use {path} as Kasir's database: {why}. Nothing was written to it.",
          path=str(path), why=why), field="db")
    err.damaged = False
    return err
