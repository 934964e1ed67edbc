"""`kasir invoice collect ID --qr` as a real subprocess against the real sandbox: it
prints the URL and the QR, waits, exits 0 once the buyer paid, and prints the receipt;
the documented exit codes for a session left waiting and a canceled one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from app.printing.config import PrinterConfig, save_config
from app.services.context import Context, open_store

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


@pytest.fixture
def kasir(tmp_path, sandbox, memory_keyring):
    db = tmp_path / "cli.db"
    env = dict(os.environ, PYTHONPATH=ROOT, PLUGIPAY_KEY_ID=sandbox.key_id,
               PLUGIPAY_SECRET=sandbox.secret, PLUGIPAY_BASE_URL=sandbox.base_url)
    env.pop("KASIR_DB", None)

    def start(*args, json_out=True):
        flags = ["--json"] if json_out else []
        return subprocess.Popen([sys.executable, "-m", "app.cli", "--db", str(db), "--operator",
                                 "kasir-test", *flags, *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)

    def run(*args, json_out=True):
        p = start(*args, json_out=json_out)
        out, err = p.communicate(timeout=90)
        return p.returncode, (json.loads(out) if json_out and out.strip() else out), err

    run.start, run.db = start, db
    return run


@pytest.fixture
def open_invoice(kasir):
    code, cust, err = kasir("customer", "add", "--name", "Budi", "--email", "budi@example.com")
    assert code == 0, err
    code, inv, err = kasir("invoice", "create", "--customer", str(cust["id"]), "--currency", "IDR",
                           "--line", "Kopi susu", "2", "18000", "--issue")
    assert code == 0, err
    return inv


def _wait_for_session(sandbox, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = sandbox.client().checkout_sessions.list(limit=5).data
        if data:
            return data[0].raw
        time.sleep(0.1)
    raise AssertionError("no checkout session was created")


def test_collect_waits_and_exits_0_once_paid_with_the_receipt_printed(kasir, sandbox,
                                                                      open_invoice, tmp_path):
    sandbox.set_adapter("midtrans")
    printer = tmp_path / "printer.bin"
    store = open_store(kasir.db)
    try:
        save_config(Context(store, operator="t"), PrinterConfig(uri=f"file://{printer}",
                                                                print_on_pay=True))
    finally:
        store.dispose()
    proc = kasir.start("invoice", "collect", str(open_invoice["id"]), "--qr", "--wait", "60")
    session = _wait_for_session(sandbox)
    assert session["amount"] == 36000
    sandbox.pay_session(session["id"])
    out, err = proc.communicate(timeout=90)
    assert proc.returncode == 0, (out, err)
    result = json.loads(out)
    assert result["session"]["sessionId"] == session["id"]
    assert result["session"]["status"] == "completed" and result["session"]["url"]
    assert result["invoice"]["status"] == "paid"
    receipt = result["session"]["receipt"]
    assert receipt and receipt.encode() in printer.read_bytes()  # ESC/POS bytes on the printer


def test_text_output_shows_the_url_and_the_qr_and_a_waiting_exit_code(kasir, sandbox,
                                                                      open_invoice):
    sandbox.set_adapter("midtrans")
    code, out, err = kasir("invoice", "collect", str(open_invoice["id"]), "--qr", "--wait", "0",
                           json_out=False)
    assert code == 9, (out, err)
    session = _wait_for_session(sandbox)
    assert f"{sandbox.base_url}/c/{session['id']}" in out
    assert "\u2580" in out or "\u2584" in out  # the QR in half blocks
    code, again, err = kasir("invoice", "collect", str(open_invoice["id"]), "--qr", "--cancel")
    assert code == 8, err
    assert again["session"]["sessionId"] == session["id"]  # reused, then canceled
    assert again["invoice"]["status"] == "open"
    assert sandbox.client().checkout_sessions.get(session["id"]).raw["status"] == "canceled"


def test_collect_offline_says_qr_is_unavailable(kasir, open_invoice, sandbox, monkeypatch):
    p = subprocess.run([sys.executable, "-m", "app.cli", "--db", str(kasir.db), "--json",
                        "invoice", "collect", str(open_invoice["id"]), "--qr"],
                       capture_output=True, text=True, cwd=ROOT, timeout=60,
                       env=dict(os.environ, PYTHONPATH=ROOT, PLUGIPAY_KEY_ID=sandbox.key_id,
                                PLUGIPAY_SECRET=sandbox.secret,
                                PLUGIPAY_BASE_URL="http://127.0.0.1:9"))
    assert p.returncode == 1
    assert json.loads(p.stdout)["error"]["code"] == "offline"


def test_kasir_sandbox_pay_session_pays_as_a_buyer(sandbox):
    sandbox.set_adapter("xendit")
    cs = sandbox.client().checkout_sessions.create(
        amount=5000, currency="IDR", methods=["qris"], success_url="kasir://p",
        cancel_url="kasir://c").raw
    p = subprocess.run([sys.executable, "-m", "app.cli", "sandbox", "pay-session", cs["id"],
                        "--url", sandbox.base_url, "--json"], capture_output=True, text=True,
                       cwd=ROOT, timeout=60, env=dict(os.environ, PYTHONPATH=ROOT))
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["status"] == "completed"
    again = subprocess.run([sys.executable, "-m", "app.cli", "sandbox", "pay-session", cs["id"],
                            "--url", sandbox.base_url, "--json"], capture_output=True, text=True,
                           cwd=ROOT, timeout=60, env=dict(os.environ, PYTHONPATH=ROOT))
    assert again.returncode == 5 and json.loads(again.stdout)["error"]["code"] == "conflict"
