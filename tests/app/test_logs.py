"""The one logging set-up (app/logs.py): the file, the crash hooks, the masking."""

from __future__ import annotations

import faulthandler
import logging
import sys
import threading

import pytest

from app import logs


@pytest.fixture
def installed(tmp_path, monkeypatch):
    monkeypatch.setenv(logs.ENV_LOG_DIR, str(tmp_path / "logs"))
    # Python's own hooks underneath (not pytest-qt's, which fails a test on any report)
    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)
    monkeypatch.setattr(threading, "excepthook", threading.__excepthook__)
    logs.uninstall()
    crashes = []
    path = logs.install(on_crash=lambda *exc: crashes.append(exc))
    yield path, crashes
    logs.uninstall()


def _text(path):
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_the_log_goes_to_the_folder_named_by_the_environment(installed, tmp_path):
    path, _ = installed
    logging.getLogger("kasir.test").warning("the printer is out of paper")
    assert path == tmp_path / "logs" / "kasir.log"
    assert "WARNING kasir.test" in _text(path) and "out of paper" in _text(path)
    assert faulthandler.is_enabled()
    assert (tmp_path / "logs" / "crash.log").exists()


def test_a_second_install_adds_no_second_handler(installed):
    path, _ = installed
    before = list(logging.getLogger().handlers)
    assert logs.install() == path
    assert logging.getLogger().handlers == before


def test_an_uncaught_exception_is_logged_and_handed_to_the_window(installed, capsys):
    path, crashes = installed
    try:
        raise ValueError("boom sk_live_abcdef123")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    text = _text(path)
    assert "CRITICAL kasir [MainThread] Uncaught exception" in text and "ValueError: boom sk_***" in text
    assert "abcdef123" not in text
    assert len(crashes) == 1 and crashes[0][0] is ValueError
    assert "ValueError" in capsys.readouterr().err  # Python's own report still appears


def test_an_exception_in_a_thread_is_logged_with_the_thread_name(installed):
    path, crashes = installed

    def fail():
        raise KeyError("lost")

    thread = threading.Thread(target=fail, name="printer-worker")
    thread.start()
    thread.join()
    assert "Uncaught exception in thread printer-worker" in _text(path)
    assert crashes and crashes[0][0] is KeyError


def test_a_failing_crash_handler_is_logged_not_raised(tmp_path, monkeypatch):
    monkeypatch.setenv(logs.ENV_LOG_DIR, str(tmp_path))
    logs.uninstall()
    path = logs.install(on_crash=lambda *exc: 1 / 0)
    try:
        try:
            raise OSError("disk")
        except OSError:
            logs._report(*sys.exc_info())
        assert "The crash handler failed" in _text(path)
    finally:
        logs.uninstall()


def test_uninstall_puts_the_hooks_back(tmp_path, monkeypatch):
    monkeypatch.setenv(logs.ENV_LOG_DIR, str(tmp_path))
    logs.uninstall()
    hook, thread_hook = sys.excepthook, threading.excepthook
    logs.install()
    assert sys.excepthook is not hook
    logs.uninstall()
    assert sys.excepthook is hook and threading.excepthook is thread_hook


@pytest.mark.parametrize("text, masked", [
    ("secret=sk_test_kasir_sandbox_secret ok", "secret=sk_*** ok"),
    ("Bearer sk_live_9f8e7d", "Bearer sk_***"),
    ("PIN for budi: pin=4821", "PIN for budi: pin=****"),
    ("{'new_pin': '123456'}", "{'new_pin': '****'}"),
    ("kasir staff add --pin 9876", "kasir staff add --pin ****"),
    ("card 4111 1111 1111 1234 paid", "card ************1234 paid"),
    ("card 4111-1111-1111-1234", "card ************1234"),
    ("transfer from 1234567890123 BCA", "transfer from *********0123 BCA"),
])
def test_secrets_pins_and_long_numbers_are_masked(text, masked):
    assert logs.redact(text) == masked


@pytest.mark.parametrize("text", [
    "2026-12-06 20:15:50,123 invoice INV-2026-001 total 1500000",
    "key ak_test_sandbox, 42 invoices, till T1, shift 12345678",
])
def test_dates_amounts_and_key_ids_are_kept(text):
    assert logs.redact(text) == text


def test_the_filter_masks_arguments_and_tracebacks():
    record = logging.LogRecord("kasir", logging.ERROR, __file__, 1, "paid with %s", ("sk_test_x1",),
                               None)
    try:
        raise RuntimeError("account 123456789012")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    assert logs.Redact().filter(record)
    assert record.getMessage() == "paid with sk_***"
    assert "********9012" in record.exc_text and "123456789012" not in record.exc_text
