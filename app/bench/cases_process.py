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
GRACE = 10.0  # seconds allowed after the first paint for the app to quit
PEAK = "kasir-bench peak rss kB:"
# Peak RSS is read by the process itself at exit from /proc/self/status VmHWM (the
# high-water mark of its own memory since exec): wait4's ru_maxrss would count the
# benchmark's own memory, copied into the child by fork before exec.
REPORT_PEAK = ("import atexit, sys\n"
               "def _peak():\n"
               "    try:\n"
               "        for l in open('/proc/self/status'):\n"
               "            if l.startswith('VmHWM:'):\n"
               f"                print('{PEAK}', l.split()[1], file=sys.stderr, flush=True)\n"
               "    except OSError:\n"
               "        pass\n"
               "atexit.register(_peak)\n")


def _env() -> dict:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["KASIR_EXIT_AFTER_FIRST_PAGE"] = "1"
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    return env


def _vm_hwm(pid: int) -> float | None:
    """The process's peak RSS so far (MiB), from /proc; None where there is no /proc."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def timed_run(cmd: list[str], mark: str, cwd: str | None = None,
              grace: float = GRACE) -> tuple[float, float, str]:
    """Start `cmd`; seconds until `mark` shows on stderr, its peak RSS (MiB) at that
    moment, and the tail of its output (on failure). Work the app starts after its
    first page (the start-up check, the daily backup) is not waited for beyond
    `grace` seconds: the process is then stopped."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, env=_env(), cwd=cwd, text=True)
    seen: list[float] = []
    peak_at_mark: list[float | None] = []
    lines: list[str] = []

    def read():
        for line in proc.stderr:
            lines.append(line.rstrip())
            if mark in line and not seen:
                seen.append(time.perf_counter() - started)
                peak_at_mark.append(_vm_hwm(proc.pid))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        # wait4, not Popen.wait: it hands back this child's resource usage.
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            reader.join(5)
            peaks = [int(l.split(PEAK, 1)[1]) / 1024 for l in lines if PEAK in l]
            rss = (peak_at_mark[0] if peak_at_mark and peak_at_mark[0] else
                   peaks[-1] if peaks else usage.ru_maxrss / 1024)
            if not seen:
                return float("nan"), rss, "\n".join(lines[-15:])
            return seen[0], rss, ""
        if seen and time.perf_counter() - started > seen[0] + grace:
            break
        time.sleep(0.005)
    if seen:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        return seen[0], peak_at_mark[0] if peak_at_mark else float("nan"), ""
    proc.kill()
    proc.wait()
    return float("nan"), float("nan"), "timed out\n" + "\n".join(lines[-15:])


def startup_rows(db: Path, repeat: int) -> list[Row]:
    app_cmd = [sys.executable, "-c", REPORT_PEAK + "from app.cli import main; sys.exit(main())",
               "--db", str(db), "--till", "T1", "--operator", "bench"]
    probe_cmd = [sys.executable, "-c", REPORT_PEAK + "from ui.setup.probe import main; "
                 "sys.exit(main())"]
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
            note="the app process at its first page on the 1M-invoice database (the start-up "
                 "check and daily backup the app begins after that are not included)"),
    ]
