"""Tax rates and the flat tax: parsing, the exclusive rule against an independent
Fraction computation, and totals that reconcile to the rupiah either way."""

from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from app.domain.errors import ValidationError
from app.domain.tax import TaxLine, compute_tax, format_rate, parse_rate, spread


@pytest.mark.parametrize("text,rate", [("11", 1100), ("1.1", 110), ("12.5", 1250), ("0", 0),
                                       ("100", 10000), ("12,25", 1225), (" 11 % ", 1100),
                                       (12, 1200), ("0.05", 5)])
def test_rates_parse_from_decimal_text_into_hundredths_of_a_percent(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["-1", "100.01", "101", "1.123", "abc", "", None, "1e2",
                                  "1.", True, 1.5])
def test_bad_rates_are_refused_with_a_validation_error(text):
    with pytest.raises(ValidationError) as err:
        parse_rate(text)
    assert err.value.code == "validation_error" and err.value.field == "tax_rate"


def test_rates_format_back_to_the_shortest_decimal():
    assert [format_rate(r) for r in (1100, 110, 1250, 0, 5)] == ["11", "1.1", "12.5", "0", "0.05"]


def test_ppn_on_a_simple_exclusive_invoice_rounds_half_up():
    # 3 × 15.000 at 11 % = 4.950; 1 × 4.550 at 11 % = 500.5 -> 501 (half up)
    r = compute_tax([TaxLine(3, 15000, 1100)], 0, inclusive=False)
    assert (r.subtotal, r.discount, r.tax, r.total) == (45000, 0, 4950, 49950)
    assert compute_tax([TaxLine(1, 4550, 1100)], 0, inclusive=False).tax == 501


def test_the_discount_is_spread_by_base_and_the_remainder_goes_to_the_largest_group():
    # bases 20.000 (11 %) and 10.000 (0 %); discount 1.001 -> 667 and 333, +1 to the largest
    r = compute_tax([TaxLine(2, 10000, 1100), TaxLine(1, 10000, 0)], 1001, inclusive=False)
    shares = {g.rate: g.discount for g in r.groups}
    assert shares == {1100: 668, 0: 333}
    assert r.tax == 2127  # (20000 - 668) × 11 % = 2126.52 -> 2127
    assert spread(10, [10, 10, 10]) == [4, 3, 3] and spread(9, [1, 2]) == [1, 2]


def test_shelf_prices_including_tax_are_what_the_customer_pays():
    r = compute_tax([TaxLine(1, 11100, 1100), TaxLine(2, 5000, 0)], 0, inclusive=True)
    assert r.unit_amounts == (10000, 5000)
    assert (r.subtotal, r.discount, r.tax, r.total) == (20000, 0, 1100, 21100)


def exact_exclusive_tax(lines, discount):
    """The rule of issue 14, computed independently with Fractions."""
    groups = {}
    for q, u, rate in lines:
        groups[rate] = groups.get(rate, 0) + q * u
    total = sum(groups.values())
    d = min(discount, total)
    if total == 0:
        return 0
    order = sorted(groups)
    shares = {k: (Fraction(d) * groups[k] / total).__floor__() for k in order}
    largest = max(order, key=lambda k: (groups[k], -order.index(k)))
    shares[largest] += d - sum(shares.values())
    tax = 0
    for k in order:
        x = Fraction(groups[k] - shares[k]) * Fraction(k, 10000)
        tax += (x + Fraction(1, 2)).__floor__()
    return tax


rate_st = st.sampled_from([0, 1100, 1200, 110, 1250, 500, 10000, 1])
line_st = st.tuples(st.integers(1, 1000), st.integers(0, 5_000_000), rate_st)
lines_st = st.lists(line_st, min_size=1, max_size=8)


@settings(max_examples=400, deadline=None)
@given(lines=lines_st, discount=st.integers(0, 10_000_000_000))
def test_exclusive_tax_matches_the_rule_exactly_and_totals_reconcile(lines, discount):
    r = compute_tax([TaxLine(*l) for l in lines], discount, inclusive=False)
    assert r.tax == exact_exclusive_tax(lines, discount)
    assert r.tax == sum(g.tax for g in r.groups) and r.tax >= 0
    subtotal = sum(q * u for q, u, _ in lines)
    assert r.subtotal == subtotal and r.discount == discount
    assert r.total == max(0, subtotal - discount + r.tax) >= 0


@settings(max_examples=400, deadline=None)
@given(lines=lines_st, discount=st.integers(0, 10_000_000_000))
def test_inclusive_totals_are_the_shelf_prices_minus_the_discount(lines, discount):
    r = compute_tax([TaxLine(*l) for l in lines], discount, inclusive=True)
    shelf = sum(q * u for q, u, _ in lines)
    assert r.subtotal == sum(q * u for (q, _, _), u in zip(lines, r.unit_amounts))
    assert r.subtotal - r.discount + r.tax == max(0, shelf - discount)
    assert r.total == max(0, shelf - discount)
    assert r.tax >= 0 and r.discount >= 0 and all(g.tax >= 0 for g in r.groups)
    assert r.tax == sum(g.tax for g in r.groups) and r.discount == sum(g.discount for g in r.groups)
    for (_q, u, rate), net in zip(lines, r.unit_amounts):
        assert 0 <= net <= u
        if rate == 0:
            assert net == u
