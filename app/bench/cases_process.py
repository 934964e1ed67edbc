"""Benchmarks that start a process: the app to its first invoice page painted
(offscreen) on the big database, beside an empty PySide6 window; and the
peak memory (RSS) of each."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from .report import Row, missing

MARK = "first page painted after"
PROBE_MARK = "painted after"
TIMEOUT = 120.0


def _env() -> dict:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["KASIR_EXIT_AFTER_FIRST_PAGE"] = "1"
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    return env


def timed_run(cmd: list[str], mark: str, cwd: str | None = None) -> tuple[float, float, str]:
    """Start `cmd`; seconds until `mark` shows on stderr, its peak RSS in MB, and the tail
    of its output (on failure)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, env=_env(), cwd=cwd, text=True)
    seen: list[float] = []
    lines: list[str] = []

    def read():
        for line in proc.stderr:
            lines.append(line.rstrip())
            if mark in line and not seen:
                seen.append(time.perf_counter() - started)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        # wait4, not Popen.wait: it hands back this child's own peak RSS.
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            reader.join(5)
            rss = usage.ru_maxrss / 1024  # Linux: KiB
            if not seen:
                return float("nan"), rss, "\n".join(lines[-15:])
            return seen[0], rss, ""
        time.sleep(0.005)
    proc.kill()
    proc.wait()
    return float("nan"), float("nan"), "timed out\n" + "\n".join(lines[-15:])


def startup_rows(db: Path, repeat: int) -> list[Row]:
    try:
        import ui.app  # noqa: F401
        import ui.main_window  # noqa: F401
    except ImportError as err:
        return [missing("start-up to first list page", "s", f"not available yet ({err})"),
                missing("peak memory (RSS), 1M database open", "MB", "not available yet")]
    app_cmd = [sys.executable, "-c", "import sys; from app.cli import main; sys.exit(main())",
               "--db", str(db), "--till", "T1", "--operator", "bench"]
    probe_cmd = [sys.executable, "-m", "app.bench.startup_probe"]
    app_t, app_rss, base_t, base_rss = [], [], [], []
    error = ""
    for i in range(repeat + 1):  # the first run of each warms the OS file cache
        t, rss, err = timed_run(app_cmd, MARK)
        bt, brss, berr = timed_run(probe_cmd, PROBE_MARK)
        if err or berr:
            error = err or berr
            break
        if i:
            app_t.append(t), app_rss.append(rss), base_t.append(bt), base_rss.append(brss)
    if error:
        note = "did not reach the first page: " + error.splitlines()[-1][:200] if error else ""
        return [missing("start-up to first list page", "s", note),
                missing("peak memory (RSS), 1M database open", "MB", note)]
    t, b = statistics.median(app_t), statistics.median(base_t)
    return [
        Row("start-up to first list page", round(t, 3), "s", round(b, 3), target=1.0,
            baseline_what="an empty PySide6 window shown offscreen, to its first paint",
            note="wall time from process start, interpreter and imports included"),
        Row("peak memory (RSS), 1M database open", round(max(app_rss), 1), "MB",
            round(max(base_rss), 1), target=250.0,
            baseline_what="the empty PySide6 window's peak RSS",
            note="the app process, started on the 1M-invoice database"),
    ]
