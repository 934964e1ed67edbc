"""The refunds resource, through the official SDK against a real sandbox process."""

import uuid

import pytest
from plugipay import PlugipayError

from app.sandbox.testing import SandboxError, sample_lines


def _paid(client, customer, *amounts):
    inv = client.invoices.create(customer_id=customer["id"], currency="IDR",
                                 lines=sample_lines(*amounts), status="open")
    return client.invoices.pay(inv["id"])


def _refund(client, body, key=None):
    return client.request(method="POST", path="/api/v1/refunds", body=body,
                          idempotency_key=key or f"t_{uuid.uuid4().hex}")


def _error(fn):
    with pytest.raises(PlugipayError) as err:
        fn()
    return err.value.status, err.value.code


def test_partial_refunds_of_a_paid_invoice_until_nothing_is_left(client, customer):
    inv = _paid(client, customer, 30000, 20000)
    first = client.refunds.create(source_type="invoice", source_id=inv["id"], amount=15000,
                                  reason="requested_by_customer")
    assert first["id"].startswith("re_") and first["status"] == "succeeded"
    assert (first["invoiceId"], first["amount"], first["currency"]) == (inv["id"], 15000, "IDR")
    assert client.refunds.get(first["id"]).raw == first.raw
    rest = _refund(client, {"sourceType": "invoice", "sourceId": inv["id"], "reason": "other",
                            "metadata": {"kasirLocalNumber": "T1-F000002"}})
    assert rest["amount"] == 35000 and rest["metadata"] == {"kasirLocalNumber": "T1-F000002"}
    assert _error(lambda: _refund(client, {"sourceType": "invoice", "sourceId": inv["id"],
                                           "amount": 1})) == (400, "validation_error")
    assert client.invoices.get(inv["id"])["status"] == "paid"


@pytest.mark.parametrize("body, expected", [
    ({"sourceType": "invoice", "sourceId": "in_nope", "amount": 1}, (404, "not_found")),
    ({"sourceType": "order", "sourceId": "x", "amount": 1}, (400, "validation_error")),
    ({"sourceType": "invoice", "amount": 1}, (400, "validation_error")),
    ({"sourceType": "invoice", "sourceId": "PAID", "amount": 0}, (400, "validation_error")),
    ({"sourceType": "invoice", "sourceId": "PAID", "amount": 1.5}, (400, "validation_error")),
    ({"sourceType": "invoice", "sourceId": "PAID", "amount": 50001}, (400, "validation_error")),
    ({"sourceType": "invoice", "sourceId": "PAID", "reason": "bored"}, (400, "validation_error")),
    ({"sourceType": "invoice", "sourceId": "PAID", "extra": 1}, (400, "validation_error")),
    ({"sourceType": "invoice", "sourceId": "OPEN", "amount": 1}, (409, "conflict")),
])
def test_bad_refunds_get_plugipays_error_codes_and_store_nothing(client, customer, body,
                                                                   expected):
    paid = _paid(client, customer, 50000)
    opened = client.invoices.create(customer_id=customer["id"], currency="IDR",
                                    lines=sample_lines(50000), status="open")
    body = {k: {"PAID": paid["id"], "OPEN": opened["id"]}.get(v, v) if k == "sourceId" else v
            for k, v in body.items()}
    before = client.refunds.list(limit=100).data
    assert _error(lambda: _refund(client, body)) == expected
    assert client.refunds.list(limit=100).data == before


def test_a_repeated_request_with_the_same_key_refunds_once(client, customer):
    inv = _paid(client, customer, 10000)
    body = {"sourceType": "invoice", "sourceId": inv["id"], "amount": 4000}
    a = _refund(client, body, key="same-key-refund")
    b = _refund(client, body, key="same-key-refund")
    assert a["id"] == b["id"]
    mine = [r for r in client.refunds.list(limit=100).data if r["invoiceId"] == inv["id"]]
    assert len(mine) == 1


def test_refunds_list_in_cursor_pages_and_events_name_them(client, customer):
    inv = _paid(client, customer, 10000)
    made = [client.refunds.create(source_type="invoice", source_id=inv["id"], amount=1000)["id"]
            for _ in range(5)]
    seen, cursor = [], None
    while True:
        page = client.refunds.list(limit=2, cursor=cursor, charge_id=inv["id"])
        seen += [r["id"] for r in page.data]
        if not page.has_more:
            break
        cursor = page.cursor
    assert seen == made[::-1]  # newest first
    types = [e["type"] for e in client.events.list(limit=100).data
             if e["data"].get("id") == made[0]]
    assert sorted(types) == ["plugipay.refund.created.v1", "plugipay.refund.succeeded.v1"]
    assert "plugipay.refund.created.v1" in {t["type"] for t in client.api.events_types()}


def test_the_dashboard_refunds_what_is_left(sandbox, client, customer):
    inv = _paid(client, customer, 7000)
    client.refunds.create(source_type="invoice", source_id=inv["id"], amount=2000)
    doc = sandbox.refund_invoice(inv["id"])
    assert doc["amount"] == 5000 and doc["reason"] == "requested_by_customer"
    with pytest.raises(SandboxError, match="400"):
        sandbox.refund_invoice(inv["id"], amount=1)
    assert sandbox.stats()["refunds"] >= 2


def test_faults_apply_to_refunds_like_every_route(start_sandbox):
    sbx = start_sandbox(fail_rate=1)
    with sbx.client() as c:
        status, _code = _error(lambda: c.refunds.list())
        assert status == 500
