from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.domain.errors import ConflictError, NotFoundError, ValidationError
from app.services import invoices as svc
from app.services.queries import get_invoice, invoice_history, invoice_receipts
from app.store.models import HistoryEntry, Invoice, OutboxOperation, Receipt
from tests.conftest import draft_input


def count(store, model):
    with store.reader() as uow:
        return uow.session.execute(select(func.count()).select_from(model)).scalar()


def test_draft_issue_pay_flow(ctx, customer, make_draft, clock):
    d = make_draft(lines=(("Kopi susu", 2, 18000), ("Roti", 1, 25000)), discount=1000, tax=6600)
    assert d.status == "draft" and d.local_number is None and d.total == 66600
    assert d.sync_state == "local"
    clock.advance(minutes=1)
    inv = svc.issue(ctx, d.id)
    assert inv.status == "open" and inv.local_number == "T1-000001" and inv.issued_at == clock()
    clock.advance(minutes=1)
    paid, receipt = svc.mark_paid(ctx, inv.local_number, svc.PaymentInput("transfer", "BCA 998877"))
    assert paid.status == "paid" and paid.amount_paid == 66600 and paid.amount_due == 0
    assert receipt.number == "T1-R000001" and receipt.amount == 66600
    assert receipt.method == "transfer" and receipt.reference == "BCA 998877"
    assert receipt.operator == "ana"
    assert [h.action for h in invoice_history(ctx, d.id)] == ["create", "issue", "pay"]
    assert [r.number for r in invoice_receipts(ctx, d.id)] == ["T1-R000001"]
    with ctx.store.reader() as uow:
        ops = uow.session.execute(select(OutboxOperation.operation).order_by(OutboxOperation.id)).scalars().all()
    assert ops == ["customer.create", "invoice.issue", "invoice.pay"]


def test_memo_and_lines_survive_round_trip(ctx, make_draft):
    d = make_draft(lines=(("Kue lapis légit — potongan", 3, 15000),), memo="PO-2026-118")
    got = get_invoice(ctx, d.id)
    assert got.lines[0].description == "Kue lapis légit — potongan"
    assert got.lines[0].amount == 45000 and got.memo == "PO-2026-118"


def test_edit_draft_replaces_lines_and_records_before_after(ctx, make_draft, customer):
    d = make_draft()
    e = svc.edit_draft(ctx, d.id, draft_input(customer.id, lines=(("Teh", 3, 8000),), tax=100))
    assert e.total == 24100 and len(e.lines) == 1
    h = invoice_history(ctx, d.id)[-1]
    assert h.action == "edit" and h.before["total"] == 36000 and h.after["total"] == 24100


@pytest.mark.parametrize("setup,action,exc", [
    ("open", lambda ctx, i, c: svc.issue(ctx, i), ConflictError),
    ("paid", lambda ctx, i, c: svc.mark_paid(ctx, i), ConflictError),
    ("paid", lambda ctx, i, c: svc.void(ctx, i), ConflictError),
    ("open", lambda ctx, i, c: svc.edit_draft(ctx, i, draft_input(c)), ConflictError),
    ("draft", lambda ctx, i, c: svc.mark_paid(ctx, i), ConflictError),
    ("draft", lambda ctx, i, c: svc.write_off(ctx, i), ConflictError),
    ("void", lambda ctx, i, c: svc.issue(ctx, i), ConflictError),
    ("open", lambda ctx, i, c: svc.mark_paid(ctx, i, svc.PaymentInput("bitcoin")), ValidationError),
    ("draft", lambda ctx, i, c: svc.edit_draft(ctx, i, draft_input(c, lines=())), ValidationError),
    ("draft", lambda ctx, i, c: svc.edit_draft(ctx, i, draft_input(999)), NotFoundError),
    ("draft", lambda ctx, i, c: svc.issue(ctx, 424242), NotFoundError),
])
def test_refusals_change_nothing(ctx, customer, make_draft, setup, action, exc):
    d = make_draft()
    if setup in ("open", "paid", "void"):
        svc.issue(ctx, d.id)
    if setup == "paid":
        svc.mark_paid(ctx, d.id)
    if setup == "void":
        svc.void(ctx, d.id)
    before = (get_invoice(ctx, d.id), count(ctx.store, HistoryEntry),
              count(ctx.store, OutboxOperation), count(ctx.store, Receipt))
    with pytest.raises(exc) as err:
        action(ctx, d.id, customer.id)
    assert err.value.message
    after = (get_invoice(ctx, d.id), count(ctx.store, HistoryEntry),
             count(ctx.store, OutboxOperation), count(ctx.store, Receipt))
    assert after == before


def test_void_of_draft_is_local_only_and_write_off_says_so(ctx, make_draft):
    d = make_draft()
    v = svc.void(ctx, d.id, "Salah input")
    assert v.status == "void" and v.reason == "Salah input" and v.sync_state == "local"
    d2 = make_draft()
    svc.issue(ctx, d2.id)
    w = svc.write_off(ctx, d2.id, "Tidak bisa dihubungi")
    assert w.status == "uncollectible"
    assert "Plugipay" in invoice_history(ctx, d2.id)[-1].note
    with ctx.store.reader() as uow:
        ops = uow.session.execute(select(OutboxOperation.operation)).scalars().all()
    assert "invoice.void" not in ops and not any("write" in o for o in ops)


def test_past_due_can_be_paid_voided_or_written_off(ctx, make_draft, clock):
    for action in (svc.mark_paid, svc.void, svc.write_off):
        d = make_draft(due_at=clock() + timedelta(days=1))
        svc.issue(ctx, d.id)
        clock.advance(days=2)
        assert get_invoice(ctx, d.id).status == "past_due"
        result = action(ctx, d.id)
        inv = result[0] if isinstance(result, tuple) else result
        assert inv.status in ("paid", "void", "uncollectible")


def test_issue_refuses_a_due_date_already_past(ctx, make_draft, clock):
    d = make_draft(due_at=clock() + timedelta(hours=1))
    clock.advance(hours=2)
    with pytest.raises(ValidationError):
        svc.issue(ctx, d.id)
    assert get_invoice(ctx, d.id).status == "draft"


def test_payment_in_the_future_is_refused(ctx, make_draft, clock):
    d = make_draft()
    svc.issue(ctx, d.id)
    with pytest.raises(ValidationError):
        svc.mark_paid(ctx, d.id, svc.PaymentInput("cash", "", clock() + timedelta(days=1)))


def test_numbers_are_per_till_and_gapless(store, clock, customer):
    from app.services.context import Context
    t1 = Context(store, "ana", "T1", clock)
    t2 = Context(store, "budi", "T2", clock)
    nums = []
    for i in range(6):
        c = t1 if i % 2 else t2
        d = svc.create_draft(c, draft_input(customer.id))
        if i == 3:
            with pytest.raises(ValidationError):  # a refused issue takes no number
                svc.create_and_issue(c, draft_input(customer.id, lines=()))
        nums.append(svc.issue(c, d.id).local_number)
    assert sorted(n for n in nums if n.startswith("T1")) == ["T1-000001", "T1-000002", "T1-000003"]
    assert sorted(n for n in nums if n.startswith("T2")) == ["T2-000001", "T2-000002", "T2-000003"]


def test_find_by_any_number(ctx, make_draft):
    d = make_draft()
    inv = svc.issue(ctx, d.id)
    with ctx.store.unit_of_work() as uow:
        row = uow.session.get(Invoice, d.id)
        row.plugipay_id, row.number = "in_abc123", "INV-2026-007"
        uow.commit()
    for ref in (d.id, str(d.id), inv.local_number, inv.local_number.lower(), "in_abc123", "INV-2026-007"):
        assert get_invoice(ctx, ref).id == d.id
