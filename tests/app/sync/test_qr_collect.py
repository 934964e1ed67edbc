"""Collect by QR (issue 16) against the real sandbox: the session is created once,
the invoice is paid once when Plugipay says the session is paid, whether the till
sees it by polling or in the events feed, after lost answers and after a restart;
an expired or canceled session pays nothing; a late payment pays the invoice if it
is still open, else lands in the conflicts list."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from app.services import qr_collect
from app.services.context import Context, open_store
from app.services.invoices import PaymentInput, issue, mark_paid
from app.services.queries import get_invoice, invoice_history
from app.store.models import Payment
from app.sync.checkout import QrCollector, QrUnavailable
from app.sync.conflicts import list_conflicts
from app.sync.credentials import Credentials
from app.sync.gateway import Gateway
from tests.app.sync.helpers import creds_for


@pytest.fixture
def gateway(sandbox):
    gw = Gateway(creds_for(sandbox), timeout=5)
    yield gw
    gw.close()


@pytest.fixture
def collector(ctx, gateway, sandbox):
    sandbox.set_adapter("midtrans")
    return QrCollector(ctx, gateway)


@pytest.fixture
def open_invoice(make_draft, ctx):
    return issue(ctx, make_draft().id)


class _Pay:
    def __init__(self, p):
        self.method, self.reference, self.amount = p.method, p.reference, p.amount
        self.tenders = [t.method for t in p.tenders]


def _payments(ctx, invoice_id):
    with ctx.store.reader() as uow:
        return [_Pay(p) for p in uow.session.execute(select(Payment).where(
            Payment.invoice_id == invoice_id)).scalars()]


def _sessions(sandbox):
    return [s.raw for s in sandbox.client().checkout_sessions.list(limit=100).data]


def _pay_soon(sandbox, session_id, delay=0.3):
    t = threading.Thread(target=lambda: (time.sleep(delay), sandbox.pay_session(session_id)))
    t.start()
    return t


def test_paid_during_the_wait_pays_the_invoice_once_by_qris(ctx, collector, sandbox, engine,
                                                           open_invoice):
    rec = collector.start(open_invoice.id)
    assert rec.status == "open" and rec.session_id.startswith("cs_")
    assert rec.amount == open_invoice.amount_due and rec.qr_payload and rec.hosted_url
    remote = sandbox.client().checkout_sessions.get(rec.session_id).raw
    assert remote["metadata"]["kasirInvoiceId"] == str(open_invoice.id)
    assert remote["metadata"]["kasirLocalNumber"] == open_invoice.local_number
    payer = _pay_soon(sandbox, rec.session_id)
    done = collector.wait(rec.id, timeout=15, interval=0.1)
    payer.join()
    assert done.paid and done.receipt_number
    assert done.charge_id == sandbox.client().checkout_sessions.get(rec.session_id).raw[
        "paymentId"]  # what a refund of this payment names
    inv = get_invoice(ctx, open_invoice.id)
    assert inv.status == "paid"
    (pay,) = _payments(ctx, inv.id)
    assert (pay.method, pay.reference, pay.amount) == ("qris", rec.session_id, rec.amount)
    assert pay.tenders == ["qris"]
    # The events feed tells the till again, and a second poll too: still one payment.
    report = engine.run_pass(reconcile=True)
    assert report.online and report.pending == 0, report.summary()
    assert collector.refresh(rec.id).paid
    assert len(_payments(ctx, inv.id)) == 1
    assert sandbox.client().invoices.get(get_invoice(ctx, inv.id).plugipay_id).raw[
        "status"] == "paid"
    receipt = qr_collect.receipt_of(ctx, rec.id)
    assert receipt.method == "qris"
    with ctx.store.reader() as uow:
        assert qr_collect.charge_of_payment(uow.session, receipt.payment_id) == done.charge_id


def test_pressing_qr_twice_reuses_the_session(collector, sandbox, open_invoice):
    first = collector.start(open_invoice.id)
    second = collector.start(open_invoice.id)
    assert second.id == first.id and second.session_id == first.session_id
    assert len(_sessions(sandbox)) == 1


def test_an_expired_session_pays_nothing(ctx, collector, sandbox, open_invoice):
    rec = collector.start(open_invoice.id)
    sandbox.set_faults(clock_skew=3600)  # Plugipay's clock passes the expiry
    try:
        done = collector.wait(rec.id, timeout=10, interval=0.1)
    finally:
        sandbox.set_faults(clock_skew=0)
    assert done.status == "expired" and not done.paid and done.finished
    assert get_invoice(ctx, open_invoice.id).status == "open"
    assert _payments(ctx, open_invoice.id) == []
    assert "qr_expired" in [h.action for h in invoice_history(ctx, open_invoice.id)]
    # A new press makes a new session; the expired one is never reused.
    again = collector.start(open_invoice.id)
    assert again.id != rec.id and again.status == "open"


def test_cancel_cancels_the_session_on_plugipay(ctx, collector, sandbox, open_invoice):
    rec = collector.start(open_invoice.id)
    assert collector.wait(rec.id, timeout=0.2, interval=0.1).status == "open"  # gave up
    done = collector.cancel(rec.id)
    assert done.status == "canceled" and not done.paid
    assert sandbox.client().checkout_sessions.get(rec.session_id).raw["status"] == "canceled"
    assert _payments(ctx, open_invoice.id) == []


def test_a_payment_racing_the_cancel_wins(ctx, collector, sandbox, open_invoice):
    rec = collector.start(open_invoice.id)
    sandbox.pay_session(rec.session_id)
    done = collector.cancel(rec.id)  # Plugipay says 409: the session was paid
    assert done.paid
    assert get_invoice(ctx, open_invoice.id).status == "paid"


def test_paid_after_the_cashier_gave_up_is_taken_in_by_the_puller(ctx, collector, sandbox,
                                                                  engine, open_invoice):
    rec = collector.start(open_invoice.id)
    collector.wait(rec.id, timeout=0.1, interval=0.1)  # the cashier walked away
    sandbox.pay_session(rec.session_id)
    report = engine.run_pass(reconcile=False)
    assert open_invoice.id in report.changed_invoices
    inv = get_invoice(ctx, open_invoice.id)
    assert inv.status == "paid"
    assert [p.reference for p in _payments(ctx, inv.id)] == [rec.session_id]


def test_paid_late_on_an_invoice_paid_otherwise_is_a_conflict_to_refund(ctx, collector,
                                                                        sandbox, engine,
                                                                        open_invoice):
    rec = collector.start(open_invoice.id)
    mark_paid(ctx, open_invoice.id, PaymentInput("cash"))
    sandbox.pay_session(rec.session_id)
    engine.run_pass(reconcile=False)
    assert [p.method for p in _payments(ctx, open_invoice.id)] == ["cash"]
    (conflict,) = [c for c in list_conflicts(ctx) if c.kind == "qr_paid_late"]
    assert conflict.entity_id == open_invoice.id and "Refund" in conflict.message
    assert collector.refresh(rec.id).outcome == "conflict"
    engine.run_pass(reconcile=True)  # seen again: no second conflict
    assert len([c for c in list_conflicts(ctx) if c.kind == "qr_paid_late"]) == 1


def test_a_lost_create_answer_is_resent_with_the_same_key(ctx, collector, sandbox,
                                                          open_invoice):
    sandbox.set_faults(drop_rate=1)
    try:
        with pytest.raises(QrUnavailable):
            collector.start(open_invoice.id)
    finally:
        sandbox.set_faults(drop_rate=0)
    assert len(_sessions(sandbox)) == 1  # Plugipay made it; the till never heard
    rec = collector.start(open_invoice.id)
    assert rec.session_id == _sessions(sandbox)[0]["id"]
    assert len(_sessions(sandbox)) == 1


def test_a_restart_while_waiting_still_pays_exactly_once(ctx, db_path, sandbox, gateway,
                                                         collector, open_invoice, clock):
    rec = collector.start(open_invoice.id)
    sandbox.pay_session(rec.session_id)
    # The till restarts: a new store on the same file, a new collector.
    store2 = open_store(db_path)
    try:
        ctx2 = Context(store2, operator="ana", till="T1", clock=clock)
        again = QrCollector(ctx2, gateway).start(open_invoice.id)
        assert again.id == rec.id or again.paid
        done = QrCollector(ctx2, gateway).wait(rec.id, timeout=5, interval=0.1)
        assert done.paid
        assert QrCollector(ctx, gateway).refresh(rec.id).paid
    finally:
        store2.dispose()
    assert len(_payments(ctx, open_invoice.id)) == 1


def test_dropped_answers_while_collecting_still_pay_once(ctx, collector, sandbox, engine,
                                                         open_invoice):
    sandbox.set_faults(drop_rate=0.4, fail_rate=0.1, seed=16)
    try:
        rec = None
        for _attempt in range(20):
            try:
                rec = collector.start(open_invoice.id)
                break
            except QrUnavailable:
                continue
        assert rec is not None
        payer = _pay_soon(sandbox, rec.session_id, delay=0.1)
        done = collector.wait(rec.id, timeout=20, interval=0.05)
        payer.join()
        for _pass in range(10):
            engine.run_pass(reconcile=False)
    finally:
        sandbox.set_faults(drop_rate=0, fail_rate=0)
    assert done.paid or collector.refresh(rec.id).paid
    assert len(_sessions(sandbox)) == 1
    assert len(_payments(ctx, open_invoice.id)) == 1


def test_manual_adapter_claim_is_confirmed_by_the_cashier(ctx, collector, sandbox,
                                                         open_invoice):
    sandbox.set_adapter("manual")
    rec = collector.start(open_invoice.id)
    assert rec.adapter == "manual"
    sandbox.pay_session(rec.session_id)
    claimed = collector.wait(rec.id, timeout=5, interval=0.1)
    assert claimed.status == "pending_review" and not claimed.paid
    assert claimed.proof_url.startswith("data:image/png;base64,")
    done = collector.confirm(rec.id)
    assert done.paid and get_invoice(ctx, open_invoice.id).status == "paid"


def test_manual_adapter_refused_claim_pays_nothing(ctx, collector, sandbox, open_invoice):
    sandbox.set_adapter("manual")
    rec = collector.start(open_invoice.id)
    sandbox.pay_session(rec.session_id)
    collector.wait(rec.id, timeout=5, interval=0.1)
    done = collector.refuse(rec.id)
    assert done.status == "canceled" and _payments(ctx, open_invoice.id) == []


def test_offline_qr_is_unavailable_with_the_reason(ctx, open_invoice):
    gw = Gateway(Credentials("ak_test_x", "sk_test_y", "http://127.0.0.1:9", "test"), timeout=2)
    try:
        with pytest.raises(QrUnavailable) as err:
            QrCollector(ctx, gw).start(open_invoice.id)
    finally:
        gw.close()
    assert "cannot be reached" in err.value.message and "cash" in err.value.message
    assert get_invoice(ctx, open_invoice.id).status == "open"


def test_only_an_open_invoice_can_be_collected(ctx, collector, make_draft):
    draft = make_draft()
    with pytest.raises(Exception) as err:
        collector.start(draft.id)
    assert getattr(err.value, "code", "") == "conflict"


def test_the_poller_and_the_puller_at_once_pay_once_and_raise_no_conflict(ctx, collector,
                                                                         sandbox, engine,
                                                                         open_invoice):
    rec = collector.start(open_invoice.id)
    sandbox.pay_session(rec.session_id)
    results = []
    threads = [threading.Thread(target=lambda: results.append(collector.refresh(rec.id))),
               threading.Thread(target=lambda: results.append(engine.run_pass(reconcile=False)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert collector.refresh(rec.id).paid
    assert len(_payments(ctx, open_invoice.id)) == 1
    assert [c for c in list_conflicts(ctx) if c.kind == "qr_paid_late"] == []
