"""`run_app`: opens the store off the UI thread, paints the first page, exits cleanly."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.services.context import Context, open_store
from app.services.queries import list_invoices


def test_run_app_paints_first_page_and_exits(qapp, tmp_path, monkeypatch, capsys):
    from ui.app import run_app

    db = tmp_path / "fresh.db"
    monkeypatch.setenv("KASIR_EXIT_AFTER_FIRST_PAGE", "1")
    safety = QTimer(singleShot=True, interval=20_000)  # a safety net, never the normal path
    safety.timeout.connect(QApplication.quit)
    safety.start()
    try:
        assert run_app(str(db), "ana", "T1", ["kasir"]) == 0
    finally:
        safety.stop()
    assert "first page painted after" in capsys.readouterr().err
    store = open_store(db)  # migrated by the app
    try:
        assert list_invoices(Context(store, "ana")).items == ()
    finally:
        store.dispose()
