"""Online backups with SQLite's backup API: daily while the app runs, before
every migration, on demand, and before a restore; old ones rotated away.

Backups sit in a `backups` folder next to the database, named
`<db>-<UTC time>-<kind>.db`. They hold exactly what the database holds, and
the database holds no secret (credentials live in the OS keyring)."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from app.i18n import N_, _
from app.domain.errors import ValidationError

from .engine import to_url
from .migrate import current_revisions

KINDS = ("daily", "migration", "manual", "prerestore")
# How each kind is named to people (`kasir backup --list`); the file name keeps the code.
KIND_LABELS = {"daily": N_("daily"), "migration": N_("before upgrade"), "manual": N_("manual"),
               "prerestore": N_("before restore")}
KEEP = {"daily": 7, "migration": 5, "manual": 10, "prerestore": 3}
DAILY_EVERY = timedelta(hours=24)
_NAME = re.compile(r"^(?P<stem>.+)-(?P<at>\d{8}T\d{12}Z)-(?P<kind>[a-z]+)\.db$")


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kind: str
    taken_at: datetime
    size: int

    def to_json(self) -> dict:
        return {"path": str(self.path), "kind": self.kind, "size": self.size,
                "takenAt": self.taken_at.isoformat().replace("+00:00", "Z")}


def backup_dir(db_path: str | os.PathLike) -> Path:
    return Path(db_path).resolve().parent / "backups"


def sqlite_file(db) -> Path | None:
    """The file behind a path, SQLite URL or Engine; None for server databases."""
    url = str(db.url) if hasattr(db, "url") else None
    if url is None:
        url = to_url(db)
    if not url.startswith("sqlite:///") or url.startswith("sqlite:///:memory:"):
        return None
    return Path(url[len("sqlite:///"):])


class BackupCancelled(Exception):
    """The app is closing: the half-made copy is thrown away; the next run backs up."""


def copy_database(src: Path, dest: Path, should_stop=None) -> None:
    """Copy a live database page by page (readers and writers may keep working),
    into a temporary file that is checked, synced and only then renamed.
    `should_stop` is asked between steps; yes throws the copy away."""

    def progress(_status, _remaining, _total):
        if should_stop is not None and should_stop():
            raise BackupCancelled()
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    part.unlink(missing_ok=True)
    source = sqlite3.connect(src, timeout=30)
    try:
        target = sqlite3.connect(part)
        try:
            try:
                source.backup(target, pages=1024, progress=progress)
            except BackupCancelled:
                target.close()
                part.unlink(missing_ok=True)
                raise
            target.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
            result = target.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise ValidationError(_("The backup copy failed its check ({result}); the "
                                        "database itself may be damaged.", result=result))
        finally:
            target.close()
    except sqlite3.DatabaseError as exc:
        part.unlink(missing_ok=True)
        raise ValidationError(_("Could not back up {src}: {exc}.", src=src, exc=exc)) from None
    finally:
        source.close()
    with open(part, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(part, dest)


def make_backup(db_path, dest=None, *, kind: str = "manual", now: datetime | None = None,
                keep: dict | None = None, should_stop=None) -> BackupInfo:
    """Back up now. Without `dest` it goes to the backups folder and old backups
    of the same kind are rotated away; a named `dest` is left alone afterwards."""
    src = Path(db_path)
    if not src.exists():
        raise ValidationError(_("There is no database at {src} to back up.", src=src))
    if kind not in KINDS:
        raise ValidationError(_("Unknown backup kind {kind}.", kind=repr(kind)))
    now = now or _utcnow()
    if dest is None:
        stamp = now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = backup_dir(src) / f"{src.stem}-{stamp}-{kind}.db"
    else:
        target = Path(dest).expanduser().resolve()
        if target == src.resolve():
            raise ValidationError(_("The backup must go to another file than the database."))
    copy_database(src, target, should_stop)
    write_manifest(target, kind, now)
    if dest is None:
        rotate(src, kind, keep)
    return BackupInfo(target, kind, now, target.stat().st_size)


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".manifest.json")


def backup_head(backup: Path) -> tuple[int, str] | None:
    """The history chain's head as a backup file holds it (None: older than the chain)."""
    conn = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT last_seq, last_hash FROM history_chain_head WHERE id = 1"
                           ).fetchone()
    except sqlite3.DatabaseError:
        row = None
    finally:
        conn.close()
    return (row[0], row[1]) if row else None


def write_manifest(backup: Path, kind: str, now: datetime) -> Path:
    """Beside each backup, what it held: the chain head (`seq:hash`), kind and time.
    Manifests stay when old backups are rotated away: small anchors of the history
    that `kasir audit verify --against` compares the live chain with (issue 17)."""
    head = backup_head(backup)
    data = {"kind": kind, "takenAt": now.astimezone(timezone.utc).isoformat().replace(
        "+00:00", "Z"), "file": backup.name,
        "chain": f"{head[0]}:{head[1]}" if head else None}
    path = manifest_path(backup)
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    os.replace(part, path)
    return path


def list_backups(db_path, kind: str | None = None) -> list[BackupInfo]:
    """The backups in the backups folder, newest first."""
    folder = backup_dir(db_path)
    stem = Path(db_path).stem
    found = []
    if folder.is_dir():
        for p in folder.iterdir():
            m = _NAME.match(p.name)
            if not m or m["stem"] != stem or (kind and m["kind"] != kind):
                continue
            at = datetime.strptime(m["at"], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=timezone.utc)
            found.append(BackupInfo(p, m["kind"], at, p.stat().st_size))
    found.sort(key=lambda b: b.taken_at, reverse=True)
    return found


def rotate(db_path, kind: str, keep: dict | None = None) -> list[Path]:
    limit = (keep or KEEP).get(kind, KEEP.get(kind, 5))
    removed = []
    for old in list_backups(db_path, kind)[limit:]:
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    return removed


def backup_if_due(db_path, now: datetime | None = None, every: timedelta = DAILY_EVERY,
                  should_stop=None) -> BackupInfo | None:
    """The daily backup: call it now and then while the app runs (the window
    does so hourly); it backs up when the newest daily backup is `every` old."""
    now = now or _utcnow()
    newest = list_backups(db_path, "daily")
    if newest and now - newest[0].taken_at < every:
        return None
    return make_backup(db_path, kind="daily", now=now, should_stop=should_stop)


def backup_before_migration(engine) -> BackupInfo | None:
    """Called by open_store before it applies migrations to a database holding data."""
    path = sqlite_file(engine)
    if path is None or not path.exists() or not current_revisions(engine):
        return None
    engine.dispose()  # no connection of ours keeps a half-written WAL in the way
    return make_backup(path, kind="migration")
