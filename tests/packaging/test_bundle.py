"""Build the PyInstaller bundle and use it the way a shop would (slow, opt-in).

    KASIR_BUILD_BUNDLE=1 python -m pytest tests/packaging -q

builds with packaging/build.py into a temporary folder (about 2.5 minutes on two
cores), then runs everything through dist/kasir/kasir. KASIR_BUNDLE_DIR=dist/kasir
tests an existing build instead. Every run gets its own HOME, so the bundle
never touches the real user's data, keyring or caches.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import re
import subprocess
from pathlib import Path

import pytest

from app import __version__

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.opt_in("KASIR_BUILD_BUNDLE", "KASIR_BUNDLE_DIR"),  # deselected otherwise
    pytest.mark.timeout(900),
]


def _exe_name() -> str:
    return "kasir.exe" if platform.system() == "Windows" else "kasir"


@pytest.fixture(scope="module")
def kasir_exe(tmp_path_factory) -> Path:
    existing = os.environ.get("KASIR_BUNDLE_DIR")
    if existing:
        exe = Path(existing).resolve() / _exe_name()
        assert exe.is_file(), f"KASIR_BUNDLE_DIR has no {_exe_name()}: {existing}"
        return exe
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.fail("KASIR_BUILD_BUNDLE is set but PyInstaller is not installed "
                    "(pip install pyinstaller)")
    spec = importlib.util.spec_from_file_location("kasir_build", ROOT / "packaging" / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    out = tmp_path_factory.mktemp("bundle")
    exe = build.build(out / "dist", out / "work", quiet=True)
    assert exe == out / "dist" / "kasir" / _exe_name()
    return exe


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("home")


def run(exe: Path, home: Path, *args: str, timeout: float = 120, **env_extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KASIR_", "PYTHON", "QT_", "XDG_"))}
    env.update(HOME=str(home), USERPROFILE=str(home), APPDATA=str(home / "AppData"),
               LOCALAPPDATA=str(home / "AppData" / "Local"), XDG_DATA_HOME=str(home / "data"),
               XDG_CACHE_HOME=str(home / "cache"), XDG_CONFIG_HOME=str(home / "config"),
               QT_QPA_PLATFORM="offscreen", PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    env.update(env_extra)
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=timeout,
                          env=env, cwd=home, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def demo_db(kasir_exe, home) -> Path:
    db = home / "shop.db"
    out = run(kasir_exe, home, "--db", str(db), "demo", "--invoices", "5")
    assert out.returncode == 0, out.stdout + out.stderr
    return db


def test_version(kasir_exe, home):
    out = run(kasir_exe, home, "--version")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"kasir {__version__}"
    assert out.stderr == ""


def test_demo_database_is_migrated_and_filled(kasir_exe, home, demo_db):
    out = run(kasir_exe, home, "--db", str(demo_db), "--json", "invoice", "list", "--limit", "50")
    assert out.returncode == 0, out.stderr
    invoices = json.loads(out.stdout)
    assert len(invoices) >= 5
    assert all(isinstance(i["total"], int) for i in invoices)


def test_issue_an_invoice_then_pdf_and_slip(kasir_exe, home, demo_db):
    out = run(kasir_exe, home, "--db", str(demo_db), "--json", "customer", "list", "--limit", "1")
    assert out.returncode == 0, out.stderr
    customer_id = str(json.loads(out.stdout)[0]["id"])
    out = run(kasir_exe, home, "--db", str(demo_db), "invoice", "create", "--customer", customer_id,
              "--currency", "IDR", "--line", "Kopi susu", "2", "18000",
              "--line", "Roti bakar", "1", "25000", "--issue", "--json")
    assert out.returncode == 0, out.stdout + out.stderr
    invoice = json.loads(out.stdout)
    assert invoice["status"] == "open" and invoice["total"] == 61000
    assert re.fullmatch(r"T1-\d{6}", invoice["localNumber"])

    # reportlab and its fonts, from inside the bundle
    pdf = home / "invoice.pdf"
    out = run(kasir_exe, home, "--db", str(demo_db), "pdf", invoice["localNumber"], "-o", str(pdf))
    assert out.returncode == 0, out.stdout + out.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"

    # python-escpos and its capabilities data: a 58 mm slip printed to a file
    slip = home / "slip.bin"
    out = run(kasir_exe, home, "--db", str(demo_db), "print", invoice["localNumber"],
              "--printer", slip.as_uri(), "--width", "58")
    assert out.returncode == 0, out.stdout + out.stderr
    data = slip.read_bytes()
    assert data.startswith(b"\x1b@")  # ESC @: initialise the printer
    assert invoice["localNumber"].encode() in data and b"Kopi susu" in data


def test_bad_input_is_refused_cleanly(kasir_exe, home, demo_db):
    out = run(kasir_exe, home, "--db", str(demo_db), "--json", "invoice", "create",
              "--customer", "1", "--currency", "XYZ", "--line", "Teh", "1", "5000")
    assert out.returncode == 3, out.stdout + out.stderr
    error = json.loads(out.stdout)["error"]
    assert error["code"] == "validation_error" and "XYZ" in error["message"]
    assert "Traceback" not in out.stderr


def test_window_opens_offscreen_and_exits(kasir_exe, home, demo_db):
    if not (ROOT / "ui" / "app.py").is_file():
        pytest.skip("the desktop window (ui/app.py) is not in this checkout yet")
    out = run(kasir_exe, home, "--db", str(demo_db), timeout=120, KASIR_EXIT_AFTER_FIRST_PAGE="1")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "first page painted" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr
