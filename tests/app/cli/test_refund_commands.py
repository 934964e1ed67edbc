"""Issue 15 through the command line, in real subprocesses: refunds by amount and
by lines, the list, the invoice's `amountRefunded` and `refunds`, manager
approval, the reprinted slip and the credit note; refusals change nothing."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from tests.app.cli.till_cli import make_kasir, refused_unchanged

REFUND_FIELDS = {"id", "localNumber", "invoiceId", "amount", "method", "reason", "note",
                 "createdAt", "syncState", "plugipayId"}


@pytest.fixture
def kasir(tmp_path):
    return make_kasir(tmp_path / "refund.db")


@pytest.fixture
def paid(kasir):
    """A paid sale: 2 × Kopi 18.000 + 1 × Roti 25.000 = 61.000."""
    def make():
        inv = kasir("invoice", "create", "--currency", "IDR", "--line", "Kopi", "2", "18000",
                    "--line", "Roti", "1", "25000", "--issue")
        kasir("invoice", "pay", str(inv["id"]), "--tender", "cash", "100000")
        return inv
    return make


def test_refund_by_amount_then_by_lines_and_the_invoice_shows_them(kasir, paid):
    inv = paid()
    r = kasir("invoice", "refund", str(inv["id"]), "--amount", "5000", "--method", "cash",
              "--reason", "requested_by_customer", "--note", "cup cracked")
    assert REFUND_FIELDS <= set(r)
    assert (r["localNumber"], r["invoiceId"], r["amount"], r["method"], r["reason"],
            r["note"], r["syncState"], r["plugipayId"]) == (
        "T1-F000001", inv["id"], 5000, "cash", "requested_by_customer", "cup cracked",
        "pending", None)
    r2 = kasir("invoice", "refund", inv["localNumber"], "--line", "2", "1", "--method",
               "transfer", "--reason", "other")
    assert r2["localNumber"] == "T1-F000002" and r2["amount"] == 25_000
    assert r2["lines"] == [{"index": 1, "description": "Roti", "quantity": 1,
                            "unitAmount": 25_000}]
    listed = kasir("invoice", "refunds", str(inv["id"]))
    assert [x["localNumber"] for x in listed] == ["T1-F000001", "T1-F000002"]
    shown = kasir("invoice", "show", str(inv["id"]))
    assert shown["status"] == "paid" and shown["amountRefunded"] == 30_000
    assert [x["id"] for x in shown["refunds"]] == [r["id"], r2["id"]]
    assert kasir("invoice", "history", str(inv["id"]))[-1]["action"] == "refund"


def test_refunds_of_every_line_give_back_exactly_what_was_paid(kasir, paid):
    inv = paid()
    kasir("invoice", "refund", str(inv["id"]), "--line", "1", "1", "--method", "cash",
          "--reason", "requested_by_customer")
    kasir("invoice", "refund", str(inv["id"]), "--line", "1", "1", "--line", "2", "1",
          "--method", "edc", "--reason", "requested_by_customer")
    shown = kasir("invoice", "show", str(inv["id"]))
    assert shown["amountRefunded"] == 61_000 and shown["fullyRefunded"] is True


def test_refunding_an_unpaid_invoice_is_a_conflict_and_changes_nothing(kasir):
    inv = kasir("invoice", "create", "--currency", "IDR", "--line", "Teh", "1", "5000", "--issue")
    err = refused_unchanged(kasir, "invoice", "refund", str(inv["id"]), "--amount", "1000",
                            "--method", "cash", "--reason", "other", expect="conflict", code=5)
    assert "paid" in err["message"]


@pytest.mark.parametrize("args, field", [
    (["--amount", "61001"], "amount"),                     # more than was paid
    (["--line", "1", "3"], "lines"),                       # more of a line than was sold
    (["--line", "3", "1"], "lines"),                       # no such line
    (["--line", "0", "1"], "lines"),
    (["--amount", "0"], "amount"),
    (["--amount", "1.5"], "amount"),
    (["--amount", "1000", "--line", "1", "1"], "amount"),  # both
    ([], "amount"),                                        # neither
])
def test_bad_refunds_are_a_validation_error_and_change_nothing(kasir, paid, args, field):
    inv = paid()
    err = refused_unchanged(kasir, "invoice", "refund", str(inv["id"]), *args, "--method",
                            "cash", "--reason", "other", expect="validation_error", code=3)
    assert err["field"] == field, err


def test_more_than_is_left_after_a_partial_refund_is_refused(kasir, paid):
    inv = paid()
    kasir("invoice", "refund", str(inv["id"]), "--amount", "60000", "--method", "cash",
          "--reason", "other")
    err = refused_unchanged(kasir, "invoice", "refund", str(inv["id"]), "--amount", "1001",
                            "--method", "cash", "--reason", "other", expect="validation_error",
                            code=3)
    assert "1000" in err["message"]


@pytest.mark.parametrize("method, reason, field", [("cheque", "other", "method"),
                                                   ("cash", "bored", "reason")])
def test_unknown_method_or_reason_is_refused(kasir, paid, method, reason, field):
    inv = paid()
    err = refused_unchanged(kasir, "invoice", "refund", str(inv["id"]), "--amount", "1000",
                            "--method", method, "--reason", reason, expect="validation_error",
                            code=3)
    assert err["field"] == field


def test_with_staff_accounts_a_cashier_needs_a_managers_approval(kasir, paid):
    kasir("staff", "add", "olga", "--role", "owner", "--new-pin", "4821")
    owner = ["--operator", "olga", "--pin", "4821"]
    kasir("staff", "add", "cici", "--role", "cashier", "--new-pin", "9173", *owner)
    kasir("staff", "add", "maya", "--role", "manager", "--new-pin", "7305", *owner)
    inv = paid()
    cashier = ["--operator", "cici", "--pin", "9173"]
    refused_unchanged(kasir, "invoice", "refund", str(inv["id"]), "--amount", "1000",
                      "--method", "cash", "--reason", "other", *cashier,
                      expect="permission_denied", code=6)
    refused_unchanged(kasir, "invoice", "refund", str(inv["id"]), "--amount", "1000",
                      "--method", "cash", "--reason", "other", *cashier, "--approver", "maya",
                      "--approver-pin", "0000", expect="permission_denied", code=6,
                      ignore=("staff",))  # the wrong PIN counts against maya's account
    r = kasir("invoice", "refund", str(inv["id"]), "--amount", "1000", "--method", "cash",
              "--reason", "other", *cashier, "--approver", "maya", "--approver-pin", "7305")
    assert (r["operator"], r["approvedBy"]) == ("cici", "maya")


def test_the_refund_slip_and_credit_note_are_reprinted(kasir, paid, tmp_path):
    inv = paid()
    r = kasir("invoice", "refund", str(inv["id"]), "--line", "1", "1", "--method", "cash",
              "--reason", "requested_by_customer")
    out = tmp_path / "slip.bin"
    job = kasir("print", r["localNumber"], "--slip", "refund", "--reprint",
                "--printer", f"file://{out}", "--width", "58")
    assert job["state"] == "printed" and job["kind"] == "refund"
    data = out.read_bytes()
    text = data.decode("cp858", "replace")
    assert "T1-F000001" in text and inv["localNumber"] in text and "REPRINT" in text.upper()
    assert data.startswith(b"\x1b@")  # ESC @ initialises the printer
    # By invoice: its latest refund.
    out.unlink()
    kasir("print", str(inv["id"]), "--slip", "refund", "--printer", f"file://{out}")
    assert b"T1-F000001" in out.read_bytes()

    pdf = tmp_path / "note.pdf"
    info = kasir("pdf", r["localNumber"], "--credit-note", "-o", str(pdf))
    assert info["kind"] == "credit_note" and info["number"] == "T1-F000001"
    doc = pdfium.PdfDocument(str(pdf))
    page_text = doc[0].get_textpage().get_text_range()
    assert "T1-F000001" in page_text and inv["localNumber"] in page_text
    info = kasir("pdf", str(inv["id"]), "--credit-note", "-o", str(tmp_path / "n.html"))
    assert info["format"] == "html" and "T1-F000001" in (tmp_path / "n.html").read_text()


def test_a_credit_note_of_an_invoice_without_refunds_is_not_found(kasir, paid, tmp_path):
    inv = paid()
    refused_unchanged(kasir, "pdf", str(inv["id"]), "--credit-note", "-o",
                      str(tmp_path / "x.pdf"), expect="not_found", code=4)
    assert not (tmp_path / "x.pdf").exists()
    refused_unchanged(kasir, "print", str(inv["id"]), "--slip", "refund", "--printer",
                      f"file://{tmp_path / 'x.bin'}", expect="not_found", code=4)


def test_the_z_report_nets_cash_refunds_out_of_the_drawer(kasir, paid):
    opened = kasir("shift", "open", "--float", "IDR=200000")
    assert opened["openingFloat"] == {"IDR": 200_000}
    inv = paid()  # 61.000 paid with 100.000 cash: 39.000 change
    kasir("invoice", "refund", str(inv["id"]), "--amount", "11000", "--method", "cash",
          "--reason", "requested_by_customer")
    kasir("invoice", "refund", str(inv["id"]), "--amount", "5000", "--method", "transfer",
          "--reason", "other")
    rep = kasir("shift", "report")
    assert rep["refunds"] == [{"currency": "IDR", "method": "cash", "amount": 11_000},
                              {"currency": "IDR", "method": "transfer", "amount": 5_000}]
    cash = rep["cash"]["IDR"]
    assert (cash["cashReceived"], cash["change"], cash["cashRefunds"]) == (100_000, 39_000,
                                                                           11_000)
    assert cash["expected"] == 200_000 + 61_000 - 11_000
    closed = kasir("shift", "close", "--counted", "IDR=250000")
    assert closed["state"] == "closed" and closed["cash"]["IDR"]["difference"] == 0
    assert closed["totals"]["IDR"]["refunded"] == 16_000
