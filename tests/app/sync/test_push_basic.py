"""The sender against a real sandbox: customers, invoices, pay, void, mapping back."""

from __future__ import annotations

from app.services.invoices import PaymentInput, create_and_issue, mark_paid, void
from app.services.queries import get_invoice, invoice_history
from app.services.customers import get_customer
from tests.conftest import draft_input


def test_issue_pay_void_reach_plugipay(ctx, customer, engine, sandbox):
    a = create_and_issue(ctx, draft_input(customer.id, memo="Meja 4"))
    b = create_and_issue(ctx, draft_input(customer.id, lines=(("Teh", 3, 5000),)))
    mark_paid(ctx, a.id, PaymentInput("cash"))
    void(ctx, b.id, "wrong table")
    report = engine.run_pass(reconcile=True)
    assert report.online and report.pushed == 5 and report.pending == 0, report.summary()
    a2, b2 = get_invoice(ctx, a.id), get_invoice(ctx, b.id)
    assert a2.plugipay_id and a2.number.startswith("INV-") and a2.hosted_url
    assert a2.sync_state == b2.sync_state == "synced"
    c = get_customer(ctx, customer.id)
    assert c.plugipay_id.startswith("cus_")
    client = sandbox.client()
    ra, rb = client.invoices.get(a2.plugipay_id).raw, client.invoices.get(b2.plugipay_id).raw
    assert ra["status"] == "paid" and rb["status"] == "void"
    assert ra["memo"] == f"{a.local_number} - Meja 4" and rb["memo"] == b.local_number
    assert ra["total"] == 36000 and rb["total"] == 15000
    assert client.customers.get(c.plugipay_id).raw["externalId"] == str(customer.id)
    assert sandbox.stats()["invoices"] == 2
    actions = [h.action for h in invoice_history(ctx, a.id)]
    assert "sync_link" in actions
    assert any(h.operator == "plugipay" for h in invoice_history(ctx, a.id))
    # A second pass has nothing to send and changes nothing.
    again = engine.run_pass(reconcile=True)
    assert again.pushed == 0 and again.imported == 0 and again.updated == 0, again.summary()
