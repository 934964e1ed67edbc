"""A counter sale (walk-in customer, tax from rates, split tenders) reaches the sandbox
as one customer, one invoice whose totals are the till's, and one pay."""

from __future__ import annotations

from app.domain.tenders import Tender
from app.domain.validation import TAX_RATE_SHOP, DraftInput, LineInput
from app.services.customers import get_customer
from app.services.invoices import PaymentInput, create_and_issue, pay_with_tenders
from app.services.queries import get_invoice


def test_a_walk_in_sale_with_tax_and_split_tenders_syncs_once(ctx, engine, sandbox):
    inv = create_and_issue(ctx, DraftInput(None, "IDR", (
        LineInput("Kopi susu", 3, 18_000), LineInput("Roti", 2, 7_500)), 2_000, 0, None, "",
        TAX_RATE_SHOP))
    assert inv.total == 3 * 18_000 + 2 * 7_500 - 2_000  # shelf prices include PPN
    pay_with_tenders(ctx, inv.id, PaymentInput(tenders=(
        Tender("qris", 30_000, "QR-77"), Tender("cash", 50_000))))
    report = engine.run_pass(reconcile=True)
    assert report.online and report.pending == 0, report.summary()
    synced = get_invoice(ctx, inv.id)
    assert synced.status == "paid" and synced.sync_state == "synced"
    raw = sandbox.client().invoices.get(synced.plugipay_id).raw
    assert raw["status"] == "paid" and raw["total"] == inv.total
    assert (raw["subtotal"], raw["discount"], raw["tax"]) == (inv.subtotal, inv.discount,
                                                              inv.tax)
    assert get_customer(ctx, inv.customer_id).plugipay_id.startswith("cus_")
    assert sandbox.stats()["invoices"] == 1
