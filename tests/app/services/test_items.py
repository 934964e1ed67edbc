"""The item catalogue: add, edit, search, find by code, refusals change nothing."""

from __future__ import annotations

import pytest

from app.domain.errors import NotFoundError, ValidationError
from app.services.items import (ItemInput, add_item, edit_item, find_by_code, get_item,
                                list_items)
from app.services.sync_status import pending_operations
from app.store.models import HistoryEntry, Item
from sqlalchemy import func, select


def count_items(ctx) -> int:
    with ctx.store.reader() as uow:
        return uow.session.execute(select(func.count()).select_from(Item)).scalar_one()


def test_add_and_find_by_code_ignores_case_and_spaces(ctx):
    rec = add_item(ctx, ItemInput(" 8991234567890 ", "Kopi susu", 18000, "idr"))
    assert rec.code == "8991234567890" and rec.currency == "IDR" and rec.unit_amount == 18000
    assert find_by_code(ctx, "8991234567890\n") == rec
    add_item(ctx, ItemInput("kp-1", "Kopi hitam", 12000))
    assert find_by_code(ctx, " Kp-1 ").name == "Kopi hitam"
    assert find_by_code(ctx, "nothing") is None
    assert find_by_code(ctx, "") is None


def test_history_written(ctx):
    rec = add_item(ctx, ItemInput("A1", "Teh", 5000))
    edit_item(ctx, rec.id, ItemInput("A1", "Teh manis", 6000))
    with ctx.store.reader() as uow:
        rows = uow.session.execute(select(HistoryEntry).where(
            HistoryEntry.entity_type == "item").order_by(HistoryEntry.id)).scalars().all()
        assert [h.action for h in rows] == ["create", "edit"]
        assert rows[1].before["unitAmount"] == 5000 and rows[1].after["unitAmount"] == 6000
        assert rows[1].operator == "ana"


def test_duplicate_code_refused_and_nothing_changes(ctx):
    add_item(ctx, ItemInput("A1", "Teh", 5000))
    with pytest.raises(ValidationError) as e:
        add_item(ctx, ItemInput("a1", "Other", 1000))
    assert e.value.field == "code" and "already used" in e.value.message
    assert count_items(ctx) == 1
    b = add_item(ctx, ItemInput("B1", "Roti", 7000))
    with pytest.raises(ValidationError):
        edit_item(ctx, b.id, ItemInput("A1", "Roti", 7000))
    assert get_item(ctx, b.id).code == "B1"


@pytest.mark.parametrize("data, field", [
    (ItemInput("", "Teh", 5000), "code"),
    (ItemInput("A 1", "Teh", 5000), "code"),
    (ItemInput("A1", "  ", 5000), "name"),
    (ItemInput("A1", "Teh", -1), "unit_amount"),
    (ItemInput("A1", "Teh", 10.5), "unit_amount"),
    (ItemInput("A1", "Teh", 5000, "EUR"), "currency"),
    (ItemInput("A1", "Teh", 10**16), "unit_amount"),
])
def test_invalid_input_refused(ctx, data, field):
    with pytest.raises(ValidationError) as e:
        add_item(ctx, data)
    assert field in [f for f, _ in e.value.problems]
    assert count_items(ctx) == 0


def test_currency_mismatch_refused(ctx):
    add_item(ctx, ItemInput("USB", "Cable", 1050, "USD"))
    with pytest.raises(ValidationError, match="priced in USD"):
        find_by_code(ctx, "usb", currency="IDR")
    assert find_by_code(ctx, "usb", currency="usd").unit_amount == 1050


def test_inactive_items_hidden(ctx):
    rec = add_item(ctx, ItemInput("OLD", "Old thing", 100))
    edit_item(ctx, rec.id, ItemInput("OLD", "Old thing", 100, active=False))
    assert find_by_code(ctx, "OLD") is None
    assert list_items(ctx).items == ()
    assert [i.code for i in list_items(ctx, include_inactive=True).items] == ["OLD"]


def test_list_search_and_pages(ctx):
    for n in range(7):
        add_item(ctx, ItemInput(f"K{n}", f"Kopi {n}", 1000 + n))
    add_item(ctx, ItemInput("T1", "Teh 100%", 500))
    assert [i.code for i in list_items(ctx, "teh").items] == ["T1"]
    assert [i.code for i in list_items(ctx, "k3").items] == ["K3"]
    assert list_items(ctx, "%").items[0].code == "T1" and len(list_items(ctx, "%").items) == 1
    seen, after = [], None
    while True:
        page = list_items(ctx, "kopi", limit=3, after=after)
        seen += [i.code for i in page.items]
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert seen == [f"K{n}" for n in range(6, -1, -1)]
    with pytest.raises(ValidationError):
        list_items(ctx, limit=0)


def test_unknown_item(ctx):
    with pytest.raises(NotFoundError):
        get_item(ctx, 99)
    with pytest.raises(NotFoundError):
        edit_item(ctx, "x", ItemInput("A", "B", 1))


def test_pending_operations_counts_outbox(ctx, make_draft):
    from app.services.invoices import issue
    before = pending_operations(ctx)  # the customer fixture queued customer.create
    assert before == 1
    inv = make_draft()
    assert pending_operations(ctx) == 1
    issue(ctx, inv.id)
    assert pending_operations(ctx) == 2
