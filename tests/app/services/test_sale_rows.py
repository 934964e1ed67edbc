"""The sale's rows written with Core statements (app/services/sale_rows.py, issue 18):
history rows written whole, the ORM's version rule kept, lengths refused as a
flush refuses them, and a caller's session that holds the invoice kept honest."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.domain.errors import NotFoundError, ValidationError
from app.services import invoices as svc
from app.services import sale_rows
from app.services.audit import enqueue
from app.services.context import Context
from app.services.queries import get_invoice
from app.store.history_chain import read_head
from app.store.models import Invoice, OutboxOperation
from app.trust.chain import verify
from tests.conftest import draft_input

APPEND_ONLY = """CREATE TRIGGER history_append_only BEFORE UPDATE ON history
BEGIN SELECT RAISE(ABORT, 'history rows are written once'); END"""


def table_rows(db_path) -> dict[str, list]:
    con = sqlite3.connect(db_path)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("invoices", "invoice_lines", "payments", "payment_tenders", "receipts",
                          "history", "outbox", "number_series")}
    finally:
        con.close()


def test_a_sale_writes_each_history_row_once(ctx, customer, db_path):
    con = sqlite3.connect(db_path)
    con.execute(APPEND_ONLY)
    con.commit()
    con.close()
    d = svc.create_draft(ctx, draft_input(customer.id, lines=(("Kopi", 2, 18000),)))
    svc.issue(ctx, d.id)
    svc.mark_paid(ctx, d.id, svc.PaymentInput(tenders=(svc.Tender("cash", 50000),)))
    inv = svc.create_and_issue(ctx, draft_input(customer.id))
    svc.void(ctx, inv.id, "typo")
    report = verify(ctx.store)
    assert report.ok and report.checked == 7, report  # with the customer's entry


def test_the_outbox_anchor_is_the_head_the_action_left(ctx, customer):
    inv = svc.create_and_issue(ctx, draft_input(customer.id))
    with ctx.store.reader() as uow:
        conn = uow.session.connection()
        head = read_head(conn)
        payload = conn.execute(select(OutboxOperation.payload)
                               .where(OutboxOperation.operation == "invoice.issue")).scalar_one()
    assert payload["invoiceId"] == inv.id
    assert payload["kasirChain"] == f"{head[0]}:{head[1]}"


def test_the_anchor_is_read_again_in_a_new_transaction(ctx, customer, db_path):
    """The head a link leaves is remembered for its own transaction only."""
    svc.create_and_issue(ctx, draft_input(customer.id))
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        con = sqlite3.connect(db_path)
        seq, hash_ = read_head(s.connection())
        con.close()
        enqueue(s, ctx, "invoice:x", "invoice.test", {})
        uow.commit()
    with ctx.store.reader() as uow:
        payload = uow.session.execute(select(OutboxOperation.payload).where(
            OutboxOperation.operation == "invoice.test")).scalar_one()
    assert payload["kasirChain"] == f"{seq}:{hash_}"


def test_an_update_at_an_old_version_is_refused_and_changes_nothing(ctx, customer, db_path):
    d = svc.create_draft(ctx, draft_input(customer.id))
    with ctx.store.unit_of_work() as uow:
        stale = sale_rows.load(uow.session.connection(), d.id)
    svc.edit_draft(ctx, d.id, draft_input(customer.id, memo="edited"))  # version 2 now
    before = table_rows(db_path)
    with ctx.store.unit_of_work() as uow:
        with pytest.raises(StaleDataError):
            sale_rows.update_invoice(uow.session.connection(), stale, memo="lost update")
    assert table_rows(db_path) == before
    assert get_invoice(ctx, d.id).memo == "edited"


def test_issue_retries_when_another_writer_moved_the_version(ctx, customer, monkeypatch):
    """The version clash is retried from the top, as the ORM's StaleDataError was."""
    d = svc.create_draft(ctx, draft_input(customer.id))
    real = sale_rows.update_invoice
    clashes = []

    def clash_once(conn, inv, **changes):
        if not clashes:
            clashes.append(inv.version)
            inv.version -= 1  # as if read before someone else's change
        return real(conn, inv, **changes)

    monkeypatch.setattr(sale_rows, "update_invoice", clash_once)
    inv = svc.issue(ctx, d.id)
    assert clashes and inv.status == "open" and inv.local_number == "T1-000001"


@pytest.mark.parametrize("operator", ["x" * 101, "y" * 10_000])
def test_over_long_text_is_refused_before_anything_is_written(store, clock, customer, db_path,
                                                              operator):
    d = svc.create_draft(Context(store, operator="ana", till="T1", clock=clock),
                         draft_input(customer.id))
    long = Context(store, operator=operator, till="T1", clock=clock)
    before = table_rows(db_path)
    for action in (lambda: svc.create_draft(long, draft_input(customer.id)),
                   lambda: svc.create_and_issue(long, draft_input(customer.id)),
                   lambda: svc.issue(long, d.id)):
        with pytest.raises(ValidationError) as err:
            action()
        assert "too long" in str(err.value)
    assert table_rows(db_path) == before


def test_a_long_payment_reference_is_refused_whole(ctx, customer, db_path):
    inv = svc.create_and_issue(ctx, draft_input(customer.id))
    before = table_rows(db_path)
    tender = svc.Tender("edc", inv.total, "9" * 300)
    with pytest.raises(ValidationError):
        svc.pay_with_tenders(ctx, inv.id, svc.PaymentInput(tenders=(tender,)))
    assert table_rows(db_path) == before


def test_a_model_the_caller_holds_reads_the_payment(ctx, customer):
    """pay_in_session inside a caller's session (reconciliation, QR) expires the
    caller's model of the invoice, so it shows the payment, and a later flush of
    the session does not trip over the version the payment moved."""
    inv = svc.create_and_issue(ctx, draft_input(customer.id))
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        held = s.get(Invoice, inv.id)
        assert held.status == "open"
        svc.pay_in_session(s, ctx, inv.id, svc.PaymentInput("transfer", "BCA 1"))
        assert held.status == "paid" and held.amount_paid == inv.total
        held.memo = "noted after paying"
        s.flush()
        uow.commit()
    got = get_invoice(ctx, inv.id)
    assert got.status == "paid" and got.memo == "noted after paying"



def test_the_sale_customer_by_every_spelling(ctx, customer, db_path):
    """A local id and the walk-in customer are read with Core; a Plugipay id, the
    walk-in customer's first use and an unknown customer go through the services."""
    con = sqlite3.connect(db_path)
    con.execute("UPDATE customers SET plugipay_id = 'cus_budi' WHERE id = ?", (customer.id,))
    con.commit()
    con.close()
    walk_in = svc.create_draft(ctx, draft_input(None))  # first use: made, with its history
    again = svc.create_draft(ctx, draft_input(None))  # then read from its settings row
    assert again.customer_id == walk_in.customer_id != customer.id
    assert again.customer_name == walk_in.customer_name == "Walk-in customer"
    for ref in (customer.id, str(customer.id), f" {customer.id} ", "cus_budi"):
        got = svc.create_draft(ctx, draft_input(ref))
        assert (got.customer_id, got.customer_name, got.customer_email) == (
            customer.id, "Budi Santoso", "budi@example.com"), ref
    before = table_rows(db_path)
    for ref in (999, "999", "9" * 30, "cus_nobody", "budi"):
        with pytest.raises(NotFoundError) as err:
            svc.create_draft(ctx, draft_input(ref))
        assert err.value.field == "customer_id", ref
    assert table_rows(db_path) == before


def test_an_id_beyond_any_row_is_not_found(ctx, customer):
    """Digits too large for an INTEGER key name nothing: refused as not found, never an
    OverflowError from the driver."""
    from app.services.queries import get_invoice

    with pytest.raises(NotFoundError) as err:
        get_invoice(ctx, "9" * 30)
    assert err.value.field == "id"
    with pytest.raises(NotFoundError):
        svc.issue(ctx, str(2 ** 63))
    with pytest.raises(NotFoundError):
        svc.mark_paid(ctx, "9" * 25)
