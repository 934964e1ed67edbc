"""Refunds on a real SQLite file: by amount, by lines, partial after partial,
and every refusal leaving the database exactly as it was."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from app.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from app.domain.refunds import RefundInput, RefundLineInput
from app.services.invoices import PaymentInput, create_and_issue, mark_paid
from app.services.queries import get_invoice, invoice_history
from app.services.refunds import get_refund, list_refunds, refund
from tests.conftest import draft_input


def db_digest(path) -> str:
    """Every row of every table, hashed: equal digests mean nothing changed."""
    conn = sqlite3.connect(path)
    h = hashlib.sha256()
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
        rows = sorted(repr(r) for r in conn.execute(f'SELECT * FROM "{name}"'))
        h.update(repr((name, rows)).encode())
    conn.close()
    return h.hexdigest()


@pytest.fixture
def paid(ctx, customer):
    def make(lines=(("Kopi susu", 2, 18000), ("Roti bakar", 3, 12500)), discount=0, tax=0):
        inv = create_and_issue(ctx, draft_input(customer.id, lines=lines, discount=discount,
                                                tax=tax))
        inv, _receipt = mark_paid(ctx, inv.id, PaymentInput("cash"))
        return inv
    return make


def outbox_refunds(db_path):
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT aggregate, payload FROM outbox WHERE operation='invoice.refund' "
                        "ORDER BY id").fetchall()
    conn.close()
    return rows


def test_a_refund_by_amount_keeps_the_invoice_paid_and_counts_what_was_given_back(ctx, paid,
                                                                                   db_path):
    inv = paid()
    r = refund(ctx, inv.id, RefundInput(amount=10000, method="cash", note="spilled"))
    assert r.local_number == "T1-F000001"
    assert (r.amount, r.method, r.reason, r.note) == (10000, "cash", "requested_by_customer",
                                                      "spilled")
    after = get_invoice(ctx, inv.id)
    assert after.status == "paid" and after.amount_refunded == 10000
    assert not after.fully_refunded
    assert after.to_json()["amountRefunded"] == 10000
    assert [h.action for h in invoice_history(ctx, inv.id)][-1] == "refund"
    assert len(outbox_refunds(db_path)) == 1
    assert get_refund(ctx, "t1-f000001").id == r.id


def test_partial_refunds_follow_each_other_up_to_what_was_paid_and_no_further(ctx, paid, db_path):
    inv = paid()  # 36000 + 37500 = 73500
    refund(ctx, inv.id, RefundInput(amount=50000))
    refund(ctx, inv.id, RefundInput(amount=23500, method="transfer"))
    assert get_invoice(ctx, inv.id).fully_refunded
    before = db_digest(db_path)
    with pytest.raises(ValidationError) as err:
        refund(ctx, inv.id, RefundInput(amount=1))
    assert err.value.code == "validation_error"
    assert db_digest(db_path) == before
    assert [r.local_number for r in list_refunds(ctx, inv.id)] == ["T1-F000001", "T1-F000002"]


def test_refunding_every_line_in_pieces_gives_back_exactly_what_was_paid(ctx, paid):
    # discount and tax that do not divide evenly over the lines
    inv = paid(lines=(("A", 3, 3333), ("B", 7, 1001), ("C", 1, 99)), discount=1001, tax=777)
    assert inv.amount_paid == 3 * 3333 + 7 * 1001 + 99 - 1001 + 777
    given = 0
    for index, qty in ((0, 1), (1, 2), (0, 1), (2, 1), (1, 5), (0, 1)):
        given += refund(ctx, inv.id, RefundInput(
            lines=(RefundLineInput(index, qty),), method="edc")).amount
    after = get_invoice(ctx, inv.id)
    assert given == inv.amount_paid == after.amount_refunded
    assert after.fully_refunded
    from app.trust.chain import verify

    assert verify(ctx.store).ok  # every refund's history entry is in the hash chain


def test_a_line_refund_names_its_lines(ctx, paid):
    inv = paid()
    r = refund(ctx, inv.id, RefundInput(lines=(RefundLineInput(1, 2),), reason="other"))
    assert r.amount == 25000
    assert [(l.index, l.description, l.quantity, l.unit_amount) for l in r.lines] == [
        (1, "Roti bakar", 2, 12500)]


@pytest.mark.parametrize("data, code", [
    (RefundInput(amount=0), "validation_error"),
    (RefundInput(amount=-5), "validation_error"),
    (RefundInput(amount=73501), "validation_error"),
    (RefundInput(), "validation_error"),
    (RefundInput(amount=10, lines=(RefundLineInput(0, 1),)), "validation_error"),
    (RefundInput(lines=(RefundLineInput(0, 3),)), "validation_error"),
    (RefundInput(lines=(RefundLineInput(5, 1),)), "validation_error"),
    (RefundInput(lines=(RefundLineInput(0, 0),)), "validation_error"),
    (RefundInput(lines=(RefundLineInput(0, 1), RefundLineInput(0, 1))), "validation_error"),
    (RefundInput(amount=10, method="cheque"), "validation_error"),
    (RefundInput(amount=10, reason="changed_mind"), "validation_error"),
    (RefundInput(amount=10, note="x" * 501), "validation_error"),
])
def test_bad_refunds_are_refused_with_a_code_and_change_nothing(ctx, paid, db_path, data, code):
    inv = paid()
    before = db_digest(db_path)
    with pytest.raises(ValidationError) as err:
        refund(ctx, inv.id, data)
    assert err.value.code == code and err.value.message
    assert db_digest(db_path) == before


def test_more_of_a_line_than_is_left_is_refused(ctx, paid, db_path):
    inv = paid()
    refund(ctx, inv.id, RefundInput(lines=(RefundLineInput(0, 1),)))
    before = db_digest(db_path)
    with pytest.raises(ValidationError, match="1 of 2 are left"):
        refund(ctx, inv.id, RefundInput(lines=(RefundLineInput(0, 2),)))
    assert db_digest(db_path) == before


def test_refunding_an_unpaid_invoice_is_a_conflict_and_changes_nothing(ctx, customer, db_path):
    inv = create_and_issue(ctx, draft_input(customer.id))
    before = db_digest(db_path)
    with pytest.raises(ConflictError) as err:
        refund(ctx, inv.id, RefundInput(amount=100))
    assert err.value.code == "conflict"
    assert db_digest(db_path) == before


def test_refund_numbers_are_gapless_per_till_even_after_refusals(ctx, paid):
    import dataclasses

    a, b = paid(), paid()
    t2 = dataclasses.replace(ctx, till="T2")
    numbers = [refund(ctx, a.id, RefundInput(amount=1000)).local_number]
    with pytest.raises(ValidationError):
        refund(ctx, a.id, RefundInput(amount=10 ** 9))
    numbers.append(refund(t2, b.id, RefundInput(amount=1000)).local_number)
    numbers.append(refund(ctx, b.id, RefundInput(amount=1000)).local_number)
    assert numbers == ["T1-F000001", "T2-F000001", "T1-F000002"]


def test_with_staff_a_cashier_needs_a_managers_approval(ctx, paid, db_path):
    import dataclasses

    from app.services.roles import login, with_approval
    from app.trust.staff import add_staff

    inv = paid()
    add_staff(ctx, "owner", "owner", "4821")
    owner = login(ctx, "owner", "4821")
    add_staff(owner, "siti", "cashier", "9173")
    add_staff(owner, "mira", "manager", "7305")
    cashier = login(ctx, "siti", "9173")
    before = db_digest(db_path)
    with pytest.raises(PermissionDeniedError):
        refund(cashier, inv.id, RefundInput(amount=1000))
    assert db_digest(db_path) == before
    approved = with_approval(cashier, "refund", "mira", "7305")
    r = refund(approved, inv.id, RefundInput(amount=1000))
    assert (r.operator, r.approved_by) == ("siti", "mira")
    assert invoice_history(ctx, inv.id)[-1].approved_by == "mira"
    r2 = refund(login(ctx, "mira", "7305"), inv.id, RefundInput(amount=1000))
    assert r2.approved_by is None
    assert dataclasses.is_dataclass(r2)
