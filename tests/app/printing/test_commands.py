"""`kasir print` and `kasir printer ...` through the real command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from escpos_decoder import decode

from app.cli import main


def _run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_print_and_printer_commands(db_path, capsys, loopback):
    db = str(db_path)
    assert _run(capsys, "--db", db, "customer", "add", "--name", "Budi")[0] == 0
    assert _run(capsys, "--db", db, "invoice", "create", "--customer", "1", "--currency", "IDR",
                "--line", "Es teh manis", "3", "5000", "--issue")[0] == 0
    code, out, _ = _run(capsys, "--db", db, "printer", "setup", "--uri", loopback.uri,
                        "--profile", "TM-T20II", "--print-on-pay", "on")
    assert code == 0 and "TM-T20II" in out
    code, out, _ = _run(capsys, "--db", db, "print", "T1-000001")
    assert code == 0 and out.startswith("Printed Invoice T1-000001")
    loopback.set_status(paper_out=True)
    code, out, _ = _run(capsys, "--db", db, "print", "1", "--reprint", "--width", "80")
    assert code == 0 and "queued as job 2" in out and "out of paper" in out
    code, out, _ = _run(capsys, "--db", db, "--json", "printer", "jobs", "--state", "pending")
    assert [j["id"] for j in json.loads(out)] == [2]
    loopback.set_status(paper_out=False)
    code, out, _ = _run(capsys, "--db", db, "printer", "process")
    assert code == 0 and "Printed 1" in out
    code, out, _ = _run(capsys, "--db", db, "printer", "test", loopback.uri,
                        "--profile", "TM-T88V")
    assert code == 0 and "42 columns" in out and "Ready." in out
    assert loopback.wait_for_jobs(3)
    assert any("TOTAL" in t and t.endswith("Rp 15.000") for t in decode(loopback.jobs[0]).texts())
    code, out, err = _run(capsys, "--db", db, "print", "1", "--slip", "receipt")
    assert code == 5 and "no payment" in err
    code, out, err = _run(capsys, "--db", db, "print", "1", "--profile", "TM-T20II", "--width",
                          "58")
    assert code == 3 and "80 mm" in err
    code, out, err = _run(capsys, "--db", db, "printer", "status", "tcp://127.0.0.1:1")
    assert code == 1 and "not there" in err


def test_commands_module_is_cheap_to_import():
    code = ("import sys, app.cli; app.cli.build_parser(); "
            "bad = [m for m in ('escpos', 'usb', 'PIL', 'sqlalchemy', 'reportlab', 'PySide6') "
            "if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "escpos" not in out.stdout and "usb" not in out.stdout, out.stdout


def test_escpos_import_leaves_no_logging_or_temp_dir(tmp_path):
    code = (
        "import logging, os, tempfile, sys\n"
        f"os.environ['KASIR_CACHE_DIR'] = {str(tmp_path)!r}\n"
        "before = set(os.listdir(tempfile.gettempdir()))\n"
        "from app.printing.escpos_lib import escpos_printer\n"
        "escpos_printer()\n"
        "after = set(os.listdir(tempfile.gettempdir()))\n"
        "print(len(logging.getLogger().handlers), sorted(after - before))\n")
    env = {k: v for k, v in os.environ.items() if k != "ESCPOS_CAPABILITIES_PICKLE_DIR"}
    env["TMPDIR"] = str(tmp_path / "tmp")  # a private temp folder: others share /tmp
    (tmp_path / "tmp").mkdir()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(Path(__file__).parents[3]), env=env)
    assert out.stdout.strip() == "0 []"
    assert list((tmp_path / "escpos").glob("*.capabilities.pickle"))
    assert not list((tmp_path / "tmp").iterdir())
