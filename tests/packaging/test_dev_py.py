"""dev.py: one sentence naming the Debian package when Qt's system libraries are
missing, instead of a stack trace from `import PySide6.QtGui`."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dev():
    spec = importlib.util.spec_from_file_location("kasir_dev_script", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("error,lib,package", [
    ("ImportError: libEGL.so.1: cannot open shared object file: No such file or directory",
     "libEGL.so.1", "libegl1"),
    ("ImportError: libGL.so.1: cannot open shared object file: No such file or directory",
     "libGL.so.1", "libgl1"),
    ("ImportError: libxkbcommon.so.0: cannot open shared object file: No such file or directory",
     "libxkbcommon.so.0", "libxkbcommon0"),
    ("ImportError: libfontconfig.so.1: cannot open shared object file: No such file or directory",
     "libfontconfig.so.1", "libfontconfig1"),
    ("ImportError: /tmp/x/libglib-2.0.so.0: file too short", "libglib-2.0.so.0", "libglib2.0-0"),
    ("ImportError: libdbus-1.so.3: cannot open shared object file: No such file or directory",
     "libdbus-1.so.3", "libdbus-1-3"),
])
def test_missing_library_named_with_its_debian_package(dev, error, lib, package):
    message = dev.qt_libraries_message("Traceback (most recent call last):\n  ...\n" + error)
    assert f"system library {lib}:" in message
    assert f"sudo apt-get install {package}`" in message
    assert message.count(". ") == 0 and message.endswith(").")  # one sentence
    assert "Traceback" not in message


def test_an_unknown_library_is_still_named(dev):
    message = dev.qt_libraries_message(
        "ImportError: libfoo.so.3: cannot open shared object file: No such file or directory")
    assert "libfoo.so.3" in message and "apt-file search libfoo.so.3" in message


def test_other_errors_are_not_dressed_up(dev):
    assert dev.qt_libraries_message("ModuleNotFoundError: No module named 'PySide6'") is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the loader trick is Linux's")
def test_the_probe_names_a_library_the_loader_cannot_use(dev, tmp_path, monkeypatch, capsys):
    """A broken libxkbcommon.so.0 first on the loader's path stands in for a missing one."""
    (tmp_path / "libxkbcommon.so.0").write_bytes(b"")
    monkeypatch.setattr(dev, "PY", Path(sys.executable))
    monkeypatch.setenv("LD_LIBRARY_PATH", str(tmp_path))
    with pytest.raises(SystemExit) as stop:
        dev.check_qt()
    assert str(stop.value).startswith("Qt cannot start because this computer lacks the system "
                                      "library libxkbcommon.so.0: install it with `sudo apt-get "
                                      "install libxkbcommon0`")


def test_the_probe_passes_when_qt_loads(dev, monkeypatch):
    monkeypatch.setattr(dev, "PY", Path(sys.executable))
    monkeypatch.delenv("LD_LIBRARY_PATH", raising=False)
    dev.check_qt()  # no SystemExit
