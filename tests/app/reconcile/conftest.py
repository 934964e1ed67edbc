"""Helpers for reconciliation tests: issued invoices and generated statement files."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.services.customers import CustomerInput, add_customer
from app.services.invoices import create_and_issue
from app.domain.validation import DraftInput, LineInput


@pytest.fixture
def issue_invoice(ctx, clock):
    def make(customer_id, amount, currency="IDR", memo="", due_days=14):
        return create_and_issue(ctx, DraftInput(
            customer_id, currency, (LineInput("Barang", 1, amount),), 0, 0,
            clock() + timedelta(days=due_days), memo))
    return make


@pytest.fixture
def shop(ctx, issue_invoice):
    """Three customers, six open invoices with the awkward cases in them."""
    budi = add_customer(ctx, CustomerInput("Budi Santoso"))
    siti = add_customer(ctx, CustomerInput("Siti Aminah"))
    toko = add_customer(ctx, CustomerInput("PT Maju Jaya Abadi"))
    inv = {
        "budi_150": issue_invoice(budi.id, 150_000),          # T1-000001
        "siti_150": issue_invoice(siti.id, 150_000),          # T1-000002: equal amount
        "budi_50": issue_invoice(budi.id, 50_000),            # T1-000003
        "toko_1": issue_invoice(toko.id, 1_250_000, memo="PO 77812X"),  # T1-000004
        "toko_2": issue_invoice(toko.id, 750_000),            # T1-000005
        "siti_300": issue_invoice(siti.id, 300_000),          # T1-000006
    }
    return {"customers": {"budi": budi, "siti": siti, "toko": toko}, "inv": inv}
