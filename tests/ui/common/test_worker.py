"""The serial DB worker: results and refusals come back on the UI thread; stale
tasks are dropped."""

from __future__ import annotations

import threading

from app.domain.errors import ConflictError


def test_result_comes_back_on_ui_thread(qtbot, worker):
    seen = []
    main = threading.get_ident()

    def task(ctx, x):
        seen.append(("ran", threading.get_ident() != main, ctx.operator))
        return x * 2

    with qtbot.waitSignal(worker.idle, timeout=3000):
        worker.submit(task, 21, on_done=lambda r: seen.append(("done", r, threading.get_ident() == main)))
    assert seen == [("ran", True, "ana"), ("done", 42, True)]


def test_refusal_goes_to_on_error(qtbot, worker):
    errors = []

    def task(ctx):
        raise ConflictError("No.")

    with qtbot.waitSignal(worker.idle, timeout=3000):
        worker.submit(task, on_done=lambda r: errors.append("done?"), on_error=errors.append)
    assert len(errors) == 1 and errors[0].message == "No."


def test_bug_without_callback_is_reported_by_signal(qtbot, worker, caplog):
    def task(ctx):
        raise RuntimeError("boom")

    with qtbot.waitSignal(worker.error, timeout=3000) as sig:
        worker.submit(task)
    assert isinstance(sig.args[0], RuntimeError)
    assert "boom" in caplog.text


def test_stale_task_with_same_key_is_dropped(qtbot, worker):
    gate = threading.Event()
    ran, done = [], []

    def block(ctx):
        gate.wait(5)

    def task(ctx, n):
        ran.append(n)
        return n

    worker.submit(block)
    for n in range(5):
        worker.submit(task, n, key="search", on_done=done.append)
    gate.set()
    qtbot.waitUntil(worker.is_idle, timeout=3000)
    assert ran == [4]  # the superseded ones never ran
    assert done == [4]
