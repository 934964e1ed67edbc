"""Sync in the background, for the app (Qt-free: the UI wraps the callbacks in
signals). One thread runs passes every `interval` seconds, sooner when woken
(after a sale) and later when Plugipay asked to wait or cannot be reached.

    runner = SyncRunner(store, till="T1", on_status=print)
    runner.start(); runner.wake(); ...; runner.stop()

Callbacks run on the sync thread and get a `SyncStatus` (a frozen dataclass).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Callable

from app.i18n import _, _n

from .engine import PassReport, SyncEngine, queue_counts
from .progress import DrainProgress

log = logging.getLogger("kasir.sync")


@dataclass(frozen=True)
class SyncStatus:
    state: str            # idle | syncing | offline | not_connected | error
    online: bool
    pending: int
    conflicts: int
    message: str = ""
    last_report: dict | None = None
    changed_invoices: frozenset = field(default_factory=frozenset)


class SyncRunner:
    def __init__(self, store, *, till: str = "T1", interval: float = 30.0,
                 offline_interval: float = 60.0, engine: SyncEngine | None = None,
                 on_status: Callable[[SyncStatus], None] | None = None,
                 on_progress: Callable[[str], None] | None = None,
                 on_drain: Callable[[DrainProgress], None] | None = None):
        """`on_drain(DrainProgress)`: how far a push is through the queue."""
        self.engine = engine or SyncEngine(store, till=till)
        if on_drain is not None:
            self.engine.on_progress = on_drain
        self.interval = interval
        self.offline_interval = offline_interval
        self.on_status = on_status
        self.on_progress = on_progress
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last: SyncStatus | None = None
        self.passes = 0

    # ── control (any thread) ──────────────────────────────────────
    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="kasir-sync", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Sync now (a sale was made, or the user pressed "Sync")."""
        self._wake.set()

    def stop(self, timeout: float = 20.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self.engine.close()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # ── the thread ────────────────────────────────────────────────
    def _emit(self, status: SyncStatus) -> None:
        self.last = status
        if self.on_status is not None:
            try:
                self.on_status(status)
            except Exception:  # a UI callback bug must not stop sync
                log.exception("sync status callback failed")

    def _progress(self, text: str) -> None:
        if self.on_progress is not None:
            try:
                self.on_progress(text)
            except Exception:
                log.exception("sync progress callback failed")

    def run_once(self) -> PassReport:
        pending, conflicts = queue_counts(self.engine.ctx)
        online = bool(self.last and self.last.online)
        self._emit(SyncStatus("syncing", online, pending, conflicts,
                              _n("Sending {n} change...", "Sending {n} changes...", pending) if pending
                              else _("Checking Plugipay...")))
        self._progress("push")
        try:
            report = self.engine.run_pass()
        except Exception as exc:  # a bug: keep the thread alive, say so
            log.exception("sync pass failed")
            pending, conflicts = queue_counts(self.engine.ctx)
            self._emit(SyncStatus("error", False, pending, conflicts,
                                  _("Sync failed: {error}", error=exc)))
            raise
        self.passes += 1
        if not report.connected:
            state = "not_connected"
        elif report.online:
            state = "idle" if not report.error else "error"
        else:
            state = "offline"
        self._emit(SyncStatus(state, report.online, report.pending, report.conflicts,
                              report.error or report.summary().splitlines()[0],
                              report.to_json(), frozenset(report.changed_invoices)))
        return report

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                report = self.run_once()
                delay = self.interval
                if report.retry_after:
                    delay = max(report.retry_after, 1.0)
                elif not report.online:
                    delay = self.offline_interval
                elif report.pending and not report.error:
                    delay = min(self.interval, 2.0)  # more to send: keep going
            except Exception:
                delay = self.offline_interval
            self._wake.wait(delay)
