"""Migration 0007 (issue 14): every existing payment becomes one tender."""

from sqlalchemy import text

from app.store.engine import make_engine
from app.store.migrate import upgrade


def test_existing_payments_become_one_tender_each_and_cash_counts_as_received(tmp_path):
    engine = make_engine(tmp_path / "old.db")
    upgrade(engine, "0006_search")
    with engine.begin() as c:
        c.execute(text("INSERT INTO customers (id, name, email, phone, tax_id, notes, created_at,"
                       " updated_at) VALUES (1, 'Budi', '', '', '', '', '2026-01-01', "
                       "'2026-01-01')"))
        c.execute(text(
            "INSERT INTO invoices (id, till_code, customer_id, currency, status, subtotal, "
            "discount, tax, total, amount_paid, reason, memo, sync_state, created_by, "
            "created_at, updated_at, version) VALUES (1, 'T1', 1, 'IDR', 'paid', 5000, 0, 0, "
            "5000, 5000, '', '', 'local', 'ana', '2026-01-01', '2026-01-01', 1)"))
        for pid, method, ref in ((1, "cash", ""), (2, "transfer", "BCA 77")):
            c.execute(text(
                "INSERT INTO payments (id, invoice_id, amount, currency, method, reference, "
                "operator, paid_at, recorded_at) VALUES (:id, 1, 5000, 'IDR', :m, :r, 'ana', "
                "'2026-01-01', '2026-01-01')"), {"id": pid, "m": method, "r": ref})
    upgrade(engine)
    with engine.connect() as c:
        tenders = c.execute(text("SELECT payment_id, position, method, amount, reference "
                                 "FROM payment_tenders ORDER BY payment_id")).all()
        pays = c.execute(text("SELECT id, cash_received, change FROM payments ORDER BY id")).all()
    assert [tuple(t) for t in tenders] == [(1, 0, "cash", 5000, ""),
                                          (2, 0, "transfer", 5000, "BCA 77")]
    assert [tuple(p) for p in pays] == [(1, 5000, 0), (2, 0, 0)]
    engine.dispose()
