"""Start the desktop app: `run_app(db, operator, till, argv)` (called by `kasir`)."""

from __future__ import annotations

import os
import sys
import time

from app import logs

BACKGROUND_AFTER_MS = 3000  # printing and sync start at the latest this long after the database opens


def open_context(_ctx, db, operator: str, till: str, worker):  # worker thread
    from app.services.context import Context, open_store

    ctx = Context(open_store(db), operator=operator, till=till)
    worker.ctx = ctx  # the next task on this serial worker sees it
    return ctx


def run_app(db: str | None, operator: str, till: str, argv: list[str]) -> int:
    started = time.perf_counter()
    # Imports here, after `started`: the start-up benchmark counts them, and `kasir`
    # imports this module before it knows the window is wanted.
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ui.common.changes import ChangeBus
    from ui.main_window import MainWindow
    from ui.printing.queue import PrintQueue
    from ui.sync.bridge import SyncBridge
    from ui.common.qsettings import app_settings, name_application
    from ui.common.worker import DbWorker

    app = QApplication.instance() or QApplication(list(argv))
    name_application(app)
    from ui.common.crash import CrashNotice

    log_path = logs.install()  # the traceback goes to the log file ...
    logs.install(on_crash=CrashNotice(log_path, app))  # ... and the cashier sees a plain message
    from app.i18n import _

    from ui.common.language import (apply_at_startup, install_qt_translator, read_choice,
                                    sync_from_database)

    qsettings = app_settings()
    apply_at_startup(qsettings)  # before the first widget: every screen is built in it
    install_qt_translator(app)
    from ui.setup.wiring import TrustWiring

    trust = TrustWiring(app, db, qsettings)  # instance lock, checks, backups, sign-in, first run
    if not trust.acquire_lock():
        return 1  # another Kasir has this database open: it said so
    till = trust.resolve_till(till)
    worker = DbWorker()
    bus = ChangeBus()
    printing = PrintQueue(worker)  # slips print on a worker of their own
    sync = SyncBridge(bus, till=till)  # Plugipay sync on its own thread
    window = MainWindow(worker, bus, operator=operator, till=till, db_label=str(db or ""),
                        settings=qsettings, printing=printing, sync=sync)
    holder: dict = {}
    trust.attach(window, worker, bus)
    trust.plugipay_changed.connect(lambda _mode: sync.start_if_connected())

    def ready(ctx) -> None:
        holder["ctx"] = ctx
        # The database holds the shop's choice; this computer's copy may be stale.
        worker.submit(read_choice, on_error=lambda _e: None, on_done=lambda choice:
                      sync_from_database(qsettings, choice, window.retranslate))
        trust.ready(ctx, window.start)  # first-run wizard or lock screen, then the list

        def background() -> None:
            # Off the path to the first page: the print queue (python-escpos) and
            # sync (the SDK, the keyring's backends) load and start once the list
            # is painted, or after BACKGROUND_AFTER_MS behind a wizard or lock screen.
            if holder.get("background"):
                return
            holder["background"] = True
            printing.start(ctx)
            sync.attach(ctx.store)
            # Credentials from the environment (the demo launcher) or the OS keyring.
            sync.start_if_connected()

        window.first_page_shown.connect(background)
        QTimer.singleShot(BACKGROUND_AFTER_MS, background)

    def failed(exc) -> None:
        def give_up() -> None:
            QMessageBox.critical(window, _("Kasir cannot open its database"),
                                 getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}")
            app.quit()
        trust.open_failed(exc, retry=lambda: worker.submit(
            open_context, db, operator, till, worker, on_done=ready, on_error=failed),
            give_up=give_up)  # a damaged file: offers its latest good backup

    if os.environ.get("KASIR_EXIT_AFTER_FIRST_PAGE"):
        # For start-up benchmarks: report the time to the first page painted, then quit.
        def painted() -> None:
            app.processEvents()
            print(f"first page painted after {time.perf_counter() - started:.3f} s",
                  file=sys.stderr)
            app.quit()
        window.first_page_shown.connect(painted)

    worker.submit(open_context, db, operator, till, worker, on_done=ready, on_error=failed)
    window.show()
    try:
        return app.exec()
    finally:
        window.close()  # remembers the geometry and filters
        window.deleteLater()
        sync.shutdown()
        printing.stop()
        worker.stop()
        if "ctx" in holder:
            holder["ctx"].store.dispose()
        trust.finish()  # last: a restore asked for in Settings runs here; lock released
