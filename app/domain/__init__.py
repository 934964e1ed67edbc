"""Pure domain logic: money, the invoice lifecycle, totals, validation, errors."""
