"""What a command-line word may be: an id, a whole number, an amount, a page size.

Each kind refuses with its own sentence naming the argument, and every number is checked
against the range the database can hold (SQLite and PostgreSQL integers are 64-bit), so
`kasir invoice show 99999999999999999999999` is told it is not an id instead of reaching
the driver. The `*_arg` functions are argparse `type=`s: they raise a coded ValidationError,
which argparse lets through to `main` (it only rewrites ValueError and TypeError).
"""

from __future__ import annotations

import re
from pathlib import Path

from app.domain.errors import ValidationError
from app.domain.validation import MAX_ID
from app.i18n import _

_WHOLE = re.compile(r"[+-]?[0-9][0-9_]*")


def _whole(text) -> int | None:
    """ASCII digits (with `_` as a thousands separator), or None: no `1e3`, `0x10`, `٣`."""
    s = str(text).strip()
    if len(s) > 40 or not _WHOLE.fullmatch(s) or "__" in s or s.endswith("_"):
        return None
    return int(s.replace("_", ""))


def _shown(text) -> str:
    text = repr(str(text))
    return text if len(text) <= 40 else text[:37] + "...'"


def parse_int(text, label: str, field_name: str | None = None, *, lo: int = -MAX_ID,
              hi: int = MAX_ID) -> int:
    """A whole number between lo and hi, e.g. a count of days or a width in columns."""
    n = _whole(text)
    if n is None:
        raise ValidationError(_("{label} {text} is not a whole number.", label=label,
                                text=_shown(text)), field=field_name)
    if not lo <= n <= hi:
        raise ValidationError(_("{label} must be between {lo} and {hi}.", label=label, lo=lo,
                                hi=hi), field=field_name)
    return n


def parse_amount(text, label: str, field_name: str | None = None) -> int:
    """Money as typed: a whole number in the smallest currency unit (range left to domain/)."""
    n = _whole(text)
    if n is None or abs(n) > MAX_ID:
        raise ValidationError(
            _("{label} {text} is not a whole number. Amounts are whole numbers in the smallest "
              "currency unit (100000 = Rp 100.000; 1000 = $10.00).", label=label,
              text=_shown(text)), field=field_name)
    return n


def parse_id(text, label: str, field_name: str | None = None) -> int:
    """A record's local id: a whole number from 1."""
    n = _whole(text)
    if n is None or not 1 <= n <= MAX_ID:
        raise ValidationError(_("{label} {text} is not an id: ids are whole numbers from 1, "
                                "as 'list' shows them.", label=label, text=_shown(text)),
                              field=field_name)
    return n


def parse_limit(value) -> int:
    n = _whole(value)
    if n is None or not 1 <= n <= 500:
        raise ValidationError(_("The limit must be between 1 and 500."), field="limit")
    return n


def parse_seconds(text, label: str, field_name: str | None = None, *, hi: float = 600) -> float:
    """A duration such as a printer's timeout: a number of seconds above 0, at most hi."""
    try:
        n = float(str(text).strip())
    except ValueError:
        n = float("nan")
    if not 0 < n <= hi:  # also refuses nan and inf
        raise ValidationError(_("{label} must be a number of seconds above 0 and at most {hi}.",
                                label=label, hi=hi), field=field_name)
    return n


def check_output_path(text, field_name: str) -> Path:
    """A file to write: a name in an existing folder, not a folder itself."""
    target = Path(str(text)).expanduser()
    if not str(text).strip() or target.is_dir() or not target.parent.is_dir():
        raise ValidationError(_("Cannot write to {path}: give a file name in an existing "
                                "folder.", path=repr(str(text))), field=field_name)
    # Try it (a folder such as /proc takes no new file, whatever its permission bits say),
    # and leave no empty file behind.
    existed = target.exists()
    try:
        with open(target, "ab"):
            pass
    except OSError as err:
        raise ValidationError(_("Cannot write to {path}: {reason}.", path=repr(str(text)),
                                reason=err.strerror or err), field=field_name) from None
    if not existed:
        target.unlink(missing_ok=True)
    return target


def record_ref_arg(text: str) -> str:
    """argparse type for a record named by id or by a code or number (`cus_...`,
    `T1-000001`, an item's barcode): digits alone must be an id the database can hold;
    other text passes as given, for the service to look up."""
    if str(text).strip().lstrip("+-").isdigit():
        parse_id(text, _("Id"), "id")
    return text


def record_id_arg(text: str) -> str:
    """argparse type for a record named only by its id; kept as text for the handlers."""
    return str(parse_id(text, _("Id"), "id"))
