"""The fast reads and index give what the plain ORM reads and one-by-one index gave."""

from __future__ import annotations

import gc
import os
import time

import pytest
from sqlalchemy import select

from app import i18n
from app.reconcile.loading import load_candidates, load_credits
from app.reconcile.matching import Candidate, Credit, Matcher
from app.reconcile.refs import RefIndex
from app.reconcile.service import suggest
from app.services.invoices import mark_paid, void
from app.store.models import Customer, Invoice
from app.store.reconcile_models import StatementLine

from test_reconcile_service import imported  # noqa: F401  (fixture)


def _orm_candidates(session) -> list[Candidate]:
    """The reference: whole ORM rows, aware datetimes, astimezone()."""
    rows = session.execute(select(Invoice, Customer.name).join(Customer).where(
        Invoice.status == "open", Invoice.total > Invoice.amount_paid)).all()
    day = lambda dt: dt.astimezone().date() if dt else None  # noqa: E731
    return [Candidate(i.id, i.local_number, i.number, i.memo or "", i.customer_id, name,
                      i.currency, i.total - i.amount_paid, day(i.issued_at), day(i.due_at))
            for i, name in rows]


@pytest.fixture
def zone():
    before = os.environ.get("TZ")
    yield lambda tz: (os.environ.__setitem__("TZ", tz), time.tzset())
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="needs time.tzset (POSIX)")
@pytest.mark.parametrize("tz", ["UTC0", "WIB-7", "EST5EDT,M3.2.0,M11.1.0", "LINT-14"])
def test_candidates_read_as_the_orm_reads_them(ctx, clock, shop, issue_invoice, zone, tz):
    zone(tz)
    budi = shop["customers"]["budi"].id
    for hours in range(0, 24, 5):  # issued at every time of the UTC day
        clock.advance(hours=hours)
        issue_invoice(budi, 10_000 + hours, memo=f"PO{hours:05d}X")
    paid, voided = issue_invoice(budi, 80_000), issue_invoice(budi, 90_000)
    mark_paid(ctx, paid.id)
    void(ctx, voided.id, "salah ketik")
    with ctx.store.reader() as uow:
        fast = sorted(load_candidates(uow.session))
        slow = sorted(_orm_candidates(uow.session))
    assert fast == slow
    assert len(fast) == 6 + 5
    assert {paid.id, voided.id}.isdisjoint(c.id for c in fast)
    assert all(type(c.issued_on).__name__ == "date" for c in fast)


def test_credits_read_as_the_orm_reads_them(ctx, imported):  # noqa: F811
    with ctx.store.reader() as uow:
        lines = uow.session.execute(select(StatementLine).where(
            StatementLine.state == "unmatched").order_by(StatementLine.id)).scalars()
        slow = [Credit(l.id, l.booked_on, l.amount, l.currency, l.description) for l in lines]
        assert load_credits(uow.session) == slow
        assert len(slow) == 5
        assert load_credits(uow.session, [slow[1].id, slow[3].id]) == [slow[1], slow[3]]


@pytest.mark.parametrize("enabled", [True, False])
def test_suggest_leaves_the_garbage_collector_as_it_found_it(ctx, imported, enabled):  # noqa: F811
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        assert len(suggest(ctx)) == 5
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_index_in_one_go_equals_one_by_one():
    rows = [(1, "T1-000042", "INV-2026-005", "Ref T1-000042 PO AB1234"),
            (2, "t2-000042", "inv-2026-006", ""), (3, "T1-7", None, "ORD-778A and 12"),
            (4, None, "INV-2025-001", "PO AB1234"), (5, "X-ABC", "INV-26-1", None),
            (6, "T3-000001", "INV-2026-0007", "bayar T3-000001")]
    one, bulk = RefIndex(), RefIndex()
    for r in rows:
        one.add(*r)
    bulk.add_all(rows)

    def shape(idx):
        return ({k: dict(s.exact) for k, s in idx.local.items()},
                {k: dict(s.exact) for k, s in idx.plugipay.items()},
                {k: set(v) for k, v in idx.memo.items()})
    assert shape(bulk) == shape(one)
    assert shape(bulk)[0] == {"T1": {42: 1, 7: 3}, "T2": {42: 2}, "T3": {1: 6}}
    for text in ("T1 000042", "t2-42", "INV 2026 005", "po ab1234", "TRF T1-00", "ORD-778A"):
        assert sorted(bulk.find(text)) == sorted(one.find(text))


def test_reasons_follow_a_language_switch_on_the_same_matcher():
    m = Matcher([Candidate(1, "T1-000001", None, "", 7, "Budi Santoso", "IDR", 150_000,
                           None, None)])
    credit = Credit(1, None, 150_000, "IDR", "TRF T1-000001 BUDI SANTOSO")
    before = i18n.current_language()
    try:
        i18n.set_language("en")
        en = m.suggest(credit).best.reasons
        i18n.set_language("id")
        ind = m.suggest(credit).best.reasons
        i18n.set_language("en")
        assert m.suggest(credit).best.reasons == en
    finally:
        i18n.set_language(before)
    assert "amount equals the amount due" in en
    assert "customer's name 'Budi Santoso' in the description" in en
    assert i18n.translate_in("id", "amount equals the amount due") in ind
    assert "nama pelanggan 'Budi Santoso' ada di keterangan" in ind


def test_candidates_stay_immutable():
    c = Candidate(1, "T1-000001", None, "", 7, "Budi", "IDR", 1, None, None)
    with pytest.raises(AttributeError):
        c.amount_due = 2
