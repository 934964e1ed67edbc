"""Building the whole `kasir` parser stays cheap: the heavy libraries load only when a
command's handler runs."""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
HEAVY = ("sqlalchemy", "alembic", "escpos", "usb", "serial", "PIL", "reportlab", "plugipay",
         "keyring", "PySide6", "babel")


def _loaded_after(code: str) -> list[str]:
    probe = code + f"; print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    p = subprocess.run([sys.executable, "-c", "import json, sys; " + probe], capture_output=True,
                       text=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT), timeout=60,
                       check=True)
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_building_every_group_loads_no_heavy_library():
    assert _loaded_after("import app.cli; app.cli.build_parser()") == []


def test_every_group_module_is_cheap_on_its_own():
    from app.cli.parser import FEATURE_GROUPS

    names = ["app.cli.customers", "app.cli.invoices", "app.cli.env", "app.cli.output",
             "app.cli.refunds"]
    names += [m.__name__ for m in FEATURE_GROUPS]
    assert len(set(names)) == 15  # + collect (issue 16), refunds and settings (issues 14, 15)
    for name in names:
        assert _loaded_after(f"import {name}") == [], name


def test_a_command_does_load_the_store(tmp_path):
    """The probe can fail: running a command imports SQLAlchemy."""
    db = str(tmp_path / "kasir.db")
    code = f"from app.cli import main; main(['--db', {db!r}, '--json', 'customer', 'list'])"
    assert "sqlalchemy" in _loaded_after(code)


def test_help_of_every_group_through_python_m():
    groups = ["customer", "invoice", "demo", "item", "settings", "sandbox", "login", "sync", "print",
              "printer", "pdf", "reconcile", "shift", "staff", "audit", "backup", "restore",
              "check"]
    for group in groups:
        p = subprocess.run([sys.executable, "-m", "app.cli", group, "--help"], capture_output=True,
                           text=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT), timeout=60)
        assert p.returncode == 0 and f"kasir {group}" in p.stdout, (group, p.stdout, p.stderr)
