"""The command-line contract, through real subprocesses."""

import json
import os
import subprocess
import sys

import pytest

KASIR = [sys.executable, "-m", "app.cli"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
API_FIELDS = {"id", "customerId", "status", "number", "currency", "subtotal", "discount", "tax",
              "total", "amountPaid", "amountDue", "dueAt", "issuedAt", "paidAt", "voidedAt",
              "memo", "lines", "createdAt", "updatedAt", "localNumber", "syncState"}


@pytest.fixture
def kasir(tmp_path):
    db = tmp_path / "cli.db"

    def run(*args, ok=True, expect=None):
        env = dict(os.environ, PYTHONPATH=ROOT)
        env.pop("KASIR_DB", None)
        p = subprocess.run([*KASIR, "--db", str(db), "--operator", "kasir-test", "--json", *args],
                           capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
        out = json.loads(p.stdout) if p.stdout.strip() else None
        if ok:
            assert p.returncode == 0, (p.stdout, p.stderr)
        else:
            assert p.returncode != 0, p.stdout
            assert set(out) == {"error"} and out["error"]["message"], out
            if expect:
                assert out["error"]["code"] == expect, out
        return out
    run.db = db
    return run


@pytest.fixture
def cust(kasir):
    return kasir("customer", "add", "--name", "Budi Santoso", "--email", "budi@example.com",
                 "--phone", "+62 812 3456 7890", "--tax-id", "09.254.294.3-407.000")


def test_full_flow_and_json_shape(kasir, cust):
    assert cust["name"] == "Budi Santoso" and cust["taxId"] == "09.254.294.3-407.000"
    inv = kasir("invoice", "create", "--customer", str(cust["id"]), "--currency", "IDR",
                "--line", "Kopi susu", "2", "18000", "--line", "Roti bakar", "1", "25000",
                "--discount", "1000", "--tax", "6600", "--due", "2030-01-31", "--memo", "Meja 4")
    assert API_FIELDS <= set(inv)
    assert inv["status"] == "draft" and inv["number"] is None and inv["localNumber"] is None
    assert (inv["subtotal"], inv["total"], inv["amountDue"]) == (61000, 66600, 66600)
    assert inv["lines"][0] == {"description": "Kopi susu", "quantity": 2, "unitAmount": 18000,
                               "amount": 36000}
    assert inv["dueAt"].startswith("2030-01-31") and inv["syncState"] == "local"
    edited = kasir("invoice", "edit", str(inv["id"]), "--line", "Teh", "3", "8000")
    assert edited["total"] == 24000 - 1000 + 6600 and len(edited["lines"]) == 1
    assert edited["memo"] == "Meja 4"  # options not given are kept
    issued = kasir("invoice", "issue", str(inv["id"]))
    assert issued["status"] == "open" and issued["localNumber"] == "T1-000001"
    assert issued["syncState"] == "pending"
    paid = kasir("invoice", "pay", "T1-000001", "--method", "transfer", "--reference", "BCA 77")
    assert paid["status"] == "paid" and paid["amountDue"] == 0 and paid["paidAt"]
    assert paid["receipt"]["number"] == "T1-R000001" and paid["receipt"]["operator"] == "kasir-test"
    shown = kasir("invoice", "show", str(inv["id"]))
    assert shown["status"] == "paid"
    hist = kasir("invoice", "history", str(inv["id"]))
    assert [h["action"] for h in hist] == ["create", "edit", "issue", "pay"]
    assert all(h["operator"] == "kasir-test" for h in hist)
    lst = kasir("invoice", "list", "--status", "paid")
    assert isinstance(lst, list) and [i["id"] for i in lst] == [inv["id"]]
    assert kasir("invoice", "list", "--search", "budi")[0]["id"] == inv["id"]
    assert kasir("invoice", "list", "--customer", str(cust["id"]), "--limit", "1")[0]["id"] == inv["id"]
    assert kasir("customer", "list", "--search", "santoso")[0]["id"] == cust["id"]
    assert kasir("customer", "show", str(cust["id"]))["email"] == "budi@example.com"


def test_create_with_issue_void_and_write_off(kasir, cust):
    a = kasir("invoice", "create", "--customer", str(cust["id"]), "--currency", "USD",
              "--line", "Coffee beans", "2", "1250", "--issue")
    assert a["status"] == "open" and a["localNumber"] == "T1-000001" and a["total"] == 2500
    v = kasir("invoice", "void", str(a["id"]), "--reason", "wrong customer")
    assert v["status"] == "void" and v["voidedAt"]
    b = kasir("invoice", "create", "--customer", str(cust["id"]), "--currency", "IDR",
              "--line", "Servis", "1", "350000", "--issue")
    w = kasir("invoice", "write-off", str(b["id"]), "--reason", "customer left town")
    assert w["status"] == "uncollectible" and b["localNumber"] == "T1-000002"


def _issued(kasir, cust):
    return kasir("invoice", "create", "--customer", str(cust["id"]), "--currency", "IDR",
                 "--line", "Kopi", "1", "18000", "--issue")


def test_refusals(kasir, cust):
    c = str(cust["id"])
    inv = _issued(kasir, cust)
    i = str(inv["id"])
    kasir("invoice", "issue", i, ok=False, expect="conflict")                       # issue twice
    kasir("invoice", "edit", i, "--memo", "x", ok=False, expect="conflict")          # edit issued
    kasir("invoice", "pay", i)
    kasir("invoice", "pay", i, ok=False, expect="conflict")                         # pay paid
    kasir("invoice", "void", i, ok=False, expect="conflict")                        # void paid
    kasir("invoice", "create", "--customer", c, "--currency", "IDR",
          ok=False, expect="validation_error")                                      # empty lines
    kasir("invoice", "create", "--customer", c, "--currency", "IDR", "--line", "x", "-1", "100",
          ok=False, expect="validation_error")                                      # negative qty
    kasir("invoice", "create", "--customer", c, "--currency", "IDR", "--line", "x", "1", "-100",
          ok=False, expect="validation_error")                                      # negative amount
    kasir("invoice", "create", "--customer", c, "--currency", "EUR", "--line", "x", "1", "100",
          ok=False, expect="validation_error")                                      # unknown currency
    kasir("invoice", "create", "--customer", c, "--currency", "IDR", "--line", "x", "1", "100",
          "--due", "31/12/2026", ok=False, expect="validation_error")               # malformed due
    kasir("invoice", "create", "--customer", c, "--currency", "IDR", "--line", "x", "1.5", "100",
          ok=False, expect="validation_error")                                      # fractional qty
    kasir("invoice", "show", "9999", ok=False, expect="not_found")                 # unknown id
    kasir("invoice", "pay", "T9-000001", ok=False, expect="not_found")
    kasir("customer", "show", "77", ok=False, expect="not_found")
    kasir("invoice", "create", "--customer", "77", "--currency", "IDR", "--line", "x", "1", "1",
          ok=False, expect="not_found")                                             # unknown customer
    kasir("invoice", "pay", i, "--method", "bitcoin", ok=False, expect="validation_error")
    kasir("invoice", "list", "--status", "overdue", ok=False, expect="validation_error")
    kasir("invoice", "frobnicate", ok=False, expect="validation_error")             # bad usage
    kasir("customer", "add", "--name", "X", "--email", "nope", ok=False, expect="validation_error")
    # nothing above changed anything
    assert [h["action"] for h in kasir("invoice", "history", i)] == ["create", "issue", "pay"]
    assert len(kasir("invoice", "list")) == 1 and len(kasir("customer", "list")) == 1


def test_human_output_and_exit_codes(tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT)
    db = str(tmp_path / "h.db")
    p = subprocess.run([*KASIR, "--db", db, "invoice", "show", "5"], capture_output=True,
                       text=True, cwd=ROOT, env=env)
    assert p.returncode == 4 and "no invoice 5" in p.stderr and p.stdout == ""
    p = subprocess.run([*KASIR, "--db", db, "customer", "add", "--name", "Siti"],
                       capture_output=True, text=True, cwd=ROOT, env=env)
    assert p.returncode == 0 and "Siti" in p.stdout
    p = subprocess.run([*KASIR, "--db", db, "invoice", "create", "--customer", "1", "--currency",
                        "IDR", "--line", "Kue lapis légit", "2", "15000", "--issue"],
                       capture_output=True, text=True, cwd=ROOT, env=env)
    assert p.returncode == 0 and "Rp 30.000" in p.stdout and "Kue lapis légit" in p.stdout
    p = subprocess.run([*KASIR, "--version"], capture_output=True, text=True, cwd=ROOT, env=env)
    assert p.returncode == 0 and p.stdout.startswith("kasir ")
