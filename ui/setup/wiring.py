"""Trust at the till, wired into the window (issue 7) and the first run (issue 9).

`run_app` makes one `TrustWiring` and calls, in order:
`acquire_lock()` (one window per database file), `resolve_till()`,
`attach(window, worker, bus)`, `ready(ctx, start)` once the store is open
(first-run wizard, or the lock screen when staff accounts exist),
`open_failed(exc, retry, give_up)` when it is not (a damaged file: offer the
latest good backup), and `finish()` last of all (a restore asked for in
Settings runs there, once nothing has the database open).

After the first page is painted, a maintenance worker checks the file and the
history chain and takes the daily backup (then hourly), so start-up is not
slowed by them."""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Signal
from PySide6.QtWidgets import QApplication, QDialog, QPushButton
from PySide6.QtWidgets import QMessageBox, QScrollArea

from app.domain.errors import KasirError
from app.i18n import _
from app.trust.idle_lock import DEFAULT_IDLE_MINUTES, IDLE_KEY, stored_idle_minutes
from app.trust.instance_lock import InstanceLock

from ui.common.changes import Change
from ui.common.forms import shortcut
from ui.common.qsettings import app_settings
from ui.common.qtcompat import emit
from ui.common.worker import DbWorker
from ui.trust.database_file import DatabaseFileMixin

TILL_CODE, TILL_NAME, PLUGIPAY_MODE = "till/code", "till/name", "plugipay/mode"


def resolve_till(given: str, settings: QSettings, argv=None, environ=None) -> str:
    """The till code: `--till` or $KASIR_TILL when given, else the one the
    first-run wizard stored for this computer, else what the command line defaulted to."""
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    if environ.get("KASIR_TILL") or any(a == "--till" or a.startswith("--till=") for a in argv):
        return given
    stored = str(settings.value(TILL_CODE, "") or "").strip().upper()
    return stored or given


def database_file(db) -> Path | None:
    """The SQLite file behind `db` (a path, a sqlite:/// URL, or None for the
    default file); None for a server database. Without importing SQLAlchemy:
    this runs on the UI thread before the window, where every 100 ms shows."""
    if db is None:
        from platformdirs import user_data_dir  # as app.store.engine.default_db_path

        return Path(user_data_dir("kasir", "Kasir")) / "kasir.db"
    text = str(db)
    if "://" not in text:
        return Path(text).expanduser().resolve()
    if text.startswith("sqlite:///") and not text.startswith("sqlite:///:memory:"):
        return Path(text[len("sqlite:///"):])
    return None


def startup_state(ctx) -> dict:  # DB worker
    # on the DB worker: the store stays off the start-up path
    from app.services.settings import get_setting
    from app.setup.first_run import needs_setup
    from app.services.accounts import has_staff

    setup = needs_setup(ctx)
    return {"setup": setup, "staff": not setup and has_staff(ctx),
            "idle": stored_idle_minutes(get_setting(ctx, IDLE_KEY, DEFAULT_IDLE_MINUTES))}


class TrustWiring(DatabaseFileMixin, QObject):
    signed_in = Signal(object)  # the Context of whoever now works the till
    plugipay_changed = Signal(str)  # "connect" | "demo": the sync engine should (re)load

    def __init__(self, app, db, settings: QSettings | None = None, parent=None):
        super().__init__(parent)
        self.app, self.db = app, db
        self.db_file: Path | None = database_file(db)
        self.settings = app_settings(settings)
        self.lock = None
        self.window = self.worker = self.bus = None
        self.lock_screen = None
        self.idle = None
        self.locked = False
        self.rules_on = False
        self.dialog = None  # the dialog shown last (tests look at it)
        self.wizard = None
        self.demo = None
        self.pending_restore: Path | None = None
        self._maint = None
        self._timer = None
        self._checked = False

    # ---------------------------------------------------------------- lock file
    def acquire_lock(self, tell_user=None) -> bool:
        """Hold the database's instance lock; False (after saying why) when
        another Kasir has it open."""
        if self.db_file is None:
            return True  # a shared server database: several tills on purpose
        lock = InstanceLock(self.db_file)  # as app.trust.instance_lock.for_database
        try:
            lock.acquire()
        except KasirError as exc:
            if tell_user is None:
                QMessageBox.critical(None, _("Kasir is already open"), exc.message)
            else:
                tell_user(exc.message)
            return False
        self.lock = lock
        return True

    @property
    def maint(self):
        """A worker of its own for checks, backups, printers and the keyring, so
        the DB worker that feeds the screens never waits on them."""
        if self._maint is None:
            self._maint = DbWorker(None)
        return self._maint

    def resolve_till(self, given: str) -> str:
        return resolve_till(given, self.settings)

    # ---------------------------------------------------------------- window
    def attach(self, window, worker, bus) -> None:
        self.window, self.worker, self.bus = window, worker, bus
        window.trust = self
        self.switch_button = QPushButton(_("Switch operator (Ctrl+L)"))
        self.switch_button.setFlat(True)
        self.switch_button.hide()
        self.switch_button.clicked.connect(self.lock_now)
        window.statusBar().addPermanentWidget(self.switch_button)
        shortcut(window, "Ctrl+L", self.lock_now, window=True)
        window.first_page_shown.connect(self.after_first_page)
        window.installEventFilter(self)  # its resizes (the lock screen covers it)

    def retranslate(self) -> None:
        """The language changed (MainWindow.retranslate): the status-bar button,
        and a lock screen built in the old language is made again when next needed."""
        self.switch_button.setText(_("Switch operator (Ctrl+L)"))
        if self.lock_screen is not None and not self.locked:
            self.lock_screen.deleteLater()
            self.lock_screen = None

    def extend_settings(self, page) -> None:
        """Settings gets "Staff, lock and backups" (MainWindow calls this once)."""
        from ui.trust.settings import TrustSettingsBox  # only when Settings is first opened

        self.settings_box = TrustSettingsBox(self, page)
        lay = page.layout()
        scroll = page.findChild(QScrollArea)
        if scroll is not None and scroll.widget() is not None and scroll.widget().layout():
            lay = scroll.widget().layout()
        lay.insertWidget(max(0, lay.count() - 1), self.settings_box)  # above the stretch

    def ready(self, ctx, start) -> None:
        """The store is open: first run, lock screen, or straight to work."""
        def decide(state) -> None:
            if state["staff"]:
                self.turn_rules_on(state["idle"])
                self.lock_now()  # before the first page: no sale shows unlocked
            start()  # the (empty) list paints behind the wizard too
            if state["setup"]:
                self.show_wizard()
            else:
                self._restart_demo()
        self.worker.submit(startup_state, on_done=decide, on_error=lambda _e: start())

    def show_wizard(self) -> None:
        from ui.setup.first_run import FirstRunWizard  # only on a first run

        data_dir = self.db_file.parent if self.db_file else Path.cwd()
        self.wizard = FirstRunWizard(self.worker, self.maint, data_dir, parent=self.window)
        self.wizard.setModal(True)

        def completed(owner_ctx) -> None:
            wiz = self.wizard
            code = owner_ctx.till
            self.settings.setValue(TILL_CODE, code)
            self.settings.setValue(TILL_NAME, wiz.till.till_name.text().strip())
            self.settings.setValue(PLUGIPAY_MODE, wiz.mode)
            self.settings.sync()
            if wiz.demo is not None:
                self.demo = wiz.demo
            self.set_till(code)
            self.signed_in_as(owner_ctx)
            self.turn_rules_on(DEFAULT_IDLE_MINUTES)
            if self.bus is not None:
                self.bus.announce(Change.SETTINGS, self)
            if wiz.mode in ("connect", "demo"):
                emit(self.plugipay_changed, wiz.mode)

        self.wizard.completed.connect(completed)
        self.wizard.show()

    def _restart_demo(self) -> None:
        """A till set up in demo mode gets its sandbox again at each start."""
        # keyring and the SDK only for a demo till
        from app.sync.credentials import ENV_KEY_ID

        if self.settings.value(PLUGIPAY_MODE) != "demo" or os.environ.get(ENV_KEY_ID) \
                or self.db_file is None or self.demo is not None:
            return
        from ui.setup.first_run import start_demo  # only for a demo till

        def started(demo) -> None:
            self.demo = demo
            emit(self.plugipay_changed, "demo")
        self.maint.submit(lambda _c, d: start_demo(d), self.db_file.parent / "plugipay-sandbox",
                          on_done=started, on_error=lambda e: self._status(
                              _("The demo Plugipay sandbox did not start: {error}", error=e)))

    # ---------------------------------------------------------------- who is at the till
    def set_till(self, code: str) -> None:
        if self.worker.ctx is not None:
            self.worker.ctx = dataclasses.replace(self.worker.ctx, till=code)
        w = self.window
        w.till = code
        w.setWindowTitle(_("Kasir — {till}", till=code))
        w.till_label.setText(_("Till {till}", till=code))

    def signed_in_as(self, ctx) -> None:
        # app.services.roles pulls in the store: not before the first paint
        from app.services.roles import role_label

        # A plain attribute: the next task the worker starts sees it.
        self.worker.ctx = ctx
        w = self.window
        who = _("{operator} ({role})", operator=ctx.operator, role=role_label(ctx.role)) \
            if ctx.role else ctx.operator
        w.operator = who
        w.operator_label.setText(_("Operator {operator}", operator=who))
        emit(self.signed_in, ctx)

    def turn_rules_on(self, idle_minutes) -> None:
        from ui.trust.lock_screen import IdleLock  # only with staff accounts (pulls in app.trust)

        if not self.rules_on:  # only now: a filter on every event costs start-up time
            self.app.installEventFilter(self)  # window shortcuts are dead while locked
        self.rules_on = True
        self.switch_button.show()
        try:
            minutes = max(0.0, float(idle_minutes))
        except (TypeError, ValueError):
            minutes = DEFAULT_IDLE_MINUTES
        if self.idle is None:
            self.idle = IdleLock(self.app, minutes, parent=self)
            self.idle.idle.connect(self.lock_now)
        else:
            self.idle.set_minutes(minutes)

    def lock_now(self) -> None:
        """Lock the till: the lock screen covers the window until a PIN is given."""
        if not self.rules_on or self.window is None:
            return
        from ui.trust.lock_screen import LockScreen  # only with staff accounts

        modal = QApplication.activeModalWidget()
        if isinstance(modal, QDialog) and modal is not self.wizard:
            modal.reject()  # nothing half-typed stays open behind the lock
        if self.lock_screen is None:
            self.lock_screen = LockScreen(self.worker.ctx, run=self.worker.submit,
                                          parent=self.window)
            self.lock_screen.setAutoFillBackground(True)
            self.lock_screen.unlocked.connect(self.unlocked)
        else:
            self.lock_screen.refresh(self._operator())
        self.locked = True
        self.window.centralWidget().setEnabled(False)
        self.lock_screen.setGeometry(self.window.rect())
        self.lock_screen.show()
        self.lock_screen.raise_()
        self.lock_screen.lock(self._operator())

    def _operator(self):
        ctx = self.worker.ctx if self.worker else None
        return ctx.operator if ctx is not None and ctx.role else None

    def unlocked(self, ctx) -> None:
        self.locked = False
        self.lock_screen.hide()
        self.window.centralWidget().setEnabled(True)
        self.signed_in_as(ctx)
        if self.idle is not None:
            self.idle.poke()
        self.window.show_page(self.window.pages.currentIndex())

    def staff_changed(self) -> None:
        if self.lock_screen is not None:
            self.lock_screen.refresh(self._operator())
        if not self.rules_on:  # the owner's account was just made: everyone signs in now
            self.turn_rules_on(DEFAULT_IDLE_MINUTES)
            self.lock_now()

    def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
        if self.locked and event.type() == QEvent.Type.Shortcut:
            # Window-wide shortcuts (Ctrl+N…) must not act behind the lock screen.
            parent = obj.parent() if hasattr(obj, "parent") else None
            if not (isinstance(parent, QObject) and self._inside_lock(parent)):
                return True
        elif obj is self.window and event.type() == QEvent.Type.Resize \
                and self.lock_screen is not None:
            self.lock_screen.setGeometry(self.window.rect())
        return False

    def _inside_lock(self, obj) -> bool:
        while obj is not None:
            if obj is self.lock_screen:
                return True
            obj = obj.parent()
        return False

    def finish(self, show=None) -> str:
        """Last thing run_app does: stop what this started, carry out a pending
        restore, let go of the lock. Returns what it told the user ("" if nothing)."""
        if self.idle is not None:
            self.idle.stop()
        if self.rules_on:
            self.app.removeEventFilter(self)
        if self._timer is not None:
            self._timer.stop()
        if self._maint is not None:
            self._maint.stop()
        if self.demo is not None:
            self.demo.stop()
            self.demo = None
        said = ""
        if self.pending_restore is not None and self.db_file is not None:
            said = self._restore_pending(show)
        if self.lock is not None:
            self.lock.release()
        return said
