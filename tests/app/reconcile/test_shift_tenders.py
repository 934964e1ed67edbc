"""The Z report's cash with a float, change and split tenders (issue 14), and where
a shift nobody opened starts."""

from __future__ import annotations

from app.domain.tenders import Tender
from app.domain.validation import DraftInput, LineInput
from app.reconcile.shift import close_shift, open_shift, shift_is_open, shift_report
from app.services.invoices import PaymentInput, create_and_issue, mark_paid, pay_with_tenders


def sell(ctx, amount):
    return create_and_issue(ctx, DraftInput(None, "IDR", (LineInput("Barang", 1, amount),)))


def test_expected_cash_is_the_float_plus_cash_kept_and_each_method_is_listed(ctx, clock):
    assert not shift_is_open(ctx)
    open_shift(ctx, {"IDR": 200_000})
    assert shift_is_open(ctx)
    clock.advance(minutes=1)
    a = sell(ctx, 26_500)
    pay_with_tenders(ctx, a.id, PaymentInput(tenders=(Tender("cash", 100_000),)))  # change 73.500
    b = sell(ctx, 126_500)
    pay_with_tenders(ctx, b.id, PaymentInput(tenders=(
        Tender("edc", 100_000, "4411"), Tender("cash", 50_000))))  # change 23.500
    c = sell(ctx, 40_000)
    pay_with_tenders(ctx, c.id, PaymentInput(tenders=(
        Tender("qris", 15_000), Tender("transfer", 25_000))))
    d = sell(ctx, 10_000)
    mark_paid(ctx, d.id, PaymentInput("cash"))  # the old way: exact cash
    clock.advance(minutes=1)
    rep = shift_report(ctx)
    cash = rep["cash"]["IDR"]
    assert (cash["cashReceived"], cash["change"]) == (160_000, 97_000)
    assert cash["cashPayments"] == 26_500 + 26_500 + 10_000
    assert cash["expected"] == 200_000 + 63_000 and cash["cashRefunds"] == 0
    methods = {p["method"]: (p["count"], p["amount"]) for p in rep["payments"]}
    assert methods == {"cash": (3, 63_000), "edc": (1, 100_000), "qris": (1, 15_000),
                       "transfer": (1, 25_000)}
    assert sum(a for _, a in methods.values()) == rep["totals"]["IDR"]["paid"] == 203_000
    closed = close_shift(ctx, {"IDR": 263_000})
    assert closed["cash"]["IDR"]["difference"] == 0 and not shift_is_open(ctx)


def test_closing_without_an_opened_shift_starts_at_the_first_sale_not_in_2000(ctx, clock):
    clock.advance(hours=2)
    first_at = clock()
    a = sell(ctx, 5_000)
    mark_paid(ctx, a.id, PaymentInput("cash"))
    clock.advance(hours=1)
    rep = shift_report(ctx)
    assert rep["openedAt"] and not rep["openedAt"].startswith("2000")
    closed = close_shift(ctx, {"IDR": 5_000})
    assert closed["openedAt"] == first_at.isoformat().replace("+00:00", "Z")
    assert closed["from"] == closed["openedAt"] and closed["cash"]["IDR"]["expected"] == 5_000

    # The next unopened shift starts at that close, and counts only what came after.
    clock.advance(hours=1)
    b = sell(ctx, 7_000)
    mark_paid(ctx, b.id, PaymentInput("cash"))
    clock.advance(minutes=1)
    again = close_shift(ctx, {"IDR": 7_000})
    assert again["openedAt"] == closed["closedAt"]
    assert again["cash"]["IDR"]["expected"] == 7_000


def test_a_payment_without_tender_rows_still_counts_as_its_method(ctx, store, clock):
    from sqlalchemy import delete

    from app.store.models import PaymentTender

    open_shift(ctx, {"IDR": 0})
    clock.advance(minutes=1)
    a = sell(ctx, 12_000)
    mark_paid(ctx, a.id, PaymentInput("transfer", "BCA 1"))
    with store.unit_of_work() as uow:  # as a payment Plugipay reported paid online is stored
        uow.session.execute(delete(PaymentTender))
        uow.commit()
    clock.advance(minutes=1)
    rep = shift_report(ctx)
    assert [(p["method"], p["count"], p["amount"]) for p in rep["payments"]] == [
        ("transfer", 1, 12_000)]


def test_the_z_slip_shows_cash_received_and_change_and_fits_the_paper(ctx, clock):
    from app.reconcile.shift_print import shift_report_lines

    open_shift(ctx, {"IDR": 100_000})
    clock.advance(minutes=1)
    a = sell(ctx, 26_500)
    pay_with_tenders(ctx, a.id, PaymentInput(tenders=(Tender("cash", 50_000),)))
    clock.advance(minutes=1)
    lines = shift_report_lines(close_shift(ctx, {"IDR": 126_500}), 32)
    text = "\n".join(lines)
    assert max(len(l) for l in lines) <= 32
    for label, amount in (("Cash received", "Rp 50.000"), ("Change given", "Rp 23.500"),
                          ("Cash taken", "Rp 26.500"), ("Expected", "Rp 126.500")):
        assert any(l.strip().startswith(label) and l.endswith(amount) for l in lines), text
