import pytest

from app.domain.errors import ValidationError
from app.domain.money import format_money, format_plain, parse_amount, to_major


@pytest.mark.parametrize("amount,currency,text", [
    (1_500_000, "IDR", "Rp 1.500.000"),
    (0, "IDR", "Rp 0"),
    (1_743_500_000, "IDR", "Rp 1.743.500.000"),
    (1000, "USD", "$10.00"),
    (5, "USD", "$0.05"),
    (123456789, "USD", "$1,234,567.89"),
    (-1000, "USD", "-$10.00"),
])
def test_format_money(amount, currency, text):
    assert format_money(amount, currency) == text


def test_idr_has_no_minor_unit_even_though_cldr_says_two():
    assert "," not in format_money(100000, "IDR")
    assert format_plain(100000, "IDR") == "100.000"


def test_to_major_is_exact_decimal_not_float():
    from decimal import Decimal
    assert to_major(1999, "USD") == Decimal("19.99")
    with pytest.raises(TypeError):
        to_major(19.99, "USD")  # a float amount is a bug, refused


@pytest.mark.parametrize("text,currency,value", [
    ("1.500.000", "IDR", 1_500_000), ("Rp 18.000", "IDR", 18000), ("18000", "IDR", 18000),
    ("10.50", "USD", 1050), ("$1,234.5", "USD", 123450), ("7", "USD", 700),
])
def test_parse_amount(text, currency, value):
    assert parse_amount(text, currency) == value


@pytest.mark.parametrize("text,currency", [("", "IDR"), ("abc", "IDR"), ("1.005", "USD"),
                                           ("12x", "USD"), ("1", "EUR")])
def test_parse_amount_refuses(text, currency):
    with pytest.raises(ValidationError):
        parse_amount(text, currency)
