"""Invoice routes and lifecycle, through the official SDK."""

import re
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from plugipay import PlugipayError

from app.sandbox.testing import sample_lines

FIELDS = {
    "id", "accountId", "customerId", "subscriptionId", "status", "number", "currency", "subtotal",
    "discount", "tax", "total", "amountPaid", "amountDue", "dueAt", "issuedAt", "paidAt", "voidedAt",
    "hostedInvoiceUrl", "lines", "memo", "metadata", "createdAt", "updatedAt",
}


def iso(delta: timedelta) -> str:
    return (datetime.now(timezone.utc) + delta).isoformat().replace("+00:00", "Z")


def test_create_draft_fields_and_totals(client, customer, sandbox):
    inv = client.invoices.create(
        customer_id=customer["id"], currency="IDR",
        lines=[{"description": "Kopi", "quantity": 3, "unitAmount": 25000},
               {"description": "Roti", "quantity": 1, "unitAmount": 15000}],
        discount=5000, tax=9900, memo="T1-000001",
    )
    assert set(inv.raw) == FIELDS
    assert inv["id"].startswith("in_") and inv["status"] == "draft" and inv["number"] is None
    assert (inv["subtotal"], inv["total"], inv["amountPaid"], inv["amountDue"]) == (90000, 94900, 0, 94900)
    assert [l["amount"] for l in inv["lines"]] == [75000, 15000]
    assert all(l["id"] for l in inv["lines"])
    assert inv["hostedInvoiceUrl"].startswith(sandbox.base_url + "/i/")
    assert client.invoices.get(inv["id"]).raw == inv.raw
    page = httpx.get(inv["hostedInvoiceUrl"], timeout=5)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]


def test_total_never_negative(client, customer):
    inv = client.invoices.create(customer_id=customer["id"], currency="USD", lines=sample_lines(1000), discount=5000)
    assert (inv["total"], inv["amountDue"]) == (0, 0)


def test_finalize_assigns_sequential_numbers(client, customer):
    a = client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(100))
    b = client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(100))
    fa, fb = client.invoices.finalize(a["id"]), client.invoices.finalize(b["id"])
    year = datetime.now(timezone.utc).year
    assert re.fullmatch(rf"INV-{year}-\d{{3,}}", fa["number"])
    assert int(fb["number"].rsplit("-", 1)[1]) == int(fa["number"].rsplit("-", 1)[1]) + 1
    assert fa["status"] == "open" and fa["issuedAt"]
    with pytest.raises(PlugipayError) as err:
        client.invoices.finalize(a["id"])
    assert (err.value.status, err.value.code) == (409, "conflict")


def test_create_open_is_numbered(client, customer):
    inv = client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(500), status="open")
    assert inv["status"] == "open" and inv["number"].startswith("INV-") and inv["issuedAt"]


def test_pay_issues_receipt(client, customer):
    inv = client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(40000, 10000), status="open")
    with pytest.raises(PlugipayError) as err:
        client.api.invoices_receipt(inv["id"])
    assert err.value.status == 404
    paid = client.invoices.pay(inv["id"])
    assert (paid["status"], paid["amountPaid"], paid["amountDue"]) == ("paid", 50000, 0) and paid["paidAt"]
    receipt = client.api.invoices_receipt(inv["id"])
    assert receipt["id"].startswith("rcpt_") and re.fullmatch(r"RCP-\d{4}-\d{4,}", receipt["number"])
    assert (receipt["amount"], receipt["currency"], receipt["sourceType"], receipt["sourceId"]) == (50000, "IDR", "invoice", inv["id"])
    assert client.receipts.get(receipt["id"]) == receipt


def test_pay_with_method(client, customer):
    inv = client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(1), status="open")
    client.request(method="POST", path=f"/api/v1/invoices/{inv['id']}/pay", body={"method": "cash", "reference": "EDC-1"})
    assert client.api.invoices_receipt(inv["id"])["method"] == "cash"


@pytest.mark.parametrize("start, action", [
    ("paid", "pay"), ("void", "pay"), ("draft", "pay"), ("paid", "void"), ("void", "void"),
    ("open", "finalize"), ("paid", "finalize"), ("void", "finalize"),
])
def test_conflicts(client, customer, start, action):
    inv = client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(10),
                                 status="draft" if start == "draft" else "open")
    if start == "paid":
        client.invoices.pay(inv["id"])
    elif start == "void":
        client.invoices.void(inv["id"])
    with pytest.raises(PlugipayError) as err:
        getattr(client.invoices, action)(inv["id"])
    assert (err.value.status, err.value.code) == (409, "conflict")
    assert client.invoices.get(inv["id"])["status"] == start


@pytest.mark.parametrize("status", ["draft", "open", "past_due"])
def test_void(client, customer, status):
    due = iso(timedelta(days=-1)) if status == "past_due" else None
    inv = client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(10),
                                 status="draft" if status == "draft" else "open", due_at=due)
    assert inv["status"] == status
    voided = client.invoices.void(inv["id"])
    assert voided["status"] == "void" and voided["voidedAt"]


def test_past_due_is_derived_and_payable(client, customer):
    past = client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(10),
                                  status="open", due_at=iso(timedelta(hours=-1)))
    future = client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(10),
                                    status="open", due_at=iso(timedelta(days=7)))
    assert (past["status"], future["status"]) == ("past_due", "open")
    ids = lambda s: [i["id"] for i in client.invoices.list(customer_id=customer["id"], status=s).data]  # noqa: E731
    assert ids("past_due") == [past["id"]] and ids("open") == [future["id"]]
    assert client.invoices.pay(past["id"])["status"] == "paid"


def test_send_email(client, customer):
    inv = client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(10))
    with pytest.raises(PlugipayError) as err:
        client.invoices.send_email(inv["id"])
    assert err.value.status == 409
    client.invoices.finalize(inv["id"])
    assert client.invoices.send_email(inv["id"]) == {"sent": True, "to": customer["email"]}
    assert client.invoices.send_email(inv["id"], to="boss@example.com") == {"sent": True, "to": "boss@example.com"}
    sent = [e for e in client.events.list(type="plugipay.invoice.sent.v1", limit=10).data if e["data"]["id"] == inv["id"]]
    assert len(sent) == 2


def test_list_filters_and_pages(client, customer):
    made = [client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(i + 1))["id"] for i in range(5)]
    client.invoices.finalize(made[0])
    got, cursor = [], None
    while True:
        page = client.invoices.list(customer_id=customer["id"], limit=2, cursor=cursor)
        got += [i["id"] for i in page.data]
        if not page.has_more:
            break
        cursor = page.cursor
    assert got == made[::-1]
    assert [i["id"] for i in client.invoices.list(customer_id=customer["id"], status="draft").data] == made[:0:-1]
    asc = client.api.invoices_list(customer_id=customer["id"], order="asc", limit=3)
    assert [i["id"] for i in asc] == made[:3]


@pytest.mark.parametrize("change, word", [
    ({"lines": []}, "lines"),
    ({"lines": [{"description": "x", "quantity": 1, "unitAmount": -5}]}, "unitAmount"),
    ({"lines": [{"description": "x", "quantity": 1.5, "unitAmount": 5}]}, "quantity"),
    ({"lines": [{"description": "x", "quantity": True, "unitAmount": 5}]}, "quantity"),
    ({"lines": [{"description": "x", "quantity": 0, "unitAmount": 5}]}, "quantity"),
    ({"lines": [{"description": "x", "quantity": 1, "unitAmount": "5"}]}, "unitAmount"),
    ({"lines": [{"quantity": 1, "unitAmount": 5}]}, "description"),
    ({"currency": "EUR"}, "currency"),
    ({"currency": "idr"}, "currency"),
    ({"discount": -1}, "discount"),
    ({"tax": 1.5}, "tax"),
    ({"dueAt": "next tuesday"}, "dueAt"),
    ({"status": "paid"}, "status"),
    ({"memo": 12}, "memo"),
    ({"frobnicate": 1}, "frobnicate"),
])
def test_create_validation(client, customer, change, word):
    body = {"customerId": customer["id"], "currency": "IDR", "lines": sample_lines(100), **change}
    with pytest.raises(PlugipayError) as err:
        client.request(method="POST", path="/api/v1/invoices", body=body)
    assert (err.value.status, err.value.code) == (400, "validation_error")
    assert word in err.value.message


def test_not_found(client):
    with pytest.raises(PlugipayError) as err:
        client.invoices.create(customer_id="cus_missing", currency="IDR", lines=sample_lines(1))
    assert (err.value.status, err.value.code) == (404, "not_found")
    for call in ("get", "finalize", "pay", "void", "send_email"):
        with pytest.raises(PlugipayError) as err:
            getattr(client.invoices, call)("in_missing")
        assert (err.value.status, err.value.code) == (404, "not_found")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    items=st.lists(st.tuples(st.integers(1, 50), st.integers(0, 10**9)), min_size=1, max_size=5),
    discount=st.integers(0, 10**10), tax=st.integers(0, 10**9),
)
def test_totals_property(client, customer, items, discount, tax):
    body_lines = [{"description": "x", "quantity": q, "unitAmount": u} for q, u in items]
    inv = client.invoices.create(customer_id=customer["id"], currency="IDR", lines=body_lines, discount=discount, tax=tax)
    subtotal = sum(q * u for q, u in items)
    assert inv["subtotal"] == subtotal
    assert inv["total"] == max(0, subtotal - discount + tax) == inv["amountDue"]
