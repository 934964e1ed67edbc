"""Putting a backup back: only after it passed every check, only while no
window has the database open, and never without keeping what was there."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from app.i18n import _
from app.domain.errors import ValidationError

from app.store.backup import copy_database, make_backup
from .checks import check_file
from .instance_lock import InstanceLock


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    database: Path
    kept_as: Path | None  # the previous database: a pre-restore backup, or the damaged file
    entries: int  # history entries in the restored database

    def to_json(self) -> dict:
        return {"restoredFrom": str(self.restored_from), "database": str(self.database),
                "keptAs": str(self.kept_as) if self.kept_as else None,
                "historyEntries": self.entries}


def restore(backup_file, db_path, *, now: datetime | None = None) -> RestoreResult:
    src = Path(backup_file).expanduser().resolve()
    db = Path(db_path).expanduser().resolve()
    if src == db:
        raise ValidationError(_("Choose a backup file, not the database itself."))
    checked = check_file(src)
    if not checked.ok:
        raise ValidationError(_("{file} cannot be restored: {problems}", file=src,
                                problems=" ".join(checked.problems)))
    now = now or datetime.now(timezone.utc)
    with InstanceLock(db):  # refuses while a window has the database open
        kept = None
        if db.exists():
            if check_file(db, full=False).readable:
                kept = make_backup(db, kind="prerestore", now=now).path
            else:
                # Damaged: keep the file itself for whoever tries to recover it.
                kept = db.with_name(f"{db.name}.damaged-{now.strftime('%Y%m%dT%H%M%SZ')}")
                os.replace(db, kept)
                wal = db.with_name(db.name + "-wal")
                if wal.exists():  # its log goes with it: recovery may need both
                    os.replace(wal, kept.with_name(kept.name + "-wal"))
        incoming = db.with_name(db.name + ".restoring")
        copy_database(src, incoming)
        for stale in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            # The old log belongs to the old file: replayed onto the restored one it
            # would corrupt it.
            stale.unlink(missing_ok=True)
        os.replace(incoming, db)
    entries = checked.chain.checked if checked.chain else 0
    return RestoreResult(src, db, kept, entries)
