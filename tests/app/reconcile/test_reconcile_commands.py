"""The whole loop from the command line, with --json."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from app.cli import main
from reconcile_files import DAY, bca_csv, mt940_file, ofx_file


@pytest.fixture
def kasir(tmp_path, capsys, monkeypatch):
    db = str(tmp_path / "cli.db")
    monkeypatch.setenv("KASIR_TILL", "T1")

    def run(*argv):
        code = main(["--db", db, "--operator", "ana", "--json", *argv])
        out = capsys.readouterr().out
        return code, json.loads(out) if out.strip() else None
    return run


@pytest.fixture
def invoices(kasir):
    assert kasir("customer", "add", "--name", "Budi Santoso")[0] == 0
    assert kasir("customer", "add", "--name", "Siti Aminah")[0] == 0
    out = []
    for cust, amount in ((1, 150_000), (2, 150_000), (1, 50_000)):
        code, inv = kasir("invoice", "create", "--customer", str(cust), "--currency", "IDR",
                          "--line", "Barang", "1", str(amount), "--issue", "--due", "2099-01-31")
        assert code == 0
        out.append(inv)
    return out


def test_import_suggest_confirm_report_loop(kasir, invoices, tmp_path):
    # the transfers arrive after the invoices were issued (on the real clock), not
    # before: a credit older than its invoice is rightly a weaker match
    DAY = datetime.now().astimezone().date()
    rows = [(DAY, f"TRF {invoices[0]['localNumber'].lower()} BUDI SANTOSO", 150_000),
            (DAY, "TRF DARI SITI AMINAH", 150_000), (DAY, "BIAYA ADM", -5_000),
            (DAY, "SETORAN TUNAI", 12_345)]
    f = tmp_path / "bca.csv"
    f.write_bytes(bca_csv(rows))
    code, res = kasir("reconcile", "import", str(f), "--mapping", "bca")
    assert code == 0 and (res["added"], res["credits"], res["debits"]) == (4, 3, 1)
    code, res = kasir("reconcile", "import", str(f), "--mapping", "bca")
    assert (res["added"], res["skipped"]) == (0, 4)

    code, sug = kasir("reconcile", "suggest")
    by_line = {s["lineId"]: s for s in sug}
    assert by_line[1]["suggestions"][0]["invoiceIds"] == [invoices[0]["id"]]
    assert by_line[4]["flag"] == "no_match"
    # the JSON carries what the text shows: each line's date, amount and description
    assert {k: by_line[4][k] for k in ("bookedOn", "amount", "currency", "description")} == {
        "bookedOn": DAY.isoformat(), "amount": 12_345, "currency": "IDR",
        "description": "SETORAN TUNAI"}
    assert by_line[1]["description"].startswith("TRF ") and by_line[1]["amount"] == 150_000

    code, auto = kasir("reconcile", "auto", "--min-confidence", "0.9")
    assert code == 0 and [o["lineId"] for o in auto if o["confirmed"]] == [1]

    code, res = kasir("reconcile", "confirm", "2", invoices[1]["localNumber"])
    assert code == 0 and res[0]["receiptNumber"].startswith("T1-R")
    code, err = kasir("reconcile", "confirm", "4", str(invoices[2]["id"]))
    assert code == 5 and err["error"]["code"] == "conflict"

    code, rep = kasir("reconcile", "report", "--from", DAY.isoformat(), "--to", DAY.isoformat())
    assert rep["summary"]["IDR"]["matched"] == 2
    assert [a["lineId"] for a in rep["needsAttention"]] == [4]
    assert [u["invoiceId"] for u in rep["unpaidInvoices"]] == [invoices[2]["id"]]

    code, undone = kasir("reconcile", "undo", "2", "--approved-by", "Pak Manajer",
                         "--reason", "wrong customer")
    assert code == 0 and undone[0]["state"] == "undone"
    code, inv = kasir("invoice", "show", str(invoices[1]["id"]))
    assert inv["status"] == "open"


def test_import_with_column_options_and_saved_mapping(kasir, invoices, tmp_path):
    f = tmp_path / "bni.csv"
    f.write_text("Tgl;Uraian;Nominal\n23/11/2026;TRF T1-000003;50.000,00\n")
    code, res = kasir("reconcile", "import", str(f), "--date-col", "Tgl",
                      "--description-col", "Uraian", "--amount-col", "Nominal",
                      "--bank", "BNI", "--save-mapping", "bni")
    assert code == 0 and res["added"] == 1
    f2 = tmp_path / "bni2.csv"
    f2.write_text("Tgl;Uraian;Nominal\n24/11/2026;TRF T1-000001;150.000,00\n")
    code, res = kasir("reconcile", "import", str(f2), "--mapping", "bni")
    assert code == 0 and res["added"] == 1 and res["bank"] == "BNI"


def test_ofx_and_mt940_from_the_command_line(kasir, invoices, tmp_path):
    o = tmp_path / "s.ofx"
    o.write_bytes(ofx_file([(DAY, "TRF T1-000001", 150_000)]))
    m = tmp_path / "s.sta"
    m.write_bytes(mt940_file([(DAY, "TRF T1-000002 SITI AMINAH", 150_000)]))
    assert kasir("reconcile", "import", str(o))[1]["format"] == "ofx"
    assert kasir("reconcile", "import", str(m), "--format", "mt940")[1]["added"] == 1


def test_bad_input_is_a_clear_refusal(kasir, invoices, tmp_path):
    code, err = kasir("reconcile", "import", str(tmp_path / "missing.csv"))
    assert code == 3 and "Cannot read" in err["error"]["message"]
    bad = tmp_path / "bad.csv"
    bad.write_text("Tanggal Transaksi,Keterangan,Cabang,Jumlah,Saldo\n99/99/2026,x,0,1,1\n")
    code, err = kasir("reconcile", "import", str(bad), "--mapping", "bca")
    assert code == 3 and "does not match" in err["error"]["message"]
    code, err = kasir("reconcile", "auto", "--min-confidence", "abc")
    assert code == 3
    code, err = kasir("reconcile", "confirm", "1", "1")
    assert code == 4
    code, err = kasir("shift", "close", "--counted", "IDR")
    assert code == 3


def test_shift_report_and_close(kasir, invoices, tmp_path):
    assert kasir("shift", "open", "--float", "IDR=100000")[0] == 0
    assert kasir("invoice", "pay", str(invoices[2]["id"]), "--method", "cash")[0] == 0
    code, rep = kasir("shift", "report")
    assert rep["state"] == "open" and rep["cash"]["IDR"]["expected"] == 150_000
    pdf = tmp_path / "z.pdf"
    code, rep = kasir("shift", "close", "--counted", "IDR=150000", "--pdf", str(pdf))
    assert code == 0 and rep["state"] == "closed" and rep["cash"]["IDR"]["difference"] == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    code, again = kasir("shift", "report", "--shift", str(rep["shiftId"]))
    assert again["closedAt"] == rep["closedAt"] and again["cash"] == rep["cash"]


def test_human_text_output(tmp_path, capsys):
    db = str(tmp_path / "t.db")
    assert main(["--db", db, "shift", "report", "--width", "32"]) == 0
    out = capsys.readouterr().out
    assert "X REPORT" in out and max(len(l) for l in out.splitlines()) <= 32
