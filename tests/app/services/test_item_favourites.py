"""Favourites for the counter's grid: set, kept by a form that does not show
them, listed by category and name, refused with a reason when malformed."""

from __future__ import annotations

import pytest

from app.domain.errors import ValidationError
from app.services.items import ItemInput, add_item, edit_item, get_item, list_favourites
from sqlalchemy import select

from app.store.models import HistoryEntry


def test_favourites_by_category_then_name_active_only(ctx):
    add_item(ctx, ItemInput("TEH", "Es teh", 5000, favourite=True, category="Minuman"))
    add_item(ctx, ItemInput("KOPI", "Kopi susu", 18000, favourite=True, category="Minuman"))
    add_item(ctx, ItemInput("ROTI", "Roti bakar", 15000, favourite=True, category="Makanan"))
    add_item(ctx, ItemInput("OLD", "Old one", 1000, active=False, favourite=True))
    add_item(ctx, ItemInput("USD", "Import", 500, currency="USD", favourite=True))
    add_item(ctx, ItemInput("LAIN", "Plain", 1000))
    assert [(i.category, i.name) for i in list_favourites(ctx, "IDR")] == [
        ("Makanan", "Roti bakar"), ("Minuman", "Es teh"), ("Minuman", "Kopi susu")]
    assert [i.code for i in list_favourites(ctx, "USD")] == ["USD"]


def test_an_edit_without_the_flag_keeps_it_and_the_history_says_so(ctx):
    rec = add_item(ctx, ItemInput("TEH", "Es teh", 5000, favourite=True, category=" Minuman "))
    assert (rec.favourite, rec.category) == (True, "Minuman")
    edit_item(ctx, rec.id, ItemInput("TEH", "Es teh manis", 6000))  # e.g. the CLI's edit
    got = get_item(ctx, rec.id)
    assert (got.favourite, got.category, got.name) == (True, "Minuman", "Es teh manis")
    edit_item(ctx, rec.id, ItemInput("TEH", "Es teh manis", 6000, favourite=False, category=""))
    got = get_item(ctx, rec.id)
    assert (got.favourite, got.category) == (False, "")
    assert got.to_json()["favourite"] is False
    with ctx.store.reader() as uow:
        last = uow.session.execute(select(HistoryEntry).where(
            HistoryEntry.entity_type == "item", HistoryEntry.entity_id == rec.id)
            .order_by(HistoryEntry.id.desc())).scalars().first()
        assert last.before.get("favourite") is True and "favourite" not in last.after


def test_malformed_favourite_or_category_is_refused_and_nothing_stored(ctx):
    with pytest.raises(ValidationError) as err:
        add_item(ctx, ItemInput("X", "X", 1, favourite="yes", category="y" * 61))
    fields = {f for f, _m in err.value.problems}
    assert fields == {"favourite", "category"}
    assert list_favourites(ctx) == ()
