"""Plugipay moved an invoice on while the till did something else: each pairing
ends in Plugipay's state with a conflict a manager sees and resolves."""

from __future__ import annotations

import pytest

from app.domain.errors import ConflictError, NotFoundError
from app.services.invoices import PaymentInput, create_and_issue, mark_paid, void, write_off
from app.services.queries import get_invoice, invoice_history, invoice_receipts
from app.sync.conflicts import list_conflicts, resolve
from tests.conftest import draft_input


def _synced(ctx, engine, customer):
    inv = create_and_issue(ctx, draft_input(customer.id))
    assert engine.run_pass().pending == 0
    return get_invoice(ctx, inv.id)


@pytest.mark.parametrize("dashboard, till, final, kind", [
    ("pay", "void", "paid", "paid_elsewhere"),
    ("void", "pay", "void", "voided_elsewhere"),
    ("pay", "pay", "paid", "paid_twice"),
    ("void", "void", "void", "already_void"),
    ("uncollectible", "pay", "uncollectible", "written_off_elsewhere"),
    ("uncollectible", "void", "uncollectible", "written_off_elsewhere"),
])
def test_pairings_end_in_plugipays_state(ctx, customer, engine, sandbox, dashboard, till, final, kind):
    inv = _synced(ctx, engine, customer)
    {"pay": sandbox.pay_invoice, "void": sandbox.void_invoice,
     "uncollectible": sandbox.mark_uncollectible}[dashboard](inv.plugipay_id)
    if till == "pay":
        mark_paid(ctx, inv.id, PaymentInput("cash"))
    else:
        void(ctx, inv.id, "customer left")
    report = engine.run_pass()
    assert report.refused == 1 and report.conflicts == 1, report.summary()
    after = get_invoice(ctx, inv.id)
    remote = sandbox.client().invoices.get(inv.plugipay_id).raw
    assert after.stored_status == final == remote["status"]
    assert after.sync_state == "conflict"
    [c] = list_conflicts(ctx)
    assert c.kind == kind and c.entity_id == inv.id and c.remote_state["status"] == final
    assert c.local_state["status"] == ("paid" if till == "pay" else "void") and not c.blocking
    assert any(h.action == "sync_conflict" and h.operator == "plugipay"
               for h in invoice_history(ctx, inv.id))
    if final == "paid" and till == "void":  # paid online: the till shows it paid, with a receipt
        assert after.amount_paid == after.total and invoice_receipts(ctx, inv.id)
    # Nothing more to send, and the next pass does not make the conflict again.
    again = engine.run_pass(reconcile=True)
    assert again.pending == 0 and again.conflicts == 1 and again.refused == 0
    done = resolve(ctx, c.id, "accept", "refunded in cash")
    assert done.state == "resolved" and done.resolved_by == "ana"
    assert get_invoice(ctx, inv.id).sync_state == "synced"
    assert list_conflicts(ctx) == [] and len(list_conflicts(ctx, include_resolved=True)) == 1
    with pytest.raises(ConflictError):
        resolve(ctx, c.id)


def test_paid_online_shows_paid_at_the_till(ctx, customer, engine, sandbox):
    inv = _synced(ctx, engine, customer)
    sandbox.pay_invoice(inv.plugipay_id, reference="VA 8801")
    report = engine.run_pass()
    assert report.updated == 1 and report.conflicts == 0, report.summary()
    after = get_invoice(ctx, inv.id)
    assert after.stored_status == "paid" and after.amount_paid == after.total
    [receipt] = invoice_receipts(ctx, inv.id)
    assert receipt.plugipay_id and receipt.plugipay_id.startswith("rcpt")
    assert [h for h in invoice_history(ctx, inv.id) if h.action == "sync_paid"][0].operator == "plugipay"


def test_voided_in_dashboard_is_void_at_the_till(ctx, customer, engine, sandbox):
    inv = _synced(ctx, engine, customer)
    sandbox.void_invoice(inv.plugipay_id)
    engine.run_pass()
    assert get_invoice(ctx, inv.id).stored_status == "void"


def test_written_off_here_then_paid_online(ctx, customer, engine, sandbox):
    inv = _synced(ctx, engine, customer)
    write_off(ctx, inv.id, "gone")
    assert engine.run_pass().pending == 0  # a write-off has no Plugipay route: nothing sent
    sandbox.pay_invoice(inv.plugipay_id)
    report = engine.run_pass()
    assert get_invoice(ctx, inv.id).stored_status == "paid"
    [c] = list_conflicts(ctx)
    assert c.kind == "paid_after_write_off" and report.conflicts == 1


def test_refused_sale_holds_back_only_its_own_invoice(ctx, customer, engine, sandbox):
    bad = create_and_issue(ctx, draft_input(customer.id))
    good = create_and_issue(ctx, draft_input(customer.id))
    mark_paid(ctx, bad.id, PaymentInput("cash"))
    # Plugipay refuses this one sale (its customer is not known there).
    engine.run_pass(max_sends=1)  # the customer
    from app.store.models import OutboxOperation
    with ctx.store.unit_of_work() as uow:
        op = uow.session.query(OutboxOperation).filter_by(aggregate=f"invoice:{bad.id}",
                                                          operation="invoice.issue").one()
        op.payload = {**op.payload, "currency": "EUR"}
        uow.commit()
    report = engine.run_pass()
    assert report.refused == 1
    assert get_invoice(ctx, good.id).sync_state == "synced"
    b = get_invoice(ctx, bad.id)
    assert b.sync_state == "conflict" and b.plugipay_id is None
    [c] = list_conflicts(ctx)
    assert c.blocking and c.code == "validation_error" and "currency" in c.message
    assert report.pending == 1  # the payment waits behind the refused sale
    with pytest.raises(NotFoundError):
        resolve(ctx, 999)
    # Fixed, then retried with a new key: it goes through, and the payment follows.
    with ctx.store.unit_of_work() as uow:
        op = uow.session.get(OutboxOperation, op.id)
        op.payload = {**op.payload, "currency": "IDR"}
        uow.commit()
    resolve(ctx, c.id, "retry")
    report = engine.run_pass()
    assert report.pending == 0 and report.conflicts == 0, report.summary()
    b = get_invoice(ctx, bad.id)
    assert b.sync_state == "synced"
    assert sandbox.client().invoices.get(b.plugipay_id).raw["status"] == "paid"


def test_accepting_a_refused_sale_keeps_it_local(ctx, customer, engine, sandbox):
    bad = create_and_issue(ctx, draft_input(customer.id))
    engine.run_pass(max_sends=1)
    from app.store.models import OutboxOperation
    with ctx.store.unit_of_work() as uow:
        op = uow.session.query(OutboxOperation).filter_by(aggregate=f"invoice:{bad.id}").one()
        op.payload = {**op.payload, "lines": []}
        uow.commit()
    engine.run_pass()
    void(ctx, bad.id, "will redo")
    [c] = list_conflicts(ctx)
    resolve(ctx, c.id, "accept")
    report = engine.run_pass()
    assert report.pending == 0 and get_invoice(ctx, bad.id).sync_state == "local"
    assert sandbox.stats()["invoices"] == 0
