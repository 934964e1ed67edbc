"""Tenders and change: the pure rule the pay step calls as the cashier types."""

import pytest
from hypothesis import given, settings, strategies as st

from app.domain.errors import ValidationError
from app.domain.tenders import Tender, quick_cash, settle


def test_cash_over_the_amount_due_is_change():
    s = settle(26500, [Tender("cash", 100000)])
    assert (s.cash_received, s.change, s.cash_kept, s.method) == (100000, 73500, 26500, "cash")


def test_a_split_between_card_and_cash_gives_change_only_from_cash():
    s = settle(126500, [Tender("EDC", 100000, " 4411 "), Tender("cash", 50000)])
    assert s.tenders[0] == Tender("edc", 100000, "4411")
    assert (s.cash_received, s.change, s.method, s.reference) == (50000, 23500, "edc", "4411")


@pytest.mark.parametrize("tenders,field", [
    ([], "tenders"),
    ([Tender("cash", 20000)], "tenders"),  # short
    ([Tender("edc", 30000)], "tenders[1].amount"),  # card over what is due
    ([Tender("qris", 20000), Tender("transfer", 20000)], "tenders"),  # non-cash together over
    ([Tender("cheque", 26500)], "tenders[1].method"),
    ([Tender("cash", 0)], "tenders[1].amount"),
    ([Tender("cash", -5), Tender("cash", 30000)], "tenders[1].amount"),
    ([Tender("cash", 265.0)], "tenders[1].amount"),
    ([Tender("cash", True)], "tenders[1].amount"),
    ([Tender("cash", 30000, "x" * 201)], "tenders[1].reference"),
])
def test_every_bad_tender_is_refused_with_the_field_to_fix(tenders, field):
    with pytest.raises(ValidationError) as err:
        settle(26500, tenders)
    assert err.value.field == field and err.value.code == "validation_error"


@settings(max_examples=300, deadline=None)
@given(due=st.integers(0, 10_000_000),
       tenders=st.lists(st.tuples(st.sampled_from(["cash", "edc", "transfer", "qris", "other"]),
                                  st.integers(1, 20_000_000)), min_size=1, max_size=5))
def test_a_settlement_always_adds_up(due, tenders):
    try:
        s = settle(due, [Tender(m, a) for m, a in tenders])
    except ValidationError:
        non_cash = [a for m, a in tenders if m != "cash"]
        assert sum(a for _, a in tenders) < due or sum(non_cash) > due
        return
    received = sum(a for _, a in tenders)
    assert s.change == received - due >= 0
    assert s.cash_received - s.change == due - sum(a for m, a in tenders if m != "cash")
    assert s.change <= s.cash_received


def test_quick_cash_buttons_offer_exact_and_the_notes_people_hand_over():
    assert quick_cash(26500) == [26500, 30000, 50000, 100000]
    assert quick_cash(3500) == [3500, 4000, 5000, 10000]
    assert quick_cash(100000) == [100000, 150000, 200000, 300000]
    assert quick_cash(150000) == [150000, 200000, 300000]
    assert quick_cash(0) == [0]


@given(st.integers(1, 50_000_000))
def test_quick_cash_is_exact_first_then_rising_and_at_most_four(due):
    buttons = quick_cash(due)
    assert buttons[0] == due and len(buttons) <= 4
    assert buttons == sorted(set(buttons))
    assert all(b % 1000 == 0 for b in buttons[1:])
