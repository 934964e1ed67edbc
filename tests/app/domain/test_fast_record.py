"""`fast_record` builds the same frozen record as the dataclass's own __init__."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest

from app.domain.lifecycle import Status
from app.domain.records import InvoiceRecord, LineRecord, fast_record

AT = datetime(2026, 12, 6, 9, 30, tzinfo=timezone.utc)
VALUES = (7, "T1", "T1-000007", "in_1", "INV-7", "https://pay/7", 3, "Budi", "b@x.id", "IDR",
          Status.PAID, "paid", 36000, 0, 3960, 39960, 39960, None, AT, AT, None, None, "", "memo",
          "synced", "ana", AT, AT, (LineRecord("Kopi", 2, 18000, 36000),), 1000)


def test_the_same_record_as_the_constructor():
    fast, slow = fast_record(InvoiceRecord, VALUES), InvoiceRecord(*VALUES)
    assert fast == slow and hash(fast) == hash(slow)
    assert dataclasses.asdict(fast) == dataclasses.asdict(slow)
    assert fast.amount_due == 0 and fast.amount_refunded == 1000 and fast.lines[0].amount == 36000
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.total = 1  # still frozen


def test_a_missing_field_is_refused():
    with pytest.raises(ValueError):
        fast_record(InvoiceRecord, VALUES[:-1])
