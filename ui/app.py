"""Start the desktop app: `run_app(db, operator, till, argv)` (called by `kasir`)."""

from __future__ import annotations

import os
import sys
import time


def open_context(_ctx, db, operator: str, till: str, worker):  # worker thread
    from app.services.context import Context, open_store

    ctx = Context(open_store(db), operator=operator, till=till)
    worker.ctx = ctx  # the next task on this serial worker sees it
    return ctx


def run_app(db: str | None, operator: str, till: str, argv: list[str]) -> int:
    started = time.perf_counter()
    from PySide6.QtWidgets import QApplication, QMessageBox

    from .changes import ChangeBus
    from .main_window import MainWindow
    from .worker import DbWorker

    app = QApplication.instance() or QApplication(list(argv))
    app.setOrganizationName("Kasir")
    app.setApplicationName("Kasir")
    worker = DbWorker()
    bus = ChangeBus()
    window = MainWindow(worker, bus, operator=operator, till=till, db_label=str(db or ""))
    holder: dict = {}

    def ready(ctx) -> None:
        holder["ctx"] = ctx
        window.start()

    def failed(exc) -> None:
        QMessageBox.critical(window, "Kasir cannot open its database",
                             getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}")
        app.quit()

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
        worker.stop()
        if "ctx" in holder:
            holder["ctx"].store.dispose()
