"""What the window says about the database file itself: damaged (offer the
latest good backup), history altered (name the first altered entry), and the
restore that puts a backup back. The slow parts run on a worker; dialogs are
non-blocking (`open()`), so the window keeps painting."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from app.i18n import _


def check_database(_ctx, db_file: Path, should_stop=None):  # maintenance worker
    # on the maintenance worker, after the first paint
    from app.trust.checks import startup_check

    return startup_check(db_file, should_stop=should_stop)


def backup_due(_ctx, db_file: Path, should_stop=None):  # maintenance worker
    # on the maintenance worker, after the first paint
    from app.store.backup import backup_if_due

    return backup_if_due(db_file, should_stop=should_stop)


def backup_now(_ctx, db_file: Path):  # maintenance worker
    # on the maintenance worker, after the first paint
    from app.store.backup import make_backup

    return make_backup(db_file, kind="manual")


def restore_unlocked(_ctx, backup: Path, db_file: Path, lock):  # maintenance worker
    """Put `backup` back while this process lets go of its instance lock
    (restore() takes the lock itself, refusing while any window holds it)."""
    # on the maintenance worker, after the first paint
    from app.trust.restore import restore

    if lock is not None and lock.held:
        lock.release()
    try:
        return restore(backup, db_file)
    finally:
        if lock is not None:
            lock.acquire()


def offer_restore(parent: QWidget | None, check, on_restore: Callable[[Path], None],
                  on_give_up: Callable[[], None]) -> QMessageBox:
    """The database is damaged: say so and offer its latest good backup."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(_("The database is damaged"))
    backup = check.latest_good_backup
    text = [_("Kasir cannot trust the file {path}: {problems}", path=check.database.path,
              problems=" ".join(check.database.problems))]
    if backup is not None:
        text.append(_("The latest good backup is {file} (in {folder}). Restore it? The damaged "
                      "file is kept beside it for recovery; work done since that backup will "
                      "have to be entered again.", file=backup.name, folder=backup.parent))
        restore_button = box.addButton(_("Restore the backup"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("Quit"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore_button)
    else:
        text.append(_("No good backup was found next to it. Keep the file (do not delete it) "
                      "and ask for help to recover it."))
        restore_button = None
        box.addButton(_("Quit"), QMessageBox.ButtonRole.RejectRole)
    box.setText("\n\n".join(text))
    box.restore_button = restore_button

    def done(_result) -> None:
        if restore_button is not None and box.clickedButton() is restore_button:
            on_restore(backup)
        else:
            on_give_up()
    box.finished.connect(done)
    box.open()
    return box


def warn_chain(parent: QWidget | None, check) -> QMessageBox:
    """The history was changed outside Kasir: work may go on, the owner must know."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("The history was changed outside Kasir"))
    box.setText(check.message())
    box.addButton(QMessageBox.StandardButton.Ok)
    box.open()
    return box


def tell(parent: QWidget | None, title: str, text: str, critical: bool = False) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical if critical else QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    box.addButton(QMessageBox.StandardButton.Ok)
    box.open()
    return box
