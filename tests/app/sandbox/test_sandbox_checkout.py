"""Checkout sessions in the sandbox (issue 16), through the official SDK over real HTTP:
statuses, expiry, the buyer's public side, the manual adapter's claim and confirm,
events, the adapters listing and fault injection on the buyer's calls."""

from __future__ import annotations

import time

import httpx
import pytest
from plugipay import PlugipayError

from app.sandbox.adapters import crc16
from app.sandbox.buyer import BuyerError, pay_session


def _create(client, amount=36000, **kw):
    return client.checkout_sessions.create(
        amount=amount, currency="IDR", methods=["qris"], success_url="kasir://paid",
        cancel_url="kasir://canceled", metadata={"kasirInvoiceId": "7"}, **kw).raw


def _types(client, session_id):
    page = client.events.list(limit=100, order="asc")
    return [e.raw["type"] for e in page.data if (e.raw.get("data") or {}).get("id") == session_id]


@pytest.fixture(autouse=True)
def _gateway(sandbox):
    sandbox.set_adapter("midtrans")


def test_a_gateway_session_is_paid_by_charge_once_with_events(sandbox, client):
    cs = _create(client, expires_in_sec=600)
    assert cs["status"] == "open" and cs["adapter"] == "midtrans"
    assert cs["id"].startswith("cs_") and cs["metadata"] == {"kasirInvoiceId": "7"}
    payload = cs["qrPayload"]
    assert "540536000" in payload and payload[-4:] == crc16(payload[:-4])
    paid = pay_session(sandbox.base_url, cs["id"])
    assert paid["status"] == "completed" and "metadata" not in paid  # the buyer's view
    again = client.checkout_sessions.get(cs["id"]).raw
    assert again["status"] == "completed" and again["paymentId"].startswith("pay_")
    with pytest.raises(BuyerError) as err:
        pay_session(sandbox.base_url, cs["id"])
    assert err.value.status == 409
    assert _types(client, cs["id"]) == ["plugipay.checkout_session.created.v1",
                                        "plugipay.checkout_session.completed.v1"]


def test_a_session_expires_unpaid_and_cannot_be_paid_after(sandbox, client):
    cs = _create(client, expires_in_sec=1)
    time.sleep(1.2)
    assert client.checkout_sessions.get(cs["id"]).raw["status"] == "expired"
    with pytest.raises(BuyerError):
        pay_session(sandbox.base_url, cs["id"])
    assert "plugipay.checkout_session.expired.v1" in _types(client, cs["id"])


def test_cancel_and_the_list_pages_by_cursor(client):
    ids = [_create(client, amount=1000 + i)["id"] for i in range(3)]
    assert client.checkout_sessions.cancel(ids[0]).raw["status"] == "canceled"
    with pytest.raises(PlugipayError) as err:
        client.checkout_sessions.confirm(ids[0])
    assert err.value.status == 409
    first = client.checkout_sessions.list(limit=2)
    second = client.checkout_sessions.list(limit=2, cursor=first.cursor)
    seen = [s.raw["id"] for s in first.data + second.data]
    assert set(ids) <= set(seen) and len(seen) == len(set(seen))
    canceled = client.checkout_sessions.list(status="canceled").data
    assert [s.raw["id"] for s in canceled] == [ids[0]]


def test_manual_adapter_claim_with_proof_then_confirm(sandbox, client):
    sandbox.set_adapter("manual")
    cs = _create(client)
    assert cs["adapter"] == "manual" and "5406" not in cs["qrPayload"][:60]  # static: no amount
    claimed = pay_session(sandbox.base_url, cs["id"])
    assert claimed["status"] == "pending_review"
    full = client.checkout_sessions.get(cs["id"]).raw
    assert full["buyerClaim"]["proofUrl"].startswith("data:image/png;base64,")
    assert client.checkout_sessions.confirm(cs["id"]).raw["status"] == "completed"
    assert _types(client, cs["id"])[-2:] == ["plugipay.checkout_session.claimed.v1",
                                             "plugipay.checkout_session.completed.v1"]


def test_adapters_listing_follows_the_setting(sandbox, client):
    sandbox.set_adapter("xendit")
    listing = client.request(method="GET", path="/api/v1/adapters")
    active = [a["type"] for a in listing if a["status"] == "active"]
    assert active == ["xendit"]


def test_public_routes_need_no_key_but_the_merchant_routes_do(sandbox, client):
    cs = _create(client)
    public = httpx.get(f"{sandbox.base_url}/api/v1/public/checkout/sessions/{cs['id']}")
    assert public.status_code == 200 and public.json()["data"]["amount"] == 36000
    merchant = httpx.get(f"{sandbox.base_url}/api/v1/checkout-sessions/{cs['id']}")
    assert merchant.status_code == 401
    page = httpx.get(cs["hostedUrl"])
    assert page.status_code == 200 and "IDR 36000" in page.text and cs["id"] in page.text
    assert httpx.get(f"{sandbox.base_url}/c/cs_nope").status_code == 404


def test_the_buyer_pays_exactly_once_through_dropped_answers(start_sandbox):
    sbx = start_sandbox(drop_rate=0.5, seed=11)
    with sbx.client() as c:
        sbx.set_faults(drop_rate=0)
        cs = _create(c)
        sbx.set_faults(drop_rate=0.5, seed=11)
        paid = pay_session(sbx.base_url, cs["id"])
        sbx.set_faults(drop_rate=0)
        assert paid["status"] == "completed"
        assert _types(c, cs["id"]).count("plugipay.checkout_session.completed.v1") == 1
