"""One serial worker thread for database work; results come back by signal.

The UI thread never runs a query. A task is `fn(ctx, *args)`; its result (or
its KasirError) is handed to a callback on the UI thread. A task submitted
with a `key` supersedes an earlier task with the same key: if the old one has
not started it is dropped, and if it has, its result is ignored.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal

from ui.common.qtcompat import emit

log = logging.getLogger(__name__)


@dataclass
class Task:
    fn: Callable
    args: tuple
    on_done: Callable[[Any], None] | None
    on_error: Callable[[Exception], None] | None
    key: str | None
    token: int
    cancelled: bool = field(default=False)


class _Thread(QThread):
    def __init__(self, owner: "DbWorker"):
        super().__init__()
        self.owner = owner

    def run(self) -> None:  # worker thread
        owner = self.owner
        while True:
            task = owner._queue.get()
            if task is None:
                return
            result = error = None
            if not task.cancelled:
                try:
                    result = task.fn(owner.ctx, *task.args)
                except Exception as exc:  # delivered to the UI, which says what went wrong
                    if not hasattr(exc, "code"):
                        log.exception("database task %s failed",
                                      getattr(task.fn, "__name__", task.fn))
                    error = exc
            # Python objects travel through a queue, and the signal carries nothing:
            # PySide6 miscounts references of objects queued across threads.
            owner._results.put((task, result, error))
            emit(owner.ready)


class DbWorker(QObject):
    """`worker.submit(fn, *args, on_done=..., on_error=..., key=...)`."""

    ready = Signal()  # a result waits in _results (emitted on the worker thread)
    idle = Signal()
    error = Signal(object)  # errors of tasks that had no on_error callback

    def __init__(self, ctx=None, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.closing = threading.Event()  # set by stop(): long tasks give up early
        self._queue: queue.Queue = queue.Queue()
        self._results: queue.Queue = queue.Queue()
        self._tokens = itertools.count(1)
        self._latest: dict[str, Task] = {}
        self._outstanding = 0
        self.ready.connect(self._drain, Qt.ConnectionType.QueuedConnection)
        self._thread = _Thread(self)
        self._thread.start()

    def submit(self, fn: Callable, *args, on_done=None, on_error=None,
               key: str | None = None) -> Task:
        task = Task(fn, args, on_done, on_error, key, next(self._tokens))
        if key is not None:
            old = self._latest.get(key)
            if old is not None:
                old.cancelled = True  # skipped if it has not started yet
            self._latest[key] = task
        self._outstanding += 1
        self._queue.put(task)
        return task

    def set_context(self, ctx) -> None:
        """Run on the worker thread (as a task) or before any task is queued."""
        self.ctx = ctx

    def is_idle(self) -> bool:
        return self._outstanding == 0

    def _stale(self, task: Task) -> bool:
        return task.cancelled or (task.key is not None and self._latest.get(task.key) is not task)

    def _drain(self) -> None:  # UI thread
        while True:
            try:
                task, result, error = self._results.get_nowait()
            except queue.Empty:
                return
            self._deliver(task, result, error)

    def _deliver(self, task: Task, result, error) -> None:  # UI thread
        self._outstanding -= 1
        try:
            if not self._stale(task):
                if error is None:
                    if task.on_done:
                        task.on_done(result)
                elif task.on_error:
                    task.on_error(error)
                else:
                    emit(self.error, error)
        finally:
            if self._outstanding == 0:
                emit(self.idle)

    def stop(self) -> None:
        """Finish the task at hand and end the thread. Long tasks watch `closing`
        and give up early (a backup, the history check); the thread is waited for,
        never destroyed while it runs."""
        self.closing.set()
        if self._thread.isRunning():
            self._queue.put(None)
            self._thread.wait()
