#!/usr/bin/env python3
"""Set up Kasir in ./.venv and run it, or run the whole test suite.

    python3 dev.py app     # set up, fill a demo database, open the window
    python3 dev.py test    # set up, run every test headless

Needs only Python 3.11+ (and, for the window, the usual desktop libraries).
"""

from __future__ import annotations

import hashlib
import os
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


def run_app(extra: list[str]) -> int:
    _say("starting a local Plugipay sandbox and opening Kasir on the demo database")
    return subprocess.call([str(PY), "-m", "app.demo_launch", str(DEMO_DIR), *extra], cwd=ROOT)


def run_tests(extra: list[str]) -> int:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1")
    return subprocess.call([str(PY), "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra],
                           cwd=ROOT, env=env)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("app", "test"):
        print(__doc__)
        return 2
    setup()
    return run_app(argv[1:]) if argv[0] == "app" else run_tests(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
