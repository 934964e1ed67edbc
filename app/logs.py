"""One logging set-up for the window and the command line.

`install()` sends every logger's records to a rotating file in the user's log
folder (platformdirs, or $KASIR_LOG_DIR), turns on `faulthandler` into a file
beside it (a hard crash in Qt or a C extension still leaves a trace), and logs
any uncaught exception of any thread before Python's own report. A packaged
windowed app has no console: without this every warning is lost.

No secret reaches the file: `Redact` masks Plugipay secret keys (`sk_...`),
PINs and long digit runs (card and account numbers keep their last 4 digits)
in the message, its arguments and the traceback, before any handler writes.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import re
import sys
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Callable

from platformdirs import user_log_dir

ENV_LOG_DIR = "KASIR_LOG_DIR"
LOG_FILE = "kasir.log"
CRASH_FILE = "crash.log"  # faulthandler's plain-text dumps
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"

OnCrash = Callable[[type, BaseException, object], None]

# Plugipay secret keys: sk_test_..., sk_live_... (app/sync/credentials.py, app/sandbox).
_SECRET_KEY = re.compile(r"\bsk_[A-Za-z0-9_\-]+")
# A PIN named as such: "pin=1234", "PIN: 1234", "--pin 1234", "new_pin': '1234'".
_PIN = re.compile(r"(?i)(\b[a-z_]*pin['\"]?\s*[:=]?\s*['\"]?)(\d{4,8})\b")
# Card numbers written in groups (4111 1111 1111 1111, 4111-1111-...).
_GROUPED = re.compile(r"(?<![\d-])\d{4}(?:[ -]\d{4}){2,3}(?:[ -]\d{1,4})?(?![\d-])")
# Account and card numbers written as one run of 9 or more digits.
_RUN = re.compile(r"(?<!\d)\d{9,}(?!\d)")


def _last4(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "*" * (len(digits) - 4) + digits[-4:]


def redact(text: str) -> str:
    """`text` with secret keys, PINs and card/account numbers masked."""
    text = _SECRET_KEY.sub("sk_***", text)
    text = _PIN.sub(lambda m: m.group(1) + "****", text)
    text = _GROUPED.sub(_last4, text)
    return _RUN.sub(_last4, text)


class Redact(logging.Filter):
    """Masks what `redact` masks in a record's message and traceback (a filter on
    the handler, so records from every library's logger pass through it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def log_dir() -> Path:
    """Where the log files go: $KASIR_LOG_DIR, else the user's log folder."""
    return Path(os.environ.get(ENV_LOG_DIR) or user_log_dir("kasir", appauthor=False))


class _Installed:
    """What install() changed, so that uninstall() can put it back (tests)."""

    def __init__(self, handler, crash_file, excepthook, thread_hook):
        self.handler, self.crash_file = handler, crash_file
        self.excepthook, self.thread_hook = excepthook, thread_hook
        self.on_crash: OnCrash | None = None


_state: _Installed | None = None


def _report(exc_type, exc, tb, thread_name: str | None = None) -> None:
    where = f" in thread {thread_name}" if thread_name else ""
    logging.getLogger("kasir").critical("Uncaught exception%s", where, exc_info=(exc_type, exc, tb))
    on_crash = _state.on_crash if _state else None
    if on_crash is not None:
        try:
            on_crash(exc_type, exc, tb)
        except Exception:  # the crash report must not crash: log and go on
            logging.getLogger("kasir").exception("The crash handler failed")


def _excepthook(exc_type, exc, tb) -> None:
    if not issubclass(exc_type, KeyboardInterrupt):
        _report(exc_type, exc, tb)
    if _state is not None:
        _state.excepthook(exc_type, exc, tb)  # Python's own report (stderr) as before


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is not SystemExit:
        _report(args.exc_type, args.exc_value, args.exc_traceback,
                args.thread.name if args.thread else None)
    if _state is not None:
        _state.thread_hook(args)


def install(on_crash: OnCrash | None = None, *, level: int = logging.INFO) -> Path:
    """Set logging up once per process (a second call only changes `on_crash`).
    `on_crash(exc_type, exc, tb)` runs after an uncaught exception is logged: the
    window shows a plain message there. Returns the log file's path."""
    global _state
    folder = log_dir()
    if _state is None:
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(folder / LOG_FILE, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                      encoding="utf-8", delay=True)
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(Redact())
        root = logging.getLogger()
        root.addHandler(handler)
        if root.level > level or root.level == logging.NOTSET:
            root.setLevel(level)
        logging.captureWarnings(True)
        crash_file = open(folder / CRASH_FILE, "a", encoding="utf-8")  # kept open: faulthandler writes on a crash
        faulthandler.enable(file=crash_file, all_threads=True)
        _state = _Installed(handler, crash_file, sys.excepthook, threading.excepthook)
        sys.excepthook = _excepthook
        threading.excepthook = _thread_hook
    _state.on_crash = on_crash
    return Path(_state.handler.baseFilename)


def uninstall() -> None:
    """Undo install() (tests; a process that ends needs no clean-up)."""
    global _state
    if _state is None:
        return
    state, _state = _state, None
    logging.getLogger().removeHandler(state.handler)
    state.handler.close()
    logging.captureWarnings(False)
    faulthandler.disable()
    state.crash_file.close()
    if sys.excepthook is _excepthook:
        sys.excepthook = state.excepthook
    if threading.excepthook is _thread_hook:
        threading.excepthook = state.thread_hook
