"""Idempotency-Key: first response stored with the work, replayed exactly."""

import uuid

import pytest
from plugipay import PlugipayError

from app.sandbox.testing import sample_lines


def _body(customer, amount=1000):
    return {"customerId": customer["id"], "currency": "IDR", "lines": sample_lines(amount), "status": "open"}


def test_replay_returns_same_invoice_and_stores_one(client, customer):
    key = f"kasir-op-{uuid.uuid4()}"
    first = client.request(method="POST", path="/api/v1/invoices", body=_body(customer), idempotency_key=key)
    again = client.request(method="POST", path="/api/v1/invoices", body=_body(customer), idempotency_key=key)
    assert again == first
    stored = client.invoices.list(customer_id=customer["id"]).data
    assert [i["id"] for i in stored] == [first["id"]]


def test_replay_is_byte_exact(sandbox, customer):
    key = f"k-{uuid.uuid4()}"
    a = sandbox.signed_request("POST", "/api/v1/invoices", _body(customer), idem=key)
    b = sandbox.signed_request("POST", "/api/v1/invoices", _body(customer), idem=key)
    assert a.status_code == b.status_code == 201
    assert a.content == b.content
    assert b.headers.get("Idempotent-Replayed") == "true"


def test_reused_key_with_other_body_or_path(client, customer):
    key = f"k-{uuid.uuid4()}"
    inv = client.request(method="POST", path="/api/v1/invoices", body=_body(customer), idempotency_key=key)
    with pytest.raises(PlugipayError) as err:
        client.request(method="POST", path="/api/v1/invoices", body=_body(customer, 2000), idempotency_key=key)
    assert (err.value.status, err.value.code) == (409, "conflict")
    assert "different request" in err.value.message
    with pytest.raises(PlugipayError) as err:
        client.request(method="POST", path=f"/api/v1/invoices/{inv['id']}/void", body={}, idempotency_key=key)
    assert err.value.status == 409
    assert client.invoices.get(inv["id"])["status"] == "open"
    assert len(client.invoices.list(customer_id=customer["id"]).data) == 1


def test_action_replay_does_not_conflict(client, customer):
    inv = client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(5), status="open")
    key = f"pay-{uuid.uuid4()}"
    paid = client.request(method="POST", path=f"/api/v1/invoices/{inv['id']}/pay", body={}, idempotency_key=key)
    # a retry after a lost response replays the success instead of a 409
    assert client.request(method="POST", path=f"/api/v1/invoices/{inv['id']}/pay", body={}, idempotency_key=key) == paid
    receipts = client.receipts.list(customer_id=customer["id"]).data
    assert len(receipts) == 1
    # without the same key, paying again is a conflict
    with pytest.raises(PlugipayError) as err:
        client.invoices.pay(inv["id"])
    assert err.value.status == 409


def test_client_error_is_stored_too(client):
    key = f"k-{uuid.uuid4()}"
    body = {"customerId": "cus_missing", "currency": "IDR", "lines": sample_lines(1)}
    for _ in range(2):
        with pytest.raises(PlugipayError) as err:
            client.request(method="POST", path="/api/v1/invoices", body=body, idempotency_key=key)
        assert err.value.status == 404
