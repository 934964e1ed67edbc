"""Checking what a person or a script typed, before anything is stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from .currency import MAX_AMOUNT, MAX_QUANTITY, get_currency
from .errors import ValidationError

MAX_LINES = 500
MAX_DESCRIPTION = 500
MAX_MEMO = 1000
MAX_REASON = 500


@dataclass(frozen=True)
class LineInput:
    description: str
    quantity: int
    unit_amount: int


@dataclass(frozen=True)
class DraftInput:
    customer_id: str | None
    currency: str
    lines: tuple[LineInput, ...]
    discount: int = 0
    tax: int = 0
    due_at: datetime | None = None
    memo: str = ""


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
        problems.add(name, f"{label} must be a whole number in the smallest currency unit.")
    elif value < 0:
        problems.add(name, f"{label} cannot be negative.")
    elif value == 0 and not allow_zero:
        problems.add(name, f"{label} must be more than zero.")
    elif value > MAX_AMOUNT:
        problems.add(name, f"{label} is too large.")


def clean_text(value, name: str, label: str, limit: int, problems: Problems) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.add(name, f"{label} must be text.")
        return ""
    text = value.strip()
    if "\x00" in text:
        problems.add(name, f"{label} contains a character that cannot be stored.")
    if len(text) > limit:
        problems.add(name, f"{label} is too long (at most {limit} characters).")
    return text


def parse_due(text: str | None) -> datetime | None:
    """An ISO 8601 date or date-time; a bare date means the end of that day, UTC."""
    if text is None or text == "":
        return None
    try:
        if len(text) == 10:
            d = datetime.strptime(text, "%Y-%m-%d")
            return d.replace(hour=23, minute=59, second=59, tzinfo=timezone.utc)
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, TypeError):
        raise ValidationError(
            f"{text!r} is not a valid due date. Use a date like 2026-12-31 "
            "or a date and time like 2026-12-31T17:00:00+07:00.",
            field="due_at",
        ) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def validate_draft(data: DraftInput) -> DraftInput:
    """Return a cleaned copy of `data`, or raise ValidationError naming every problem."""
    problems = Problems()
    currency = data.currency
    try:
        currency = get_currency(data.currency).code
    except ValidationError as exc:
        problems.add("currency", exc.message)
    if not data.customer_id:
        problems.add("customer_id", "Choose a customer for this invoice.")
    if not data.lines:
        problems.add("lines", "Add at least one line: an invoice cannot be empty.")
    if len(data.lines) > MAX_LINES:
        problems.add("lines", f"An invoice can have at most {MAX_LINES} lines.")
    lines = []
    subtotal = 0
    for i, line in enumerate(data.lines, start=1):
        desc = clean_text(line.description, f"lines[{i}].description", f"Line {i} description",
                          MAX_DESCRIPTION, problems)
        if not desc:
            problems.add(f"lines[{i}].description", f"Line {i} needs a description.")
        q = line.quantity
        if not _is_int(q):
            problems.add(f"lines[{i}].quantity", f"Line {i} quantity must be a whole number.")
        elif q <= 0:
            problems.add(f"lines[{i}].quantity", f"Line {i} quantity must be at least 1.")
        elif q > MAX_QUANTITY:
            problems.add(f"lines[{i}].quantity", f"Line {i} quantity is too large.")
        check_amount(line.unit_amount, f"lines[{i}].unit_amount", f"Line {i} unit price", problems)
        if _is_int(q) and _is_int(line.unit_amount):
            subtotal += q * line.unit_amount
        lines.append(LineInput(desc, q, line.unit_amount))
    if subtotal > MAX_AMOUNT:
        problems.add("lines", "The invoice total is too large.")
    check_amount(data.discount, "discount", "Discount", problems)
    check_amount(data.tax, "tax", "Tax", problems)
    memo = clean_text(data.memo, "memo", "Memo", MAX_MEMO, problems)
    problems.raise_if_any()
    return DraftInput(data.customer_id, currency, tuple(lines), data.discount, data.tax,
                      data.due_at, memo)


def validate_reason(reason, label: str = "Reason") -> str:
    problems = Problems()
    text = clean_text(reason, "reason", label, MAX_REASON, problems)
    problems.raise_if_any()
    return text
