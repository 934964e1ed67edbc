"""Authentication: HMAC signatures (as the SDK signs) and dashboard Bearer keys."""

import time

import httpx
import pytest
from plugipay import PlugipayClient, PlugipayError


def _fails_401(call):
    with pytest.raises(PlugipayError) as err:
        call()
    assert (err.value.status, err.value.code) == (401, "unauthorized")
    return err.value


def test_sdk_signature_accepted_with_query_and_body(client):
    assert client.customers.list(limit=1, order="asc").data is not None
    assert client.customers.create(name="Signed")["name"] == "Signed"


def test_bad_secret(sandbox):
    with sandbox.client(secret="wrong") as c:
        err = _fails_401(lambda: c.customers.list())
    assert "ignature" in err.message


def test_unknown_key_id(sandbox):
    with sandbox.client(key_id="ak_test_other") as c:
        _fails_401(lambda: c.customers.create(name="x"))


def test_missing_and_foreign_authorization(sandbox):
    r = httpx.get(sandbox.base_url + "/api/v1/customers", timeout=5)
    assert r.status_code == 401
    body = r.json()
    assert body["data"] is None and body["error"]["code"] == "unauthorized" and body["meta"]["requestId"]
    r = httpx.get(sandbox.base_url + "/api/v1/customers", headers={"Authorization": "Basic abc"}, timeout=5)
    assert r.status_code == 401


def test_stale_and_future_timestamp(sandbox):
    assert sandbox.signed_request("GET", "/api/v1/customers").status_code == 200
    assert sandbox.signed_request("GET", "/api/v1/customers", ts=int(time.time()) - 250).status_code == 200
    for ts in (int(time.time()) - 400, int(time.time()) + 400):
        r = sandbox.signed_request("GET", "/api/v1/customers", ts=ts)
        assert r.status_code == 401 and "olerance" in r.json()["error"]["message"]


def test_signature_covers_body_path_and_idempotency_key(sandbox):
    body = {"name": "A"}
    r = sandbox.signed_request("POST", "/api/v1/customers", body, send_body=b'{"name":"B"}')
    assert r.status_code == 401
    r = sandbox.signed_request("GET", "/api/v1/customers?limit=1")
    assert r.status_code == 200
    # signed without the key, sent with one
    r = sandbox.signed_request("POST", "/api/v1/customers", body)
    assert r.status_code == 201
    headers = dict(r.request.headers)
    headers["Idempotency-Key"] = "idem_added_later"
    r2 = httpx.post(sandbox.base_url + "/api/v1/customers", content=r.request.content, headers=headers, timeout=5)
    assert r2.status_code == 401


def test_bearer_dashboard_key(sandbox):
    with sandbox.dashboard_client() as c:
        cus = c.customers.create(name="Via dashboard key")
        assert c.customers.get(cus["id"])["name"] == "Via dashboard key"
    with PlugipayClient(api_key="pk_test_wrong", base_url=sandbox.base_url) as c:
        _fails_401(lambda: c.customers.list())
    with PlugipayClient(api_key="sk_live_wrongshape", base_url=sandbox.base_url) as c:
        _fails_401(lambda: c.customers.list())


def test_unknown_route(client):
    with pytest.raises(PlugipayError) as err:
        client.request(method="GET", path="/api/v1/nothing-here")
    assert (err.value.status, err.value.code) == (404, "not_found")
    with pytest.raises(PlugipayError) as err:
        client.request(method="DELETE", path="/api/v1/invoices/in_x")
    assert err.value.status == 405


def test_read_only_key_gets_403_insufficient_scope_on_writes(start_sandbox):
    sbx = start_sandbox(read_key_id="ak_test_readonly", read_secret="sk_test_readonly_secret")
    with sbx.client() as full:
        cus = full.customers.create(name="Reader")
        inv = full.invoices.create(customer_id=cus["id"], currency="IDR", status="open",
                                   lines=[{"description": "Kopi", "quantity": 1, "unitAmount": 18000}])
    with sbx.client(key_id="ak_test_readonly", secret="sk_test_readonly_secret") as ro:
        assert ro.invoices.get(inv["id"])["id"] == inv["id"]          # reading is in scope
        assert ro.customers.list(limit=5).data
        for write in (lambda: ro.invoices.pay(inv["id"]),
                      lambda: ro.invoices.create(customer_id=cus["id"], currency="IDR",
                                                 lines=[{"description": "x", "quantity": 1,
                                                         "unitAmount": 1}]),
                      lambda: ro.customers.create(name="Nope")):
            with pytest.raises(PlugipayError) as err:
                write()
            assert (err.value.status, err.value.code) == (403, "insufficient_scope")
        assert "plugipay:invoice:write" in _scope_message(ro, inv["id"])
        with pytest.raises(PlugipayError) as err:  # a wrong secret is still a 401, not a 403
            with sbx.client(key_id="ak_test_readonly", secret="wrong") as bad:
                bad.invoices.get(inv["id"])
        assert err.value.status == 401
    with sbx.client() as full:  # nothing was changed by the refused writes
        assert full.invoices.get(inv["id"])["status"] == "open"
        assert [c["name"] for c in full.customers.list(limit=10).data] == ["Reader"]


def _scope_message(client, invoice_id) -> str:
    with pytest.raises(PlugipayError) as err:
        client.invoices.void(invoice_id)
    return err.value.message
