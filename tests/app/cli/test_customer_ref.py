"""`--customer` takes every form of id that `customer show` takes: the local id or the
Plugipay `cus_...` id (one resolver), through real subprocesses like test_cli.py."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


@pytest.fixture
def kasir(tmp_path):
    db = tmp_path / "cli.db"

    def run(*args, code=0):
        env = dict(os.environ, PYTHONPATH=ROOT)
        env.pop("KASIR_DB", None)
        p = subprocess.run([sys.executable, "-m", "app.cli", "--db", str(db), "--operator",
                            "kasir-test", "--json", *args],
                           capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
        assert p.returncode == code, (p.stdout, p.stderr)
        return json.loads(p.stdout) if p.stdout.strip() else None
    run.db = db
    return run


@pytest.fixture
def synced(kasir):
    """Two customers; the second as a sync leaves it: with its Plugipay id stored."""
    kasir("customer", "add", "--name", "Budi Santoso")
    siti = kasir("customer", "add", "--name", "Siti Aminah")
    with sqlite3.connect(kasir.db) as con:
        con.execute("UPDATE customers SET plugipay_id = ? WHERE id = ?", ("cus_siti42", siti["id"]))
    return siti


def _count_invoices(db) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT count(*) FROM invoices").fetchone()[0]


def test_plugipay_id_is_accepted_wherever_a_customer_is_named(kasir, synced):
    shown = kasir("customer", "show", "cus_siti42")
    assert shown["id"] == synced["id"] and shown["name"] == "Siti Aminah"
    assert kasir("customer", "show", str(synced["id"]))["id"] == synced["id"]

    inv = kasir("invoice", "create", "--customer", "cus_siti42", "--currency", "IDR",
                "--line", "Kopi", "2", "15000")
    assert inv["customerId"] == synced["id"] and inv["total"] == 30000
    other = kasir("invoice", "create", "--customer", "1", "--currency", "IDR",
                  "--line", "Teh", "1", "5000")
    assert other["customerId"] == 1

    listed = kasir("invoice", "list", "--customer", "cus_siti42")
    assert [i["id"] for i in listed] == [inv["id"]]
    assert [i["id"] for i in kasir("invoice", "list", "--customer", " cus_siti42 ")] == [inv["id"]]

    moved = kasir("invoice", "edit", str(other["id"]), "--customer", "cus_siti42")
    assert moved["customerId"] == synced["id"] and moved["total"] == 5000
    edited = kasir("customer", "edit", "cus_siti42", "--phone", "0812 3456 7890")
    assert edited["id"] == synced["id"] and edited["phone"]


def test_unknown_customer_is_not_found_and_names_it(kasir, synced):
    for ref in ("cus_nope", "77", "budi"):
        out = kasir("invoice", "create", "--customer", ref, "--currency", "IDR",
                    "--line", "Kopi", "1", "15000", code=4)
        assert out["error"]["code"] == "not_found", out
        assert ref in out["error"]["message"], out
        assert "amount" not in out["error"]["message"].lower(), out
        out = kasir("customer", "show", ref, code=4)
        assert out["error"]["code"] == "not_found" and ref in out["error"]["message"]
        out = kasir("invoice", "list", "--customer", ref, code=4)
        assert out["error"]["code"] == "not_found" and ref in out["error"]["message"]
    draft = kasir("invoice", "create", "--customer", "1", "--currency", "IDR",
                  "--line", "Kopi", "1", "15000")
    out = kasir("invoice", "edit", str(draft["id"]), "--customer", "cus_nope", code=4)
    assert "cus_nope" in out["error"]["message"]
    assert _count_invoices(kasir.db) == 1
    assert kasir("invoice", "show", str(draft["id"]))["customerId"] == 1


def test_unknown_customer_in_words(kasir, synced):
    env = dict(os.environ, PYTHONPATH=ROOT, KASIR_LANG="en")
    p = subprocess.run([sys.executable, "-m", "app.cli", "--db", str(kasir.db), "invoice",
                        "create", "--customer", "cus_x", "--currency", "IDR",
                        "--line", "Kopi", "1", "15000"],
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert p.returncode == 4 and p.stdout == ""
    assert p.stderr.strip() == "kasir: There is no customer with Plugipay id cus_x.", p.stderr
