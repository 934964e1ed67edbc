"""Events feed and receipts lists."""

import time

import pytest
from plugipay import PlugipayError

from app.sandbox.testing import sample_lines


def _events_for(client, object_id, **kw):
    out, cursor = [], None
    while True:
        page = client.events.list(limit=100, cursor=cursor, order="asc", **kw)
        out += [e for e in page.data if e["data"].get("id") == object_id or e["data"].get("sourceId") == object_id]
        if not page.has_more:
            return out
        cursor = page.cursor


def test_lifecycle_events(client, customer):
    inv = client.invoices.create(customer_id=customer["id"], currency="USD", lines=sample_lines(1999))
    client.invoices.finalize(inv["id"])
    client.invoices.pay(inv["id"])
    events = _events_for(client, inv["id"])
    assert [e["type"] for e in events] == [
        "plugipay.invoice.created.v1", "plugipay.invoice.finalized.v1",
        "plugipay.invoice.paid.v1", "plugipay.receipt.created.v1",
    ]
    paid = events[2]
    assert paid["id"].startswith("evt_") and paid["data"]["status"] == "paid" and paid["occurredAt"]
    assert client.events.get(paid["id"]).raw == paid.raw
    assert events[3]["data"]["amount"] == 1999
    assert any(e["type"] == "plugipay.customer.created.v1" for e in _events_for(client, customer["id"]))


def test_void_event(client, customer):
    inv = client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(1))
    client.invoices.void(inv["id"])
    assert [e["type"] for e in _events_for(client, inv["id"])][-1] == "plugipay.invoice.voided.v1"


def test_cursor_stable_under_inserts(client, customer):
    start = client.events.list(limit=1).data[0]["occurredAt"]
    for i in range(4):
        client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(i + 1))
    first = client.events.list(limit=2, order="asc", occurred_after="2000-01-01T00:00:00Z")
    seen = [e["id"] for e in first.data]
    cursor = first.cursor
    client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(9))  # insert mid-walk
    while True:
        page = client.events.list(limit=3, order="asc", cursor=cursor, occurred_after="2000-01-01T00:00:00Z")
        seen += [e["id"] for e in page.data]
        if not page.data:
            break
        cursor = page.cursor
    everything = []
    cursor = None
    while True:
        page = client.events.list(limit=100, order="asc", cursor=cursor)
        everything += [e["id"] for e in page.data]
        if not page.has_more:
            break
        cursor = page.cursor
    assert seen == everything and len(set(seen)) == len(seen)
    assert start <= client.events.list(limit=1).data[0]["occurredAt"]
    desc = client.events.list(limit=5).data
    assert [e["id"] for e in desc] == everything[::-1][:5]


def test_filters_and_types(client, customer):
    types = client.api.events_types()
    names = {t["type"] for t in types}
    assert {"plugipay.invoice.paid.v1", "plugipay.receipt.created.v1", "plugipay.invoice.voided.v1"} <= names
    only = client.events.list(type="plugipay.customer.created.v1", limit=10).data
    assert only and all(e["type"] == "plugipay.customer.created.v1" for e in only)
    marker = client.events.list(limit=1).data[0]["occurredAt"]
    time.sleep(0.01)
    c2 = client.customers.create(name="After marker")
    after = client.events.list(occurred_after=marker, order="asc").data
    assert [e["data"]["id"] for e in after] == [c2["id"]]
    before = client.events.list(occurred_before=marker, limit=100).data
    assert c2["id"] not in [e["data"].get("id") for e in before]


def test_receipts_list_filters(client, customer):
    invs = [client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(100 * (i + 1)), status="open")
            for i in range(3)]
    for inv in invs:
        client.invoices.pay(inv["id"])
    page = client.receipts.list(customer_id=customer["id"], source_type="invoice", limit=2)
    assert page.has_more and len(page.data) == 2
    rest = client.receipts.list(customer_id=customer["id"], cursor=page.cursor)
    got = [r["sourceId"] for r in page.data + rest.data]
    assert got == [i["id"] for i in invs][::-1]
    numbers = [r["number"] for r in page.data + rest.data]
    assert len(set(numbers)) == 3
    issued = sorted(r["issuedAt"] for r in page.data + rest.data)
    assert len(client.receipts.list(customer_id=customer["id"], issued_after=issued[0]).data) == 2
    assert len(client.receipts.list(customer_id=customer["id"], issued_before=issued[-1]).data) == 2
    assert client.receipts.list(customer_id=customer["id"], source_type="checkout_session").data == []
    with pytest.raises(PlugipayError) as err:
        client.receipts.list(source_type="bogus")
    assert err.value.status == 400


def test_not_found(client):
    for call in (lambda: client.events.get("evt_missing"), lambda: client.receipts.get("rcpt_missing")):
        with pytest.raises(PlugipayError) as err:
            call()
        assert err.value.status == 404
    with pytest.raises(PlugipayError) as err:
        client.events.list(occurred_after="yesterday")
    assert err.value.status == 400
