"""Checking what a person or a script typed, before anything is stored."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from app.i18n import _

from .currency import MAX_AMOUNT, MAX_QUANTITY, get_currency
from .errors import ValidationError
from .tax import parse_rate

MAX_ID = 2 ** 63 - 1  # the largest INTEGER primary key SQLite and PostgreSQL store
MAX_LINES = 500
MAX_DESCRIPTION = 500
MAX_MEMO = 1000
MAX_REASON = 500

# Characters no stored text may hold: C0 and C1 controls (terminal escapes, bells, NUL),
# DEL, lone surrogates (bytes that were not UTF-8), and the bidi overrides and isolates
# that make "exe.txt" read as "txt.exe". Multi-line fields (notes, memo) keep \n and \t.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                    "\ud800-\udfff]")
UNSAFE_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f"
                              "\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@dataclass(frozen=True)
class LineInput:
    description: str
    quantity: int
    unit_amount: int
    item_code: str | None = None  # the catalogue item it came from: its own tax rate, if any


@dataclass(frozen=True)
class DraftInput:
    customer_id: str | None
    currency: str
    lines: tuple[LineInput, ...]
    discount: int = 0
    tax: int = 0
    due_at: datetime | None = None
    memo: str = ""
    # Issue 14: a percentage as typed ("11", "1.1") or TAX_RATE_SHOP to compute the
    # flat tax from rates (app/domain/tax.py) instead of a typed `tax`. Cleaned by
    # validate_draft into hundredths of a percent (int) or TAX_RATE_SHOP.
    tax_rate: str | int | None = None


TAX_RATE_SHOP = "shop"  # the shop's default rate, from Settings


@dataclass
class Problems:
    """Collects every problem so a form can mark each field at once."""

    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, field_name: str, message: str) -> None:
        self.items.append((field_name, message))

    def raise_if_any(self) -> None:
        if self.items:
            field_name, message = self.items[0]
            err = ValidationError(message, field=field_name)
            err.problems = list(self.items)  # type: ignore[attr-defined]
            raise err


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_amount(value, name: str, label: str, problems: Problems, *, allow_zero=True) -> None:
    if not _is_int(value):
        problems.add(name, _("{label} must be a whole number in the smallest currency unit.",
                             label=label))
    elif value < 0:
        problems.add(name, _("{label} cannot be negative.", label=label))
    elif value == 0 and not allow_zero:
        problems.add(name, _("{label} must be more than zero.", label=label))
    elif value > MAX_AMOUNT:
        problems.add(name, _("{label} is too large.", label=label))


def unsafe_char(text: str, *, multiline: bool = False) -> str | None:
    """The first character of `text` that must not be stored, shown as an escape, or None."""
    found = (UNSAFE_MULTILINE if multiline else UNSAFE).search(text)
    return None if found is None else ascii(found.group())[1:-1]


def strip_unsafe(text: str, *, multiline: bool = False) -> str:
    """`text` without the characters no stored text may hold (for a paste into the window)."""
    return (UNSAFE_MULTILINE if multiline else UNSAFE).sub("", text)


def clean_text(value, name: str, label: str, limit: int, problems: Problems, *,
               multiline: bool = False) -> str:
    """Stripped text, or a problem naming the field: not text, an unsafe character, too long.
    `multiline` fields (notes, memo) may hold line breaks and tabs."""
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.add(name, _("{label} must be text.", label=label))
        return ""
    text = value.strip()
    bad = unsafe_char(text, multiline=multiline)
    if bad is not None:
        problems.add(name, _("{label} contains a control character ({char}), such as a terminal "
                             "escape or a text-direction override: remove it.",
                             label=label, char=bad))
    if len(text) > limit:
        problems.add(name, _("{label} is too long (at most {limit} characters).",
                             label=label, limit=limit))
    return text


def _iso_moment(text: str) -> datetime:
    """ValueError (or TypeError, OverflowError) unless `text` is an ISO 8601 date or
    date-time; a bare date means the end of that day, UTC."""
    if len(text) == 10:
        d = datetime.strptime(text, "%Y-%m-%d")
        return d.replace(hour=23, minute=59, second=59, tzinfo=timezone.utc)
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)  # OverflowError past year 9999


def parse_moment(text: str | None, label: str, field_name: str) -> datetime | None:
    """A moment typed as ISO 8601, in UTC, or a refusal naming the argument."""
    if text is None or text == "":
        return None
    try:
        return _iso_moment(text)
    except (ValueError, TypeError, OverflowError):
        raise ValidationError(
            _("{label} {text} is not a valid date. Use a date like 2026-12-31 "
              "or a date and time like 2026-12-31T17:00:00+07:00.", label=label,
              text=repr(text)),
            field=field_name,
        ) from None


def parse_due(text: str | None) -> datetime | None:
    """The due date: an ISO 8601 date or date-time; a bare date means the end of that day."""
    if text is None or text == "":
        return None
    try:
        return _iso_moment(text)
    except (ValueError, TypeError, OverflowError):
        raise ValidationError(
            _("{text} is not a valid due date. Use a date like 2026-12-31 "
              "or a date and time like 2026-12-31T17:00:00+07:00.", text=repr(text)),
            field="due_at",
        ) from None


def _clean_rate(data: DraftInput, problems: Problems):
    rate = data.tax_rate
    if rate is None or rate == "":
        return None
    if data.tax:
        problems.add("tax_rate", _("Give either a tax amount or a tax rate, not both."))
        return None
    if rate == TAX_RATE_SHOP:
        return rate
    try:
        return parse_rate(rate)
    except ValidationError as exc:
        problems.add("tax_rate", exc.message)
        return None


def _clean_code(line: LineInput, i: int, problems: Problems) -> str | None:
    if line.item_code is None:
        return None
    code = clean_text(line.item_code, f"lines[{i}].item_code", _("Line {n} item code", n=i),
                      64, problems)
    return code.upper() or None


def validate_draft(data: DraftInput, *, customer_required: bool = True) -> DraftInput:
    """Return a cleaned copy of `data`, or raise ValidationError naming every problem.
    Services pass customer_required=False: no customer means the walk-in customer."""
    problems = Problems()
    currency = data.currency
    try:
        currency = get_currency(data.currency).code
    except ValidationError as exc:
        problems.add("currency", exc.message)
    if not data.customer_id and customer_required:
        problems.add("customer_id", _("Choose a customer for this invoice."))
    if not data.lines:
        problems.add("lines", _("Add at least one line: an invoice cannot be empty."))
    if len(data.lines) > MAX_LINES:
        problems.add("lines", _("An invoice can have at most {count} lines.", count=MAX_LINES))
    lines = []
    subtotal = 0
    for i, line in enumerate(data.lines, start=1):
        desc = clean_text(line.description, f"lines[{i}].description", _("Line {n} description",
                                                                         n=i),
                          MAX_DESCRIPTION, problems)
        if not desc:
            problems.add(f"lines[{i}].description", _("Line {n} needs a description.", n=i))
        q = line.quantity
        if not _is_int(q):
            problems.add(f"lines[{i}].quantity", _("Line {n} quantity must be a whole number.",
                                                   n=i))
        elif q <= 0:
            problems.add(f"lines[{i}].quantity", _("Line {n} quantity must be at least 1.", n=i))
        elif q > MAX_QUANTITY:
            problems.add(f"lines[{i}].quantity", _("Line {n} quantity is too large.", n=i))
        check_amount(line.unit_amount, f"lines[{i}].unit_amount", _("Line {n} unit price", n=i), problems)
        if _is_int(q) and _is_int(line.unit_amount):
            subtotal += q * line.unit_amount
        lines.append(LineInput(desc, q, line.unit_amount, _clean_code(line, i, problems)))
    if subtotal > MAX_AMOUNT:
        problems.add("lines", _("The invoice total is too large."))
    check_amount(data.discount, "discount", _("Discount"), problems)
    check_amount(data.tax, "tax", _("Tax"), problems)
    memo = clean_text(data.memo, "memo", _("Memo"), MAX_MEMO, problems, multiline=True)
    rate = _clean_rate(data, problems)
    problems.raise_if_any()
    return DraftInput(data.customer_id, currency, tuple(lines), data.discount, data.tax,
                      data.due_at, memo, rate)


def validate_reason(reason, label: str | None = None) -> str:
    problems = Problems()
    text = clean_text(reason, "reason", label or _("Reason"), MAX_REASON, problems)
    problems.raise_if_any()
    return text
