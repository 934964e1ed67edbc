"""Formatting integer amounts for people, with Babel and Kasir's exponents."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from app.i18n import _

from .currency import get_currency
from .errors import ValidationError


@lru_cache(maxsize=64)
def _pattern(currency: str, locale: str | None):
    from babel.numbers import parse_pattern  # lazy: Babel only when an amount is formatted

    cur = get_currency(currency)
    return parse_pattern(cur.pattern), (locale or cur.locale)


def to_major(amount: int, currency: str) -> Decimal:
    """The amount in major units as an exact Decimal (never a float)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be an int, got {type(amount).__name__}")
    return Decimal(amount).scaleb(-get_currency(currency).exponent)


def format_money(amount: int, currency: str, locale: str | None = None) -> str:
    """`Rp 1.500.000`, `$10.00`: the sign, symbol and separators of the locale."""
    from babel.numbers import format_currency  # lazy: Babel only when an amount is formatted

    cur = get_currency(currency)
    loc = locale or cur.locale
    text = format_currency(
        to_major(amount, cur.code),
        cur.code,
        format=cur.pattern,
        locale=loc,
        currency_digits=False,
    )
    return text.replace("\u00a0", " ")


def format_plain(amount: int, currency: str, locale: str | None = None) -> str:
    """The number alone, grouped as the locale does (`1.500.000`, `10.00`)."""
    from babel.numbers import format_decimal  # lazy: Babel only when an amount is formatted

    cur = get_currency(currency)
    digits = cur.exponent
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(to_major(amount, cur.code), format=pattern, locale=locale or cur.locale)


def parse_amount(text: str, currency: str) -> int:
    """Parse what a person typed in major units (`1.500.000`, `10.50`) to minor units.

    Accepts the locale's grouping; refuses more decimals than the currency has.
    """
    cur = get_currency(currency)
    raw = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    for prefix in ("Rp", "rp", "RP", "$", "IDR", "USD"):
        if raw.startswith(prefix):
            raw = raw[len(prefix):]
    if not raw:
        raise ValidationError(_("Enter an amount."), field="amount")
    neg = raw.startswith("-")
    raw = raw.lstrip("-")
    if cur.exponent == 0:
        # IDR: dots and commas are both grouping; no decimals exist.
        digits = raw.replace(".", "").replace(",", "")
        if not digits.isdigit():
            raise ValidationError(_("{text} is not an amount in {currency}.", text=repr(text),
                                    currency=cur.code), field="amount")
        value = int(digits)
    else:
        whole, sep, frac = raw.replace(",", "").rpartition(".") if "." in raw else (raw.replace(",", ""), "", "")
        if not sep:
            whole, frac = raw.replace(",", ""), ""
        if not (whole or frac) or not (whole.isdigit() or whole == "") or not (frac.isdigit() or frac == ""):
            raise ValidationError(_("{text} is not an amount in {currency}.", text=repr(text),
                                    currency=cur.code), field="amount")
        if len(frac) > cur.exponent:
            raise ValidationError(
                _("{currency} has only {digits} decimals.", currency=cur.code, digits=cur.exponent), field="amount"
            )
        value = int(whole or "0") * 10**cur.exponent + int((frac or "0").ljust(cur.exponent, "0"))
    return -value if neg else value
