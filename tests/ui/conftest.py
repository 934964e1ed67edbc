"""Qt fixtures: a DB worker on the test's store, a change bus, a main window,
and QSettings kept in the test's own folder."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QSettings, QStandardPaths  # noqa: E402

from ui.common.changes import ChangeBus  # noqa: E402
from ui.common.worker import DbWorker  # noqa: E402


@pytest.fixture(autouse=True)
def qsettings_in_tmp(tmp_path, monkeypatch):
    QStandardPaths.setTestModeEnabled(True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "config"))
    yield


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "kasir-ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def worker(ctx, qapp):
    w = DbWorker(ctx)
    yield w
    w.stop()


@pytest.fixture
def bus(qapp):
    return ChangeBus()


@pytest.fixture
def idle(qtbot, worker):
    """`idle()`: wait until every queued DB task has delivered its result."""
    def wait(timeout=5000):
        qtbot.wait(1)
        qtbot.waitUntil(worker.is_idle, timeout=timeout)
    return wait


@pytest.fixture
def window(qtbot, worker, bus, settings):
    from ui.main_window import MainWindow

    win = MainWindow(worker, bus, operator="ana", till="T1", db_label="test.db",
                     settings=settings)
    qtbot.addWidget(win)
    with qtbot.waitActive(win):  # shortcuts need an active window with the focus in it
        win.show()
        win.activateWindow()
    win.start()
    with qtbot.waitSignal(win.invoice_list.model.loaded, timeout=5000):
        pass
    return win


def pytest_collection_modifyitems(config, items):
    # The offscreen platform says it cannot propagate size hints whenever a
    # top-level window is shown: a fact of the test platform, not of the app.
    for item in items:
        if "tests/ui/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore("propagateSizeHints"))


class Keys:
    """Key events to whatever has the focus, as a person at the till would type.

    The offscreen platform drops the active window when a layout's size hints
    change; a real window manager does not. Each key re-activates the top
    window first so that shortcuts behave as they do on a desktop."""

    def __init__(self, qtbot, window):
        self.qtbot, self.window = qtbot, window

    def top(self):
        from PySide6.QtWidgets import QApplication
        return QApplication.activeModalWidget() or self.window

    def focused(self):
        top = self.top()
        return top.focusWidget() or top

    def _activate(self):
        top = self.top()
        if not top.isActiveWindow():
            top.activateWindow()
            self.qtbot.waitUntil(top.isActiveWindow, timeout=2000)

    def focus(self, widget):
        self._activate()
        widget.setFocus()

    def press(self, key, mods=None):
        from PySide6.QtCore import Qt
        self._activate()
        self.qtbot.keyClick(self.focused(), key, mods or Qt.KeyboardModifier.NoModifier)

    def type(self, text):
        self._activate()
        self.qtbot.keyClicks(self.focused(), text)


@pytest.fixture
def keys(qtbot, window):
    return Keys(qtbot, window)


# ── printing, sync and keyring for the wired-in features ─────────────
@pytest.fixture
def loopback():
    """A network slip printer on 127.0.0.1 (answers status queries)."""
    from tests.printer_emulators import LoopbackPrinter

    with LoopbackPrinter() as printer:
        yield printer


@pytest.fixture
def printer_at(ctx, loopback):
    """This till's printer settings point at the loopback printer."""
    from app.printing.config import PrinterConfig, save_config

    def setup(**kw):
        return save_config(ctx, PrinterConfig(uri=loopback.uri, profile="TM-T20II", columns=48,
                                              **kw))
    return setup


@pytest.fixture
def printing(qapp, worker):
    from ui.printing.queue import PrintQueue

    q = PrintQueue(worker, retry_ms=100)
    q.start(worker.ctx)
    yield q
    q.stop()


@pytest.fixture
def sync_bridge(qapp, bus, store, memory_keyring):
    from ui.sync.bridge import SyncBridge

    bridge = SyncBridge(bus, till="T1", interval=0.3, offline_interval=0.5)
    bridge.attach(store)
    yield bridge
    bridge.shutdown()


@pytest.fixture
def full_window(qtbot, worker, bus, settings, printing, sync_bridge):
    """The main window as `kasir` builds it: with the print queue and sync."""
    from ui.main_window import MainWindow

    win = MainWindow(worker, bus, operator="ana", till="T1", db_label="test.db",
                     settings=settings, printing=printing, sync=sync_bridge)
    qtbot.addWidget(win)
    with qtbot.waitActive(win):
        win.show()
        win.activateWindow()
    win.start()
    with qtbot.waitSignal(win.invoice_list.model.loaded, timeout=5000):
        pass
    return win


@pytest.fixture
def fast_kdf(monkeypatch):
    """PIN hashes with a cheap cost: the rules are the same, the machine works less."""
    from app.services import pins

    monkeypatch.setattr(pins, "SCRYPT_N", 2 ** 8)


@pytest.fixture
def wired(qtbot, qapp, worker, bus, settings, db_path, fast_kdf):
    """A main window with the trust wiring attached (lock, approvals, checks)."""
    from ui.main_window import MainWindow
    from ui.setup.wiring import TrustWiring

    win = MainWindow(worker, bus, operator="ana", till="T1", db_label="test.db",
                     settings=settings)
    qtbot.addWidget(win)
    trust = TrustWiring(qapp, db_path, settings=settings)
    trust.attach(win, worker, bus)
    with qtbot.waitActive(win):
        win.show()
        win.activateWindow()
    yield trust, win
    trust.finish(show=lambda *_a: None)
