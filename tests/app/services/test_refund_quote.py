"""The refund quote the window prices with: for any sequence of refunds by
lines and by amount, the amount it shows is the amount `refund` stores, and
it refuses exactly what `refund` refuses (real SQLite files)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from app.domain.errors import ConflictError, KasirError
from app.domain.refunds import RefundInput, RefundLineInput
from app.services.context import Context, open_store
from app.services.customers import CustomerInput, add_customer
from app.services.invoices import PaymentInput, create_and_issue, mark_paid
from app.services.refund_quote import refund_quote
from app.services.refunds import refund
from tests.conftest import FakeClock, draft_input

LINES = (("Kopi susu", 2, 18000), ("Roti bakar", 3, 12500), ("Air", 5, 3000))

step_st = st.one_of(
    st.integers(-5, 90_000).map(lambda a: RefundInput(amount=a)),
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4)), min_size=0, max_size=3,
             unique_by=lambda t: t[0]).map(
        lambda ls: RefundInput(lines=tuple(RefundLineInput(i, q) for i, q in ls))),
)
_n = itertools.count()


def test_an_unpaid_invoice_has_no_quote(ctx, make_draft):
    with pytest.raises(ConflictError):
        refund_quote(ctx, make_draft().id)


def test_the_quote_lists_what_came_back(ctx, customer):
    inv = create_and_issue(ctx, draft_input(customer.id, lines=LINES, discount=1000))
    mark_paid(ctx, inv.id, PaymentInput("cash"))
    refund(ctx, inv.id, RefundInput(lines=(RefundLineInput(1, 2),)))
    refund(ctx, inv.id, RefundInput(amount=500))
    q = refund_quote(ctx, inv.id)
    assert [(l.description, l.quantity, l.returned, l.left) for l in q.lines] == [
        ("Kopi susu", 2, 0, 2), ("Roti bakar", 3, 2, 1), ("Air", 5, 0, 5)]
    assert q.amount_paid == 88500 - 1000 and q.left == q.amount_paid - q.amount_refunded
    assert q.given_by_lines == q.amount_refunded - 500


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(discount=st.integers(0, 9000), tax=st.integers(0, 9000),
       steps=st.lists(step_st, min_size=1, max_size=6))
def test_the_quote_prices_every_refund_as_the_refund_does(tmp_path, discount, tax, steps):
    store = open_store(tmp_path / f"quote-{next(_n)}.db")
    try:
        ctx = Context(store, operator="ana", till="T1", clock=FakeClock())
        cust = add_customer(ctx, CustomerInput("Budi"))
        inv = create_and_issue(ctx, draft_input(cust.id, lines=LINES, discount=discount,
                                                tax=tax))
        mark_paid(ctx, inv.id, PaymentInput("cash"))
        for data in steps:
            quote = refund_quote(ctx, inv.id)
            try:
                shown = quote.amount_for(data)
            except KasirError as err:
                shown = err.code
            try:
                stored = refund(ctx, inv.id, data).amount
            except KasirError as err:
                stored = err.code
            assert shown == stored, (data, quote)
    finally:
        store.dispose()
