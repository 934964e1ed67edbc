"""Plugipay sync for the app: runs `app.sync.runner.SyncRunner` (its own
thread) and brings its reports to the UI thread.

The runner's callbacks run on the sync thread; they only put the status in a
queue and emit a signal that carries nothing (PySide6 miscounts references of
objects queued across threads, see worker.py). On the UI thread the bridge
keeps `status`, announces what changed on the bus (so lists and the detail
refresh) and emits `status_changed`. Keyring look-ups and "Test connection"
run on a small worker of their own: a keyring may ask the desktop to unlock.
"""

from __future__ import annotations

import logging
import queue
import threading

from PySide6.QtCore import QObject, Qt, Signal

from app.domain.errors import KasirError
from app.i18n import _

from ui.common.changes import Change
from ui.common.qtcompat import emit
from ui.common.worker import DbWorker

log = logging.getLogger(__name__)


# ── off-thread helpers (plain functions; the first argument is the unused ctx) ──
def load_credentials(_ctx):
    # the sync machinery (SDK, keyring) loads off the UI thread, after the first paint
    from app.sync import credentials

    return credentials.load()


def save_credentials(_ctx, key_id: str, secret: str, base_url: str):
    # the sync machinery (SDK, keyring) loads off the UI thread, after the first paint
    from app.sync import credentials

    return credentials.save(key_id, secret, base_url)


def forget_credentials(_ctx) -> bool:
    # the sync machinery (SDK, keyring) loads off the UI thread, after the first paint
    from app.sync import credentials

    return credentials.forget()


def test_connection(_ctx, key_id: str, secret: str, base_url: str, timeout: float = 10.0) -> str:
    """One signed read from Plugipay with these credentials; a sentence, or a KasirError."""
    # the sync machinery (SDK, keyring) loads off the UI thread, after the first paint
    from app.sync import credentials
    from app.sync.gateway import AuthFailed, Gateway, GatewayError

    key_id, secret, base_url = credentials.validate(key_id, secret, base_url)
    gw = Gateway(credentials.Credentials(key_id, secret, base_url, "form"), timeout=timeout)
    try:
        gw.list_events(limit=1)
    except AuthFailed as err:
        raise credentials.CredentialsError(err.message) from None
    except GatewayError as err:
        raise KasirError(err.message) from None
    finally:
        gw.close()
    return _("Connected: {address} accepted key {key_id}.", address=base_url, key_id=key_id)


test_connection.__test__ = False  # not a pytest test


class SyncBridge(QObject):
    """`bridge.attach(store)`, then `start_if_connected()`; `status_changed`
    after every report (`bridge.status` is the latest `SyncStatus` or None)."""

    status_changed = Signal()
    connection_changed = Signal()  # started or stopped
    drain_changed = Signal()  # `drain` moved: a push is working through the queue
    _ready = Signal()  # emitted on the sync thread: something waits in _inbox

    def __init__(self, bus, *, till: str = "T1", interval: float = 30.0,
                 offline_interval: float = 60.0, parent=None):
        super().__init__(parent)
        self.bus = bus
        self.till = till
        self.interval, self.offline_interval = interval, offline_interval
        self.store = None
        self.runner = None
        self.status = None
        self._settled = None  # the last status of a finished pass
        self.progress = ""
        self.drain = None  # the latest DrainProgress of a push, or None
        self.passes = 0
        self.net = DbWorker()  # keyring and "Test connection"
        self._inbox: queue.Queue = queue.Queue()
        self._ready.connect(self._drain, Qt.ConnectionType.QueuedConnection)
        bus.changed.connect(self._on_changed)

    # -- life (UI thread)
    def attach(self, store) -> None:
        self.store = store

    @property
    def running(self) -> bool:
        return self.runner is not None and self.runner.running

    def start_if_connected(self) -> None:
        """Start when credentials are there (environment or keyring)."""
        self.net.submit(load_credentials, key="creds",
                        on_done=lambda creds: self.start() if creds else self._not_connected(),
                        on_error=lambda _e: self._not_connected())

    def start(self) -> None:
        # the sync machinery (SDK, keyring) loads off the UI thread, after the first paint
        from app.sync.runner import SyncRunner

        if self.store is None:
            return
        if self.running:
            self.wake()
            return
        self.runner = SyncRunner(self.store, till=self.till, interval=self.interval,
                                 offline_interval=self.offline_interval,
                                 on_status=self._from_thread_status,
                                 on_progress=self._from_thread_progress,
                                 on_drain=self._from_thread_drain)
        self.runner.start()
        emit(self.connection_changed)

    def wake(self) -> None:
        if self.runner is not None:
            self.runner.wake()

    def stop(self, wait: bool = False) -> None:
        """Stop syncing; without `wait` the thread finishes its pass in the background."""
        runner, self.runner = self.runner, None
        if runner is not None:
            if wait:
                runner.stop()
            else:
                threading.Thread(target=runner.stop, name="kasir-sync-stop", daemon=True).start()
            emit(self.connection_changed)

    def shutdown(self) -> None:
        self.stop(wait=True)
        self.net.stop()

    def _not_connected(self) -> None:
        # the sync machinery (SDK, keyring) loads off the UI thread, after the first paint
        from app.sync.runner import SyncStatus

        self._apply(SyncStatus("not_connected", False, self.status.pending if self.status else 0,
                               self.status.conflicts if self.status else 0,
                               _("Not connected to Plugipay: set the key in Settings.")))

    # -- from the sync thread
    def _from_thread_status(self, status) -> None:
        self._inbox.put(("status", status))
        emit(self._ready)

    def _from_thread_progress(self, text: str) -> None:
        self._inbox.put(("progress", text))
        emit(self._ready)

    def _from_thread_drain(self, progress) -> None:
        self._inbox.put(("drain", progress))
        emit(self._ready)

    # -- back on the UI thread
    def _drain(self) -> None:
        while True:
            try:
                kind, value = self._inbox.get_nowait()
            except queue.Empty:
                return
            if kind == "progress":
                self.progress = value
            elif kind == "drain":
                self.drain = value
                emit(self.drain_changed)
            else:
                self._apply(value)

    def _apply(self, status) -> None:
        before = self.status
        self.status = status
        if status.state != "syncing":
            self._settled = status
            self.drain = None
        report = status.last_report or {}
        if report:
            self.passes += 1
        moved = bool(status.changed_invoices) or any(
            report.get(k) for k in ("pushed", "refused", "imported", "updated", "reminders"))
        if before is not None and (before.pending != status.pending
                                   or before.conflicts != status.conflicts):
            moved = True
        if moved and status.state != "syncing":
            self.bus.announce(Change.INVOICES | Change.OUTBOX, self)
        emit(self.status_changed)

    def _on_changed(self, flags: int, source) -> None:
        # A sale or an email was queued: send it now rather than at the next tick.
        if source is not self and flags & Change.OUTBOX:
            self.wake()

    # -- for the screens
    def describe(self) -> str:
        """One line for the status bar."""
        st = self.status
        if st is None:
            return _("Sync: starting…") if self.running else _("Sync: not connected")
        if st.state == "syncing":
            if not st.pending and self._settled is not None:
                st = self._settled  # a routine check: keep showing how things stand
            else:
                return _("Sync: {message}", message=st.message or _("working…"))
        if st.state == "not_connected":
            return _("Sync: not connected")
        if st.state == "offline":
            return _("Sync: offline, will retry")
        if st.state == "error":
            return _("Sync: problem — {message}", message=st.message.split("\n")[0][:80])
        return _("Sync: up to date") if not st.pending else \
            _("Sync: {count} to send", count=st.pending)
