"""End of day: the Z report per till and operator, closing, slips and PDF."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.domain.errors import ConflictError, ValidationError
from app.reconcile.csv_format import PRESETS
from app.reconcile.importer import import_statement
from app.reconcile.service import confirm
from app.reconcile.shift import close_shift, list_shifts, open_shift, shift_report
from app.reconcile.shift_print import shift_report_lines, shift_report_pdf
from app.reconcile.undo import undo_match
from app.services.context import Context
from app.services.customers import CustomerInput, add_customer
from app.services.invoices import PaymentInput, mark_paid, void, write_off
from reconcile_files import DAY, bca_csv


@pytest.fixture
def day(ctx, clock, issue_invoice):
    """A morning at till T1: a float, sales paid by cash and card, a void, a write-off."""
    c = add_customer(ctx, CustomerInput("Budi Santoso"))
    open_shift(ctx, {"IDR": 200_000})
    clock.advance(minutes=5)
    a = issue_invoice(c.id, 36_000)
    mark_paid(ctx, a.id, PaymentInput("cash"))
    b = issue_invoice(c.id, 120_000)
    mark_paid(ctx, b.id, PaymentInput("edc", "EDC 0042"))
    d = issue_invoice(c.id, 15_000)
    void(ctx, d.id, "Customer changed their mind")
    e = issue_invoice(c.id, 500_000)
    write_off(ctx, e.id, "Shop closed down")
    u = issue_invoice(c.id, 9_99, currency="USD")
    mark_paid(ctx, u.id, PaymentInput("cash"))
    clock.advance(minutes=5)
    return {"customer": c, "cash": a, "card": b, "void": d, "off": e, "usd": u}


def test_running_report_adds_up(ctx, day):
    rep = shift_report(ctx)
    assert rep["state"] == "open" and rep["invoicesIssued"] == 5
    pays = {(p["currency"], p["method"]): (p["count"], p["amount"]) for p in rep["payments"]}
    assert pays == {("IDR", "cash"): (1, 36_000), ("IDR", "edc"): (1, 120_000),
                    ("USD", "cash"): (1, 999)}
    assert [(v["number"], v["reason"]) for v in rep["voids"]] == [
        (day["void"].local_number, "Customer changed their mind")]
    assert rep["writeOffs"][0]["reason"] == "Shop closed down"
    assert rep["totals"]["IDR"] == {"issued": 671_000, "paid": 156_000, "voided": 15_000,
                                    "writtenOff": 500_000, "refunded": 0}
    assert rep["cash"]["IDR"]["expected"] == 236_000
    assert rep["cash"]["USD"]["expected"] == 999


def test_close_freezes_the_report_and_later_work_goes_to_the_next_shift(ctx, clock, day,
                                                                         issue_invoice):
    with pytest.raises(ValidationError, match="USD"):
        close_shift(ctx, {"IDR": 236_000})
    closed = close_shift(ctx, {"IDR": 230_000, "USD": 999}, "short 6k")
    assert closed["state"] == "closed"
    assert closed["cash"]["IDR"]["difference"] == -6_000
    assert closed["cash"]["USD"]["difference"] == 0
    clock.advance(minutes=1)
    late = issue_invoice(day["customer"].id, 10_000)
    mark_paid(ctx, late.id, PaymentInput("cash"))
    frozen = shift_report(ctx, closed["shiftId"])
    assert frozen == closed
    nxt = shift_report(ctx)
    assert nxt["invoicesIssued"] == 1 and nxt["totals"]["IDR"]["paid"] == 10_000
    assert nxt["cash"]["IDR"]["float"] == 0
    with pytest.raises(ConflictError):
        # A second open shift for the same person and till is refused.
        open_shift(ctx, {"IDR": 100_000}) and open_shift(ctx, {})
    assert [s["state"] for s in list_shifts(ctx)] == ["open", "closed"]


def test_shifts_are_per_till_and_operator(ctx, store, clock, day, issue_invoice):
    other = Context(store, operator="rina", till="T2", clock=clock)
    o = add_customer(other, CustomerInput("Siti"))
    from app.services.invoices import create_and_issue
    from app.domain.validation import DraftInput, LineInput
    inv = create_and_issue(other, DraftInput(o.id, "IDR", (LineInput("x", 1, 70_000),), 0, 0,
                                             clock() + timedelta(days=3), ""))
    mark_paid(other, inv.id, PaymentInput("cash"))
    mine, theirs = shift_report(ctx), shift_report(other)
    assert mine["invoicesIssued"] == 5 and theirs["invoicesIssued"] == 1
    assert theirs["totals"]["IDR"]["paid"] == 70_000
    assert mine["totals"]["IDR"]["paid"] == 156_000


def test_bank_matches_count_as_transfers_and_undone_ones_do_not(ctx, clock, day,
                                                                issue_invoice):
    inv = issue_invoice(day["customer"].id, 150_000)
    clock.advance(days=1)
    import_statement(ctx, bca_csv([(DAY, f"TRF {inv.local_number}", 150_000)]), "csv",
                     mapping=PRESETS["bca"])
    confirm(ctx, 1, [inv.id])
    pays = {p["method"]: p["amount"] for p in shift_report(ctx)["payments"]
            if p["currency"] == "IDR"}
    assert pays["transfer"] == 150_000
    undo_match(ctx, 1, "Pak Manajer", "wrong line")
    rep = shift_report(ctx)
    assert "transfer" not in {p["method"] for p in rep["payments"]}
    assert rep["paymentsUndone"] == 1


def test_negative_or_odd_counts_are_refused(ctx, day):
    with pytest.raises(ValidationError):
        close_shift(ctx, {"IDR": -1, "USD": 0})
    with pytest.raises(ValidationError):
        close_shift(ctx, {"XYZ": 1})
    assert shift_report(ctx)["state"] == "open"


@pytest.mark.parametrize("width", [32, 42, 48, 64])
def test_slip_lines_fit_the_paper(ctx, day, width):
    rep = close_shift(ctx, {"IDR": 236_000, "USD": 999})
    lines = shift_report_lines(rep, width)
    assert all(len(l) <= width for l in lines)
    text = "\n".join(lines)
    assert "Z REPORT" in text and "Customer changed" in text and "Rp 236.000" in text
    assert "$9.99" in text


def test_pdf_is_written(ctx, day, tmp_path):
    rep = close_shift(ctx, {"IDR": 236_000, "USD": 999})
    path = tmp_path / "z.pdf"
    shift_report_pdf(rep, path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000
