"""The Z report with refunds: by method, and the drawer's cash net of cash refunds."""

from __future__ import annotations

import pytest

from app.domain.refunds import RefundInput
from app.reconcile.shift import close_shift, open_shift, shift_report
from app.reconcile.shift_print import shift_report_lines
from app.services.customers import CustomerInput, add_customer
from app.services.invoices import PaymentInput, mark_paid
from app.services.refunds import refund


@pytest.fixture
def sales(ctx, clock, issue_invoice):
    c = add_customer(ctx, CustomerInput("Budi Santoso"))
    open_shift(ctx, {"IDR": 100_000})
    clock.advance(minutes=5)
    a = issue_invoice(c.id, 60_000)
    mark_paid(ctx, a.id, PaymentInput("cash"))
    b = issue_invoice(c.id, 80_000)
    mark_paid(ctx, b.id, PaymentInput("edc", "EDC 7"))
    return a, b


def test_cash_refunds_come_out_of_the_expected_drawer_and_each_method_is_listed(ctx, clock,
                                                                              sales):
    a, b = sales
    refund(ctx, a.id, RefundInput(amount=10_000, method="cash"))
    refund(ctx, b.id, RefundInput(amount=30_000, method="transfer"))
    refund(ctx, b.id, RefundInput(amount=5_000, method="cash"))
    clock.advance(minutes=1)
    rep = shift_report(ctx)
    assert rep["refunds"] == [{"currency": "IDR", "method": "cash", "amount": 15_000},
                              {"currency": "IDR", "method": "transfer", "amount": 30_000}]
    assert rep["cash"]["IDR"]["cashRefunds"] == 15_000
    assert rep["cash"]["IDR"]["expected"] == 100_000 + 60_000 - 15_000
    lines = shift_report_lines(rep, 42)
    assert any(l.startswith("  Cash refunded") and l.endswith("-Rp 15.000") for l in lines)
    refunds = lines.index("REFUNDS")
    assert lines[refunds + 1].startswith("  Refunded Bank transfer") or \
        lines[refunds + 2].startswith("  Refunded Bank transfer")
    assert any(l.startswith("  Refunded Bank transfer") and l.endswith("Rp 30.000")
               for l in lines[refunds:refunds + 3])
    assert rep["totals"]["IDR"]["refunded"] == 45_000
    assert any(l.startswith("  Refunded IDR") and l.endswith("Rp 45.000") for l in lines)
    closed = close_shift(ctx, {"IDR": 145_000})
    assert closed["cash"]["IDR"]["difference"] == 0


def test_refunds_of_another_operator_or_after_the_close_are_not_in_this_shift(ctx, clock,
                                                                             sales):
    import dataclasses

    a, _b = sales
    refund(dataclasses.replace(ctx, operator="siti"), a.id, RefundInput(amount=1_000))
    clock.advance(minutes=1)
    closed = close_shift(ctx, {"IDR": 160_000})
    assert closed["refunds"] == [] and closed["cash"]["IDR"]["expected"] == 160_000
    clock.advance(minutes=1)
    open_shift(ctx, {"IDR": 0})
    clock.advance(minutes=1)
    refund(ctx, a.id, RefundInput(amount=2_000))
    clock.advance(minutes=1)
    rep = shift_report(ctx)
    assert rep["cash"]["IDR"]["cashRefunds"] == 2_000 and rep["cash"]["IDR"]["expected"] == -2_000


def test_a_refund_counts_in_the_shift_it_is_made_in_even_for_an_earlier_sale(ctx, clock, sales):
    a, b = sales
    clock.advance(minutes=1)
    first = close_shift(ctx, {"IDR": 160_000})
    assert first["cash"]["IDR"]["difference"] == 0 and first["totals"]["IDR"]["refunded"] == 0
    clock.advance(hours=12)
    open_shift(ctx, {"IDR": 50_000})
    clock.advance(minutes=1)
    refund(ctx, a.id, RefundInput(amount=20_000, method="cash"))
    refund(ctx, b.id, RefundInput(amount=80_000, method="edc"))
    clock.advance(minutes=1)
    closed = close_shift(ctx, {"IDR": 30_000})
    assert closed["refunds"] == [{"currency": "IDR", "method": "cash", "amount": 20_000},
                                 {"currency": "IDR", "method": "edc", "amount": 80_000}]
    assert closed["cash"]["IDR"]["expected"] == 50_000 - 20_000
    assert closed["cash"]["IDR"]["difference"] == 0
    assert closed["totals"]["IDR"] == {"issued": 0, "paid": 0, "voided": 0, "writtenOff": 0,
                                       "refunded": 100_000}
    # The closed report is frozen: a later refund leaves it as it was.
    clock.advance(minutes=1)
    refund(ctx, a.id, RefundInput(amount=1_000, method="cash"))
    assert shift_report(ctx, closed["shiftId"])["refunds"] == closed["refunds"]
