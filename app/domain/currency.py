"""Kasir's own currency table: the exponent is Plugipay's, not CLDR's."""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import _

from .errors import ValidationError


@dataclass(frozen=True)
class Currency:
    code: str
    exponent: int  # digits of the minor unit: IDR 0, USD 2
    locale: str  # the locale whose conventions people expect for it
    pattern: str  # Babel number pattern, digits fixed by `exponent`


CURRENCIES: dict[str, Currency] = {
    "IDR": Currency("IDR", 0, "id_ID", "\u00a4\u00a0#,##0"),
    "USD": Currency("USD", 2, "en_US", "\u00a4#,##0.00"),
}

# Largest amount Kasir accepts anywhere: far above any real sale, far below
# the 64-bit limits of SQLite and PostgreSQL even after multiplying and summing.
MAX_AMOUNT = 10**15
MAX_QUANTITY = 1_000_000


def get_currency(code: str) -> Currency:
    if not isinstance(code, str) or code.upper() not in CURRENCIES:
        known = ", ".join(sorted(CURRENCIES))
        raise ValidationError(
            _("Unknown currency {code}. Choose one of: {known}.", code=repr(code), known=known), field="currency"
        )
    return CURRENCIES[code.upper()]
