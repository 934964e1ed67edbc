"""The database file, seen from the window: the start-up check and the
history-chain warning (after the first page), the daily backup (then hourly),
the damaged-file path (offer the latest good backup) and a restore asked for
in Settings (carried out by `finish()` once nothing has the file open).
A mixin of ui.setup.wiring.TrustWiring."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from app.domain.errors import KasirError
from app.i18n import _

from ui.common.fmt import local_dt
from ui.trust.checks import (backup_due, check_database, offer_restore, restore_unlocked, tell,
                             warn_chain)

BACKUP_EVERY_MS = 60 * 60 * 1000


class DatabaseFileMixin:
    def after_first_page(self) -> None:
        """Checks and the daily backup, once the first page is on screen."""
        if self._checked or self.db_file is None:
            return
        self._checked = True
        self.maint.submit(check_database, self.db_file, self.maint.closing.is_set,
                          on_done=self._checked_file,
                          on_error=lambda e: self._status(
                              _("The start-up check failed: {error}", error=e)))
        self.backup_if_due()
        self._timer = QTimer(self)
        self._timer.setInterval(BACKUP_EVERY_MS)
        self._timer.timeout.connect(self.backup_if_due)
        self._timer.start()

    def backup_if_due(self) -> None:
        if self.db_file is not None:
            self.maint.submit(backup_due, self.db_file, self.maint.closing.is_set,
                              on_done=self._backed_up,
                              on_error=lambda e: self._status(
                                  _("The daily backup failed: {error}",
                                    error=getattr(e, "message", str(e)))))

    def _backed_up(self, info) -> None:
        if info is None:
            return
        show = getattr(self.window, "show_backup", None)
        if show is not None:  # the status bar keeps "Backed up 14:02"
            show(info.taken_at, str(info.path))
        else:
            self._status(_("Backed up {time}", time=local_dt(info.taken_at)))

    def _checked_file(self, check) -> None:
        if check.ok:
            return
        if check.damaged:
            self.dialog = offer_restore(self.window, check, self.request_restore, lambda: None)
        else:
            self._status(_("Warning: the history was changed outside Kasir (see the message)."))
            self.dialog = warn_chain(self.window, check)

    def _status(self, text: str) -> None:
        if self.window is not None:
            self.window.statusBar().showMessage(text, 15_000)

    def open_failed(self, exc, retry, give_up) -> None:
        """The store did not open: if the file is damaged, offer its latest good
        backup (restored at once, then `retry()`); otherwise `give_up()`."""
        if self.db_file is None or not self.db_file.exists():
            give_up()
            return

        def checked(check) -> None:
            if not check.damaged:
                give_up()
                return

            def restore_now(backup: Path) -> None:
                self.maint.submit(restore_unlocked, backup, self.db_file, self.lock,
                                  on_done=restored, on_error=failed)

            def restored(result) -> None:
                if result.kept_as:
                    self._status(_("Restored {file}; the damaged file was kept as {kept}.",
                                   file=result.restored_from.name, kept=result.kept_as.name))
                else:
                    self._status(_("Restored {file}.", file=result.restored_from.name))
                retry()

            def failed(err) -> None:
                self.dialog = tell(self.window, _("The backup could not be restored"),
                                   getattr(err, "message", str(err)), critical=True)
                self.dialog.finished.connect(lambda _r: self.app.quit())

            self.dialog = offer_restore(self.window, check, restore_now,
                                        lambda: self.app.quit())
        self.maint.submit(check_database, self.db_file, on_done=checked,
                          on_error=lambda _e: give_up())

    def request_restore(self, backup: Path) -> None:
        """Restore `backup` once the window has closed and let go of the database."""
        self.pending_restore = Path(backup)
        if self.window is not None:
            self.window.close()
        self.app.quit()

    def _restore_pending(self, show) -> str:
        try:
            result = restore_unlocked(None, self.pending_restore, self.db_file, self.lock)
        except KasirError as exc:
            title, text = _("The backup was not restored"), exc.message
        else:
            title = _("Backup restored")
            text = _("{file} is back in place. The database as it was before is kept as "
                     "{kept}. Start Kasir again to go on.", file=result.restored_from.name,
                     kept=result.kept_as)
        self.pending_restore = None
        if show is None:
            QMessageBox.information(None, title, text)
        else:
            show(title, text)
        return text
