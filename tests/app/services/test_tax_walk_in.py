"""Tax from rates and the walk-in customer, through the services on real SQLite."""

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from app.domain.errors import ValidationError
from app.domain.validation import DraftInput, LineInput, TAX_RATE_SHOP
from app.services import invoices as svc
from app.services.customers import WALK_IN_KEY, get_walk_in_customer
from app.services.items import ItemInput, add_item, edit_item, get_item
from app.services.settings import get_tax_settings, save_tax_settings
from app.store.models import Customer, HistoryEntry, OutboxOperation, Setting
from tests.app.services.db_digest import digest
from tests.conftest import draft_input


def sale(customer_id, lines, discount=0, tax=0, tax_rate=None):
    return DraftInput(customer_id, "IDR", tuple(LineInput(*l) for l in lines), discount, tax,
                      None, "", tax_rate)


def test_the_shop_starts_at_ppn_11_percent_with_prices_including_tax(ctx):
    t = get_tax_settings(ctx)
    assert (t.default_rate, t.prices_include_tax) == (1100, True)
    assert save_tax_settings(ctx, "12", False).default_rate == 1200
    assert get_tax_settings(ctx).to_json() == {"defaultRate": "12", "pricesIncludeTax": False}


@pytest.mark.parametrize("rate", ["-1", "abc", "100.5", "1.234"])
def test_a_bad_shop_rate_is_refused_and_nothing_changes(ctx, store, rate):
    before = digest(store)
    with pytest.raises(ValidationError) as err:
        save_tax_settings(ctx, rate, True)
    assert err.value.field == "default_rate" and digest(store) == before


def test_prices_without_tax_get_ppn_on_top_per_rate_group(ctx, customer):
    save_tax_settings(ctx, "11", False)
    add_item(ctx, ItemInput("BERAS", "Beras 5 kg", 70000, tax_rate="0"))
    inv = svc.create_draft(ctx, sale(customer.id, [("Kopi", 3, 15000, None),
                                                   ("Beras 5 kg", 1, 70000, "beras")],
                                     discount=11500, tax_rate=TAX_RATE_SHOP))
    # bases 45.000 (11 %) and 70.000 (0 %); discount 11.500 -> 4.500 and 7.000
    assert [(l.tax_rate, l.unit_amount) for l in inv.lines] == [(1100, 15000), (0, 70000)]
    assert (inv.subtotal, inv.discount, inv.tax, inv.total) == (115000, 11500, 4455, 107955)
    groups = {g.rate: (g.base, g.discount, g.tax) for g in inv.tax_groups}
    assert groups == {0: (70000, 7000, 0), 1100: (45000, 4500, 4455)}
    assert inv.to_json()["taxGroups"][1] == {"rate": "11", "base": 45000, "discount": 4500,
                                            "tax": 4455}


def test_shelf_prices_including_tax_are_exactly_what_the_customer_pays(ctx, customer, store):
    inv = svc.create_and_issue(ctx, sale(customer.id, [("Kopi", 3, 15000)], discount=5000,
                                         tax_rate=TAX_RATE_SHOP))
    assert inv.total == 40000
    assert inv.subtotal - inv.discount + inv.tax == 40000
    assert inv.lines[0].shelf_unit_amount == 15000 and inv.lines[0].unit_amount == 13514
    assert sum(g.tax for g in inv.tax_groups) == inv.tax
    with store.reader() as uow:
        payload = uow.session.execute(select(OutboxOperation.payload).where(
            OutboxOperation.operation == "invoice.issue")).scalar_one()
    assert payload["lines"][0]["unitAmount"] == 13514
    assert (payload["discount"], payload["tax"]) == (inv.discount, inv.tax)


def test_a_typed_rate_overrides_the_shop_rate_but_not_an_items_own(ctx, customer):
    save_tax_settings(ctx, "11", False)
    add_item(ctx, ItemInput("GULA", "Gula", 10000, tax_rate="0"))
    inv = svc.create_draft(ctx, sale(customer.id, [("Kopi", 1, 10000), ("Gula", 1, 10000, "gula")],
                                     tax_rate="1.1"))
    assert [l.tax_rate for l in inv.lines] == [110, 0] and inv.tax == 110


@pytest.mark.parametrize("kw,field", [
    (dict(tax=1000, tax_rate="11"), "tax_rate"),
    (dict(tax=1000, tax_rate=TAX_RATE_SHOP), "tax_rate"),
    (dict(tax_rate="-3"), "tax_rate"),
    (dict(tax_rate="eleven"), "tax_rate"),
    (dict(lines=[("Kopi", 1, 1000, "NOPE")], tax_rate="11"), "lines[1].item_code"),
])
def test_bad_tax_input_is_refused_and_stores_nothing(ctx, customer, store, kw, field):
    before = digest(store)
    lines = kw.pop("lines", [("Kopi", 1, 1000)])
    with pytest.raises(ValidationError) as err:
        svc.create_and_issue(ctx, sale(customer.id, lines, **kw))
    assert err.value.field == field or field in [f for f, _ in err.value.problems]
    assert digest(store) == before


def test_the_typed_tax_path_still_works(ctx, customer):
    inv = svc.create_draft(ctx, draft_input(customer.id, tax=4000))
    assert inv.tax == 4000 and inv.total == 40000 and inv.tax_groups == ()
    assert "taxGroups" not in inv.to_json() and "taxRate" not in inv.to_json()["lines"][0]


def test_an_items_rate_is_kept_and_shown(ctx):
    rec = add_item(ctx, ItemInput("TELUR", "Telur", 2500, tax_rate="0"))
    assert get_item(ctx, rec.id).tax_rate == 0 and rec.to_json()["taxRate"] == "0"
    # A form that shows no rate keeps it; None goes back to the shop's rate.
    assert edit_item(ctx, rec.id, ItemInput("TELUR", "Telur ayam", 2600)).tax_rate == 0
    assert edit_item(ctx, rec.id, ItemInput("TELUR", "Telur", 2600, tax_rate="12")).tax_rate == 1200
    assert edit_item(ctx, rec.id, ItemInput("TELUR", "Telur", 2600, tax_rate=None)).tax_rate is None
    assert add_item(ctx, ItemInput("ROTI", "Roti", 5000)).tax_rate is None
    with pytest.raises(ValidationError) as err:
        add_item(ctx, ItemInput("X1", "X", 1, tax_rate="200"))
    assert err.value.field == "tax_rate"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.tuples(st.integers(1, 50), st.integers(0, 300_000)), min_size=1,
                      max_size=5),
       discount=st.integers(0, 2_000_000), inclusive=st.booleans(),
       rate=st.sampled_from(["11", "12", "0", "1.1"]))
def test_invoices_priced_from_rates_always_reconcile(ctx, customer, lines, discount,
                                                     inclusive, rate):
    save_tax_settings(ctx, rate, inclusive)
    inv = svc.create_draft(ctx, sale(customer.id, [("Kopi", q, u) for q, u in lines],
                                     discount=discount, tax_rate=TAX_RATE_SHOP))
    assert inv.total == max(0, inv.subtotal - inv.discount + inv.tax)
    assert inv.tax >= 0 and inv.total >= 0
    assert sum(g.tax for g in inv.tax_groups) == inv.tax
    shelf = sum(q * u for q, u in lines)
    if inclusive:
        assert inv.total == max(0, shelf - discount)


def test_a_sale_without_a_customer_goes_to_the_walk_in_customer_made_once(ctx, store):
    a = svc.create_and_issue(ctx, DraftInput(None, "IDR", (LineInput("Kopi", 1, 5000),)))
    b = svc.create_draft(ctx, DraftInput(None, "IDR", (LineInput("Teh", 1, 4000),)))
    assert a.customer_id == b.customer_id and a.customer_name == "Walk-in customer"
    assert get_walk_in_customer(ctx).id == a.customer_id
    with store.reader() as uow:
        s = uow.session
        assert s.execute(select(func.count()).select_from(Customer)).scalar() == 1
        assert s.get(Setting, WALK_IN_KEY).value == a.customer_id
        ops = s.execute(select(OutboxOperation.operation).where(
            OutboxOperation.aggregate == f"customer:{a.customer_id}")).scalars().all()
        assert ops == ["customer.create"]
        made = s.execute(select(HistoryEntry).where(HistoryEntry.entity_type == "customer"))
        assert [h.after["walkIn"] for h in made.scalars()] == [True]


def test_the_walk_in_customer_takes_the_shops_language(ctx):
    from app.i18n import set_language

    set_language("id")
    try:
        assert get_walk_in_customer(ctx).name == "Pelanggan umum"
    finally:
        set_language("en")


def test_a_refused_walk_in_sale_does_not_leave_a_walk_in_customer_behind(ctx, store):
    before = digest(store)
    with pytest.raises(ValidationError):
        svc.create_and_issue(ctx, DraftInput(None, "IDR", (LineInput("Kopi", 1, 5000, "NOPE"),),
                                             tax_rate="11"))
    assert digest(store) == before


def test_two_tills_on_one_database_make_one_walk_in_customer(db_path, clock):
    import threading

    from app.services.context import Context, open_store

    stores = [open_store(db_path) for _ in range(2)]
    ids, errors = [], []
    start = threading.Barrier(2)

    def sell(store, till):
        ctx = Context(store, operator=f"op-{till}", till=till, clock=clock)
        start.wait()
        try:
            for _ in range(3):
                ids.append(svc.create_and_issue(ctx, DraftInput(
                    None, "IDR", (LineInput("Kopi", 1, 5000),))).customer_id)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=sell, args=(s, t)) for s, t in zip(stores, ("T1", "T2"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(ids) == 6 and len(set(ids)) == 1
    with stores[0].reader() as uow:
        assert uow.session.execute(select(func.count()).select_from(Customer)).scalar() == 1
    for s in stores:
        s.dispose()
