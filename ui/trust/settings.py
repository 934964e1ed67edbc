"""Settings › Staff, lock and backups: the idle lock, the staff page (owner and
managers), this till's code and name, "Back up now" and "Restore…"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QComboBox, QDialog, QFileDialog, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton,
                               QSpinBox, QVBoxLayout)

from app.i18n import N_, _, gettext
from app.services.settings import get_setting, set_setting
from app.setup.first_run import check_till, register_till
from app.store.backup import backup_dir, list_backups
from app.trust.idle_lock import (DEFAULT_IDLE_MINUTES, IDLE_KEY, MAX_IDLE_MINUTES,
                                  check_idle_minutes, stored_idle_minutes)

from ui.common.fmt import local_dt
from ui.common.forms import Banner, problems_of
from ui.trust.checks import backup_now
from ui.trust.staff_page import StaffPage


def list_backup_files(_ctx, db_file: Path):  # maintenance worker

    return list_backups(db_file)


def save_idle(ctx, minutes: int):
    minutes = check_idle_minutes(minutes)
    set_setting(ctx, IDLE_KEY, minutes)
    return minutes


def load_idle(ctx) -> int:
    return stored_idle_minutes(get_setting(ctx, IDLE_KEY, DEFAULT_IDLE_MINUTES))


def save_till(ctx, code: str, name: str):
    return register_till(ctx, check_till(code, name))


BACKUP_KINDS = {"daily": N_("daily"), "manual": N_("manual"), "migration": N_("before upgrade")}


class TrustSettingsBox(QGroupBox):
    def __init__(self, trust, parent=None):
        super().__init__(_("Staff, lock and backups"), parent)
        self.trust = trust
        self.worker = trust.worker
        self.banner = Banner()
        self.idle = QSpinBox()
        self.idle.setRange(0, MAX_IDLE_MINUTES)
        self.idle.setSuffix(_(" min"))
        self.idle.setSpecialValueText(_("never"))
        self.idle.setAccessibleName(_("Lock after minutes without use"))
        self.idle_save = QPushButton(_("Save"))
        self.staff_button = QPushButton(_("Staff…"))
        self.till_code = QLineEdit(trust.window.till if trust.window else "")
        self.till_code.setMaxLength(8)
        self.till_name = QLineEdit(str(trust.settings.value("till/name", "") or ""))
        self.till_save = QPushButton(_("Save till"))
        self.backup_button = QPushButton(_("Back up now"))
        self.backups = QComboBox()
        self.backups.setAccessibleName(_("Backups"))
        self.restore_button = QPushButton(_("Restore…"))
        self.other_button = QPushButton(_("Other file…"))
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.dialog = None

        form = QFormLayout()
        form.addRow(_("Lock after"), self._line(self.idle, self.idle_save))
        form.addRow(_("Staff"), self._line(self.staff_button))
        form.addRow(_("Till code"), self._line(self.till_code))
        form.addRow(_("Till name"), self._line(self.till_name, self.till_save))
        form.addRow(_("Backups"), self._line(self.backup_button))
        form.addRow(_("Restore"), self._line(self.backups, self.restore_button, self.other_button))
        form.addRow("", self.where)
        lay = QVBoxLayout(self)
        lay.addWidget(self.banner)
        lay.addLayout(form)

        self.idle_save.clicked.connect(self.save_idle)
        self.staff_button.clicked.connect(self.open_staff)
        self.till_save.clicked.connect(self.save_till)
        self.backup_button.clicked.connect(self.back_up)
        self.restore_button.clicked.connect(lambda: self.ask_restore(self.backups.currentData()))
        self.other_button.clicked.connect(self.choose_file)
        self.load()

    @staticmethod
    def _line(*widgets):
        row = QHBoxLayout()
        for w in widgets:
            row.addWidget(w)
        row.addStretch(1)
        return row

    def _fail(self, exc) -> None:
        self.banner.show_message(problems_of(exc)[0][1], "error")

    # ---------------------------------------------------------------- loading
    def load(self) -> None:
        self.worker.submit(load_idle,
                           on_done=lambda m: self.idle.setValue(int(m or 0)),
                           on_error=self._fail)
        db_file = self.trust.db_file
        on_file = db_file is not None
        for w in (self.backup_button, self.backups, self.restore_button, self.other_button):
            w.setEnabled(on_file)
        if not on_file:
            self.where.setText(_("This till uses a database server: back it up on the server."))
            return

        self.where.setText(_("Backups are kept in {folder}: one a day (7 kept), before every "
                             "upgrade, and when you ask.", folder=backup_dir(db_file)))
        self.trust.maint.submit(list_backup_files, db_file, on_done=self._fill_backups,
                                on_error=self._fail)

    def _fill_backups(self, infos) -> None:
        self.backups.clear()
        for b in infos:
            kind = gettext(BACKUP_KINDS[b.kind]) if b.kind in BACKUP_KINDS else b.kind
            self.backups.addItem(_("{when} · {kind} · {size} KB", when=local_dt(b.taken_at),
                                   kind=kind, size=b.size // 1024),
                                 str(b.path))
        self.restore_button.setEnabled(bool(infos))

    # ---------------------------------------------------------------- actions
    def save_idle(self) -> None:
        def done(minutes) -> None:
            self.trust.turn_rules_on(minutes) if self.trust.rules_on else None
            self.banner.show_message(_("The till locks after {minutes} minutes without use.",
                                       minutes=minutes)
                                     if minutes else _("The till no longer locks by itself."),
                                     "ok")
        self.worker.submit(save_idle, self.idle.value(), on_done=done, on_error=self._fail)

    def open_staff(self) -> None:
        ctx = self.worker.ctx
        if self.trust.rules_on and ctx.role not in ("manager", "owner"):
            self.banner.show_message(_("Only a manager or the owner looks after staff accounts: "
                                       "switch operator (Ctrl+L) first."), "error")
            return
        dlg = QDialog(self)
        dlg.setWindowTitle(_("Staff"))
        page = StaffPage(ctx, run=self.worker.submit, parent=dlg)
        page.changed.connect(self.trust.staff_changed)
        QVBoxLayout(dlg).addWidget(page)
        dlg.staff_page = page
        dlg.resize(640, 560)
        dlg.setModal(True)
        dlg.show()
        self.dialog = dlg

    def save_till(self) -> None:
        code, name = self.till_code.text(), self.till_name.text()

        def done(till) -> None:
            s = self.trust.settings
            s.setValue("till/code", till.code)
            s.setValue("till/name", till.name)
            s.sync()
            self.trust.set_till(till.code)
            self.till_code.setText(till.code)
            self.till_name.setText(till.name)
            self.banner.show_message(_("This till is now {code} ({name}): its next numbers "
                                       "start with {code}-.", code=till.code, name=till.name),
                                     "ok")
        self.worker.submit(save_till, code, name, on_done=done, on_error=self._fail)

    def back_up(self) -> None:
        self.backup_button.setEnabled(False)

        def done(info) -> None:
            self.backup_button.setEnabled(True)
            self.banner.show_message(_("Backed up to {path}.", path=info.path), "ok")
            self.load()

        def failed(exc) -> None:
            self.backup_button.setEnabled(True)
            self._fail(exc)
        self.trust.maint.submit(backup_now, self.trust.db_file, on_done=done, on_error=failed)

    def choose_file(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("Choose a backup to restore"),
                                               str(backup_dir(self.trust.db_file)),
                                               _("Kasir backups (*.db)"))
        if path:
            self.ask_restore(path)

    def ask_restore(self, path) -> None:
        if not path:
            self.banner.show_message(_("There is no backup to restore yet."), "error")
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(_("Restore a backup"))
        box.setText(_("Restore {file}? Kasir closes, puts the backup in place (after checking "
                      "it) and keeps today's database as a backup of its own. Work done since "
                      "that backup will have to be entered again.", file=Path(path).name))
        yes = box.addButton(_("Close Kasir and restore"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _r: self.trust.request_restore(Path(path))
                             if box.clickedButton() is yes else None)
        box.restore_button = yes
        box.open()
        self.dialog = box
