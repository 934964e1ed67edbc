from datetime import timezone

import pytest
from hypothesis import given, strategies as st

from app.domain.errors import ValidationError
from app.domain.totals import compute_totals
from app.domain.validation import DraftInput, LineInput, parse_due, validate_draft


def test_totals_formula():
    t = compute_totals([(2, 18000), (1, 25000)], discount=1000, tax=6600)
    assert (t.subtotal, t.total, t.amount_due) == (61000, 66600, 66600)


def test_total_is_floored_at_zero():
    t = compute_totals([(1, 5000)], discount=9000, tax=1000)
    assert t.total == 0 and t.amount_due == 0


@given(st.lists(st.tuples(st.integers(1, 1000), st.integers(0, 10**9)), min_size=1, max_size=30),
       st.integers(0, 10**10), st.integers(0, 10**10))
def test_totals_are_integers_and_follow_the_formula(lines, discount, tax):
    t = compute_totals(lines, discount, tax)
    assert all(isinstance(v, int) for v in (t.subtotal, t.total, t.amount_due))
    assert t.subtotal == sum(q * u for q, u in lines)
    assert t.total == max(0, t.subtotal - discount + tax)


def _draft(**kw):
    base = dict(customer_id=1, currency="IDR", lines=(LineInput("Kopi", 1, 18000),))
    base.update(kw)
    return DraftInput(**base)


@pytest.mark.parametrize("kw,field", [
    (dict(lines=()), "lines"),
    (dict(lines=(LineInput("", 1, 100),)), "lines[1].description"),
    (dict(lines=(LineInput("x", 0, 100),)), "lines[1].quantity"),
    (dict(lines=(LineInput("x", -2, 100),)), "lines[1].quantity"),
    (dict(lines=(LineInput("x", 1, -100),)), "lines[1].unit_amount"),
    (dict(lines=(LineInput("x", 1, 1.5),)), "lines[1].unit_amount"),
    (dict(lines=(LineInput("x", True, 100),)), "lines[1].quantity"),
    (dict(currency="EUR"), "currency"),
    (dict(discount=-1), "discount"),
    (dict(tax=10**16), "tax"),
    (dict(customer_id=None), "customer_id"),
    (dict(memo="x" * 5000), "memo"),
    (dict(lines=(LineInput("nul\x00byte", 1, 1),)), "lines[1].description"),
])
def test_validation_names_the_field(kw, field):
    with pytest.raises(ValidationError) as err:
        validate_draft(_draft(**kw))
    assert field in [f for f, _ in err.value.problems]
    assert err.value.code == "validation_error"


def test_validation_cleans_and_keeps_good_input():
    d = validate_draft(_draft(currency="usd", memo="  PO-1  ",
                              lines=(LineInput("  Kopi  ", 2, 100),)))
    assert d.currency == "USD" and d.memo == "PO-1" and d.lines[0].description == "Kopi"


def test_parse_due():
    assert parse_due("2026-12-31").tzinfo is timezone.utc
    assert parse_due("2026-12-31T17:00:00+07:00").hour == 10
    assert parse_due("") is None
    for bad in ("31/12/2026", "2026-13-01", "tomorrow"):
        with pytest.raises(ValidationError):
            parse_due(bad)
