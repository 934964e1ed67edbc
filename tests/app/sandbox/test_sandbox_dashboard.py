"""Dashboard actions (HTTP /_sandbox/ and in process), persistence, CLI, shutdown."""

import subprocess
import sys

import httpx
import pytest
from plugipay import PlugipayClient, PlugipayError

from app.sandbox import SandboxConfig, SandboxServer
from app.sandbox.testing import REPO_ROOT, SandboxError, sample_lines


def _types_for(client, object_id):
    page = client.events.list(limit=100)
    return [e["type"] for e in page.data if object_id in (e["data"].get("id"), e["data"].get("sourceId"))][::-1]


def test_dashboard_pay_emits_events(sandbox, client, customer):
    inv = client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(12000), status="open")
    paid = sandbox.pay_invoice(inv["id"], method="bank_transfer")
    assert paid["status"] == "paid"
    assert client.invoices.get(inv["id"])["status"] == "paid"
    assert _types_for(client, inv["id"])[-2:] == ["plugipay.invoice.paid.v1", "plugipay.receipt.created.v1"]
    assert client.api.invoices_receipt(inv["id"])["method"] == "bank_transfer"
    with pytest.raises(SandboxError, match="409"):
        sandbox.pay_invoice(inv["id"])


def test_dashboard_void_and_write_off(sandbox, client, customer):
    a = client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(1), status="open")
    b = client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(1), status="open")
    assert sandbox.void_invoice(a["id"])["status"] == "void"
    assert sandbox.mark_uncollectible(b["id"])["status"] == "uncollectible"
    assert _types_for(client, a["id"])[-1] == "plugipay.invoice.voided.v1"
    assert _types_for(client, b["id"])[-1] == "plugipay.invoice.marked_uncollectible.v1"


def test_subscription_invoice(sandbox, client, customer):
    inv = sandbox.create_subscription_invoice(customerId=customer["id"], currency="USD",
                                              lines=sample_lines(999), dueAt="2099-01-01T00:00:00Z")
    assert inv["status"] == "open" and inv["number"].startswith("INV-")
    assert inv["subscriptionId"].startswith("sub_") and inv["issuedAt"]
    listed = client.api.invoices_list(subscription_id=inv["subscriptionId"])
    assert [i["id"] for i in listed] == [inv["id"]]
    assert _types_for(client, inv["id"]) == ["plugipay.invoice.created.v1", "plugipay.invoice.finalized.v1"]
    auto = sandbox.create_subscription_invoice()  # makes its own customer
    assert client.customers.get(auto["customerId"])["id"] == auto["customerId"]


def test_dashboard_routes_need_the_dashboard_key(sandbox):
    assert httpx.post(sandbox.base_url + "/_sandbox/reset", timeout=5).status_code == 401
    assert sandbox.signed_request("POST", "/_sandbox/reset", {}).status_code == 401
    r = httpx.post(sandbox.base_url + "/_sandbox/reset", headers={"Authorization": "Bearer pk_test_nope"}, timeout=5)
    assert r.status_code == 401
    assert httpx.get(sandbox.base_url + "/_sandbox/health", timeout=5).json()["data"] == {"ok": True}


def test_reset(start_sandbox):
    sbx = start_sandbox()
    with sbx.client() as c:
        c.customers.create(name="gone soon")
        sbx.reset()
        assert c.customers.list().data == [] and sbx.stats()["events"] == 0


def test_state_survives_restart(start_sandbox):
    sbx = start_sandbox()
    with sbx.client() as c:
        cus = c.customers.create(name="Durable")
        inv = c.invoices.create(customer_id=cus["id"], currency="IDR", lines=sample_lines(5), status="open")
    port = sbx.port
    sbx.restart()
    assert sbx.port == port
    with sbx.client() as c:
        assert c.invoices.get(inv["id"])["number"] == inv["number"]
        nxt = c.invoices.create(customer_id=cus["id"], currency="IDR", lines=sample_lines(5), status="open")
        assert int(nxt["number"].rsplit("-", 1)[1]) == int(inv["number"].rsplit("-", 1)[1]) + 1


def test_sigterm_stops_cleanly(start_sandbox):
    sbx = start_sandbox()
    proc = sbx.proc
    sbx.stop()
    assert proc.returncode == 0


def test_cli_dashboard_command(sandbox, client, customer):
    inv = client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(3), status="open")
    out = subprocess.run(
        [sys.executable, "-m", "app.sandbox", "dashboard", "--url", sandbox.base_url,
         "--dashboard-key", sandbox.dashboard_key, "pay", inv["id"], "--method", "cash"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=30,
    )
    assert out.returncode == 0, out.stderr
    assert client.invoices.get(inv["id"])["status"] == "paid"


def test_in_process_server_and_python_dashboard(tmp_path):
    config = SandboxConfig(db_path=str(tmp_path / "inproc.db"), key_id="ak_test_x", secret="s3cret")
    with SandboxServer(config) as srv, PlugipayClient(key_id="ak_test_x", secret="s3cret", base_url=srv.url) as c:
        cus = c.customers.create(name="In process")
        inv = c.invoices.create(customer_id=cus["id"], currency="IDR", lines=sample_lines(100), status="open")
        srv.dashboard.pay_invoice(inv["id"])
        assert c.invoices.get(inv["id"])["status"] == "paid"
        sub = srv.dashboard.create_subscription_invoice(customerId=cus["id"])
        assert sub["hostedInvoiceUrl"].startswith(srv.url)
        srv.dashboard.set_faults(fail_rate=1)
        with pytest.raises(PlugipayError) as err:
            c.customers.list()
        assert err.value.status == 500
