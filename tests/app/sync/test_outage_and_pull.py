"""A long outage drains in order; what was made elsewhere comes to the till;
the server's clock, 429s and lost responses are handled."""

from __future__ import annotations

import time

import pytest

from sqlalchemy import select

from app.services.customers import CustomerInput, add_customer
from app.services.invoices import PaymentInput, create_and_issue, mark_paid, void
from app.services.queries import InvoiceQuery, get_invoice, list_invoices
from app.store.models import Invoice
from app.sync.engine import SyncEngine
from app.sync.outbox import Backoff
from tests.app.sync.helpers import creds_for
from tests.conftest import draft_input

OUTAGE = 300


@pytest.mark.parametrize("window", [1, 8])
def test_long_outage_drains_in_order(ctx, store, sandbox, window):
    customers = [add_customer(ctx, CustomerInput(f"C{i}", f"c{i}@example.com")).id for i in range(5)]
    ids = []
    for n in range(OUTAGE):
        inv = create_and_issue(ctx, draft_input(customers[n % 5], lines=(("Nasi", 1, 1000 + n),)))
        ids.append(inv.id)
        if n % 7 == 0:
            mark_paid(ctx, inv.id, PaymentInput("transfer", f"TRX{n}"))
        elif n % 11 == 0:
            void(ctx, inv.id, "mistake")
    # Offline: the address answers nothing.
    dead = SyncEngine(store, credentials=creds_for(sandbox)._replace_url("http://127.0.0.1:9"),
                      backoff=Backoff(base=0.01, cap=0.02), remind=False, timeout=2)
    r = dead.run_pass()
    dead.close()
    assert not r.online and r.pending > OUTAGE and r.sent <= 3, r.summary()
    # Back online, after the failed sends' retry time (<= the 0.02 s cap): had it
    # not passed, the other customers' sales would rightly go first.
    time.sleep(0.05)
    # Back online: one engine drains everything.
    engine = SyncEngine(store, credentials=creds_for(sandbox), remind=False,
                        backoff=Backoff(base=0.01, cap=0.05), window=window)
    t0 = time.monotonic()
    reports = engine.drain()
    elapsed = time.monotonic() - t0
    engine.close()
    assert reports[-1].pending == 0 and reports[-1].conflicts == 0, reports[-1].summary()
    print(f"\nOUTAGE: {OUTAGE} invoices (+payments/voids) drained in {elapsed:.1f}s, "
          f"{len(reports)} pass(es), {sum(r.sent for r in reports)} requests for operations")
    remote = sandbox.remote_invoices()
    assert len(remote) == OUTAGE
    # Plugipay numbers invoices as they arrive. One at a time (window 1), its
    # numbers follow the till's; with a window, the sales of one window may
    # arrive in any order (each invoice's own operations stay in order).
    with store.reader() as uow:
        rows = uow.session.execute(select(Invoice).order_by(Invoice.id)).scalars().all()
        numbers = [r.number for r in rows]
        assert len(set(numbers)) == OUTAGE and all(numbers)
        if window == 1:
            assert numbers == sorted(numbers)
        statuses = {r.plugipay_id: r.status for r in rows}
    assert all(statuses[x["id"]] == x["status"] for x in remote)


def test_invoices_made_elsewhere_appear_at_the_till(ctx, customer, engine, sandbox):
    made = create_and_issue(ctx, draft_input(customer.id))
    engine.run_pass()
    cus = get_invoice(ctx, made.id)
    sub = sandbox.create_subscription_invoice(
        customerId=sandbox.client().customers.list(external_id=str(customer.id)).data[0].raw["id"],
        lines=[{"description": "Sewa etalase", "quantity": 1, "unitAmount": 250000}])
    stranger = sandbox.create_subscription_invoice()  # a customer the till never saw
    sandbox.pay_invoice(stranger["id"])
    report = engine.run_pass()
    assert report.imported == 2, report.summary()
    a = get_invoice(ctx, sub["id"])
    assert a.number == sub["number"] and a.customer_id == customer.id and a.total == 250000
    assert a.stored_status == "open" and a.sync_state == "synced" and a.local_number is None
    b = get_invoice(ctx, stranger["number"])
    assert b.stored_status == "paid" and b.customer_name == "Sandbox subscriber"
    # The till can act on an imported invoice like any other.
    mark_paid(ctx, a.id, PaymentInput("cash"))
    assert engine.run_pass().pending == 0
    assert sandbox.client().invoices.get(sub["id"]).raw["status"] == "paid"
    # A reconciliation finds nothing new; nothing is imported twice.
    again = engine.run_pass(reconcile=True)
    assert again.imported == 0 and again.updated == 0
    assert len(list_invoices(ctx, InvoiceQuery(limit=50)).items) == 3
    assert cus.sync_state == "synced"


def test_reconcile_catches_what_the_feed_missed(ctx, customer, engine, sandbox):
    inv = create_and_issue(ctx, draft_input(customer.id))
    engine.run_pass()
    sandbox.pay_invoice(get_invoice(ctx, inv.id).plugipay_id)
    # Pretend the events were lost: move the cursor past them.
    from app.store.sync_models import SyncCursor
    client = sandbox.client()
    last = client.events.list(limit=100, order="asc")
    with ctx.store.unit_of_work() as uow:
        uow.session.get(SyncCursor, "events").value = last.cursor
        uow.commit()
    assert engine.run_pass(reconcile=False).updated == 0
    assert engine.run_pass(reconcile=True).updated == 1
    assert get_invoice(ctx, inv.id).stored_status == "paid"


def test_clock_skew_is_corrected(ctx, customer, engine, sandbox):
    sandbox.set_faults(clock_skew=-900)  # the till's clock is 15 minutes fast
    create_and_issue(ctx, draft_input(customer.id))
    report = engine.run_pass()
    assert report.pending == 0 and report.online, report.summary()
    assert -910 < report.clock_offset < -890
    assert "ahead of Plugipay" in report.summary()


def test_rate_limit_waits_for_retry_after(ctx, customer, engine, sandbox):
    for _ in range(6):
        create_and_issue(ctx, draft_input(customer.id))
    sandbox.set_faults(rate_limit=2)
    first = engine.run_pass()
    assert first.retry_after and first.retry_after >= 1 and first.pending > 0, first.summary()
    paused = engine.run_pass()  # still inside Retry-After: no request at all
    assert paused.sent == 0 and "wait" in paused.error
    sandbox.set_faults(rate_limit=0)
    time.sleep(first.retry_after)
    assert engine.drain()[-1].pending == 0


def test_lost_responses_never_duplicate(ctx, customer, engine, sandbox):
    for _ in range(5):
        create_and_issue(ctx, draft_input(customer.id))
    sandbox.set_faults(drop_rate=1.0)  # every write is done, and its answer lost
    r = engine.run_pass()
    assert r.pushed == 0 and r.retried >= 1
    sandbox.set_faults(drop_rate=0)
    engine.drain()
    assert sandbox.stats()["invoices"] == 5 and sandbox.stats()["customers"] == 1
