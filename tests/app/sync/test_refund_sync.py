"""Refunds and Plugipay over real HTTP: a till refund reaches the sandbox once,
after its invoice's pay; a refusal becomes a conflict; a dashboard refund is
recorded at the till once, with its own number."""

from __future__ import annotations

from app.domain.refunds import RefundInput, RefundLineInput
from app.services.invoices import PaymentInput, create_and_issue, mark_paid
from app.services.queries import get_invoice, invoice_history
from app.services.refunds import list_refunds, refund
from app.sync.conflicts import list_conflicts
from tests.conftest import draft_input


def _remote_refunds(sandbox, plugipay_id):
    with sandbox.client() as c:
        out, cursor = [], None
        while True:
            page = c.refunds.list(limit=100, cursor=cursor, charge_id=plugipay_id)
            out += [r.raw for r in page.data]
            if not page.has_more:
                return out
            cursor = page.cursor


def _paid(ctx, customer, lines=(("Kopi susu", 2, 18000), ("Roti", 1, 12000))):
    inv = create_and_issue(ctx, draft_input(customer.id, lines=lines))
    mark_paid(ctx, inv.id, PaymentInput("cash"))
    return inv


def test_a_refund_made_offline_goes_after_its_pay_exactly_once(ctx, customer, engine, sandbox):
    inv = _paid(ctx, customer)  # issue, pay and refund all queued before any sync
    r = refund(ctx, inv.id, RefundInput(lines=(RefundLineInput(0, 1),), method="cash"))
    report = engine.run_pass()
    assert report.pending == 0 and report.refused == 0, report.summary()
    after = get_invoice(ctx, inv.id)
    [remote] = _remote_refunds(sandbox, after.plugipay_id)
    assert (remote["amount"], remote["reason"]) == (18000, "requested_by_customer")
    assert remote["metadata"]["kasirLocalNumber"] == r.local_number == "T1-F000001"
    [mine] = list_refunds(ctx, inv.id)
    assert mine.plugipay_id == remote["id"] and mine.sync_state == "synced"
    assert after.sync_state == "synced"
    # The events feed brings the same refund back: linked, never recorded twice.
    again = engine.run_pass(reconcile=True)
    assert again.pending == 0 and len(list_refunds(ctx, inv.id)) == 1
    assert get_invoice(ctx, inv.id).amount_refunded == 18000


def test_a_refund_refused_by_plugipay_lands_in_the_conflicts_with_what_to_do(
        ctx, customer, engine, sandbox):
    inv = _paid(ctx, customer)
    engine.run_pass()
    remote_id = get_invoice(ctx, inv.id).plugipay_id
    sandbox.refund_invoice(remote_id, amount=40000)  # dashboard: 8000 left on Plugipay
    r = refund(ctx, inv.id, RefundInput(amount=30000, method="transfer"))
    engine.run_pass(pull=False)
    [c] = list_conflicts(ctx)
    assert c.operation == "invoice.refund" and c.code == "validation_error"
    assert r.local_number in c.message and "Plugipay dashboard" in c.message
    [mine] = list_refunds(ctx, inv.id)
    assert mine.sync_state == "refused" and mine.plugipay_id is None
    assert len(_remote_refunds(sandbox, remote_id)) == 1


def test_a_dashboard_refund_appears_at_the_till_once_with_its_own_number(
        ctx, customer, engine, sandbox):
    inv = _paid(ctx, customer)
    refund(ctx, inv.id, RefundInput(amount=5000))
    engine.run_pass()
    remote_id = get_invoice(ctx, inv.id).plugipay_id
    doc = sandbox.refund_invoice(remote_id, amount=7000, reason="duplicate")
    report = engine.run_pass()
    assert report.conflicts == 0, report.summary()
    engine.run_pass(reconcile=True)  # the refund list walked too: still once
    refunds = list_refunds(ctx, inv.id)
    assert [(r.local_number, r.amount, r.source) for r in refunds] == [
        ("T1-F000001", 5000, "till"), ("T1-F000002", 7000, "plugipay")]
    assert refunds[1].plugipay_id == doc["id"] and refunds[1].reason == "duplicate"
    assert refunds[1].method == "other"
    assert get_invoice(ctx, inv.id).amount_refunded == 12000
    [h] = [h for h in invoice_history(ctx, inv.id) if h.action == "sync_refund"]
    assert h.operator == "plugipay" and "Refunded in Plugipay" in h.note


def test_a_refund_missed_by_the_feed_is_found_in_the_refund_list(ctx, customer, engine, sandbox):
    import dataclasses

    from app.sync.gateway import Gateway
    from app.sync.puller import Puller
    from tests.app.sync.helpers import creds_for

    inv = _paid(ctx, customer)
    engine.run_pass()
    remote_id = get_invoice(ctx, inv.id).plugipay_id
    sandbox.refund_invoice(remote_id)  # everything that is left
    # Only the refund list, never the feed: as if the events had expired.
    gw = Gateway(creds_for(sandbox), timeout=5)
    try:
        puller = Puller(dataclasses.replace(ctx, operator="plugipay"), gw)
        assert puller.reconcile_refunds().refunds == 1
        assert puller.reconcile_refunds().refunds == 0
    finally:
        gw.close()
    after = get_invoice(ctx, inv.id)
    assert after.fully_refunded and after.amount_refunded == after.amount_paid
    assert [r.source for r in list_refunds(ctx, inv.id)] == ["plugipay"]
    engine.run_pass(reconcile=True)
    assert len(list_refunds(ctx, inv.id)) == 1


def test_a_dashboard_refund_the_till_cannot_place_is_one_conflict(ctx, customer, engine,
                                                                   sandbox):
    inv = _paid(ctx, customer)
    engine.run_pass()
    remote_id = get_invoice(ctx, inv.id).plugipay_id
    refund(ctx, inv.id, RefundInput(amount=40000))  # not sent yet
    sandbox.refund_invoice(remote_id, amount=40000)
    from app.sync.gateway import Gateway
    from app.sync.puller import Puller
    from tests.app.sync.helpers import creds_for
    import dataclasses

    gw = Gateway(creds_for(sandbox), timeout=5)
    try:
        puller = Puller(dataclasses.replace(ctx, operator="plugipay"), gw)
        puller.pull_events()
        puller.reconcile_refunds()
    finally:
        gw.close()
    [c] = list_conflicts(ctx)
    assert c.kind == "refund_unplaced" and "cannot record" in c.message
    assert get_invoice(ctx, inv.id).amount_refunded == 40000
