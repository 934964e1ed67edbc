from datetime import timedelta

import pytest

from app.domain.errors import NotFoundError, ValidationError
from app.services import invoices as svc
from app.services.customers import (CustomerInput, add_customer, edit_customer, get_customer,
                                    list_customers)
from app.services.queries import InvoiceQuery, list_invoices
from tests.conftest import draft_input


def test_customer_add_edit_search(ctx):
    a = add_customer(ctx, CustomerInput("Siti Rahmawati", "Siti@Example.com", "+62 813-2233-4455"))
    add_customer(ctx, CustomerInput("CV Maju Jaya", "keuangan@majujaya.id", "021 555 0101", "01.234"))
    assert a.email == "siti@example.com"
    assert [c.name for c in list_customers(ctx, "siti").items] == ["Siti Rahmawati"]
    assert [c.name for c in list_customers(ctx, "MAJUJAYA").items] == ["CV Maju Jaya"]
    assert [c.name for c in list_customers(ctx, "813 2233").items] == ["Siti Rahmawati"]
    assert [c.name for c in list_customers(ctx, "555-0101").items] == ["CV Maju Jaya"]
    assert len(list_customers(ctx, "").items) == 2
    assert list_customers(ctx, "100%").items == ()  # LIKE wildcards are literal
    e = edit_customer(ctx, a.id, CustomerInput("Siti R.", a.email, a.phone, notes="VIP"))
    assert get_customer(ctx, a.id).name == "Siti R." and e.notes == "VIP"


@pytest.mark.parametrize("data", [CustomerInput(""), CustomerInput("X", email="not-an-email"),
                                  CustomerInput("X", phone="call me"), CustomerInput("X" * 300)])
def test_customer_validation(ctx, data):
    with pytest.raises(ValidationError):
        add_customer(ctx, data)
    assert list_customers(ctx).items == ()


def test_unknown_customer(ctx):
    with pytest.raises(NotFoundError):
        get_customer(ctx, 99)
    with pytest.raises(NotFoundError):
        get_customer(ctx, "abc")


def test_list_filters_and_keyset_pages(ctx, customer, clock):
    other = add_customer(ctx, CustomerInput("Dewi Lestari"))
    ids = {}
    for i in range(30):
        cust = customer.id if i % 3 else other.id
        d = svc.create_draft(ctx, draft_input(cust, memo=f"meja {i}",
                                              due_at=clock() + timedelta(days=1 if i % 2 else 10)))
        if i % 5:
            svc.issue(ctx, d.id)
        if i % 7 == 0 and i % 5:
            svc.mark_paid(ctx, d.id)
        ids[i] = d.id
    clock.advance(days=3)
    # newest first, walked by keyset cursor, no duplicates or gaps
    seen, after = [], None
    while True:
        page = list_invoices(ctx, InvoiceQuery(limit=7, after=after))
        seen += [i.id for i in page.items]
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert seen == sorted(ids.values(), reverse=True)

    def ids_for(**kw):
        return {i.id for i in list_invoices(ctx, InvoiceQuery(limit=100, **kw)).items}
    past_due = ids_for(status="past_due")
    open_ = ids_for(status="open")
    assert past_due and open_ and not past_due & open_
    assert all(list_invoices(ctx, InvoiceQuery(status="past_due")).items[0].status == "past_due" for _ in [0])
    assert ids_for(status="draft") == {ids[i] for i in range(30) if i % 5 == 0}
    assert ids_for(customer_id=other.id) == {ids[i] for i in range(30) if i % 3 == 0}
    assert ids_for(search="meja 17") == {ids[17]}
    assert ids_for(search="DEWI") == ids_for(customer_id=other.id)
    assert ids_for(search="T1-000001") == {ids[1]}
    with pytest.raises(ValidationError):
        list_invoices(ctx, InvoiceQuery(status="overdue"))
    with pytest.raises(ValidationError):
        list_invoices(ctx, InvoiceQuery(limit=0))


def test_search_index_follows_renames_numbers_and_odd_text(ctx, customer, clock):
    from app.store.models import Invoice
    a = svc.issue(ctx, svc.create_draft(ctx, draft_input(customer.id, memo='Pesanan "VIP" 100%_ok')).id)
    b = svc.create_draft(ctx, draft_input(customer.id, memo="meja 4"))

    def found(text):
        return {i.id for i in list_invoices(ctx, InvoiceQuery(search=text, limit=50)).items}
    assert found("santoso") == {a.id, b.id}                  # customer name, via the index
    assert found('"vip"') == {a.id} and found("100%_o") == {a.id}   # quotes and LIKE wildcards are literal
    assert found("%") == {a.id} and found("zz") == set()      # short terms use the scan
    edit_customer(ctx, customer.id, CustomerInput("Bu Ningsih", customer.email, customer.phone))
    assert found("santoso") == set() and found("ningsih") == {a.id, b.id}
    with ctx.store.unit_of_work() as uow:                    # sync stores Plugipay's number
        uow.session.get(Invoice, a.id).number = "INV-2026-042"
        uow.commit()
    assert found("inv-2026-04") == {a.id}
    assert found("t1-000001") == {a.id}                      # the local number, any case
