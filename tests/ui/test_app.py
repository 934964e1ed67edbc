"""`run_app` (what `kasir` with no command runs): opens the store off the UI
thread, paints the first page and exits cleanly. In a child process, as a
user would start it, so that its QApplication.quit() touches no other test."""

from __future__ import annotations

import os
import subprocess
import sys

from app.services.context import Context, open_store
from app.services.queries import list_invoices

CODE = "import sys; from ui.app import run_app; sys.exit(run_app(sys.argv[1], 'ana', 'T1', ['kasir']))"


def test_run_app_paints_first_page_and_exits(tmp_path):
    db = tmp_path / "fresh.db"
    env = {**os.environ, "KASIR_EXIT_AFTER_FIRST_PAGE": "1", "QT_QPA_PLATFORM": "offscreen",
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    done = subprocess.run([sys.executable, "-c", CODE, str(db)], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "first page painted after" in done.stderr
    store = open_store(db)  # migrated by the app
    try:
        assert list_invoices(Context(store, "ana")).items == ()
    finally:
        store.dispose()
