"""The credit-note PDF, its text read back with pypdfium2."""

from __future__ import annotations

from datetime import timezone

import pypdfium2 as pdfium
import pytest

from app.documents.credit_note import credit_note_doc, render_credit_note_pdf
from app.documents.service import render_doc_html
from app.domain.errors import NotFoundError
from app.domain.refunds import RefundInput, RefundLineInput
from app.services.invoices import PaymentInput, create_and_issue, mark_paid
from app.services.refunds import refund
from tests.conftest import draft_input


def pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


@pytest.fixture
def paid_invoice(ctx, customer):
    inv = create_and_issue(ctx, draft_input(customer.id, lines=(
        ("Kopi susu gula aren", 2, 18000), ("Nasi goreng kampung", 1, 25000)), tax=6100))
    return mark_paid(ctx, inv.id, PaymentInput("cash"))[0]


def test_the_credit_note_names_the_invoice_the_lines_returned_and_the_money(ctx, paid_invoice):
    r = refund(ctx, paid_invoice.id, RefundInput(lines=(RefundLineInput(1, 1),), method="edc",
                                                 note="nasi dingin"))
    text = pdf_text(render_credit_note_pdf(ctx, r.local_number, tz=timezone.utc))
    for needed in ("CREDIT NOTE", "T1-F000001", "T1-000001", "Nasi goreng kampung",
                   "Card (EDC)", "Requested by the customer", "nasi dingin",
                   f"Rp {r.amount:,}".replace(",", "."), "Rp 67.100"):
        assert needed in text, needed
    assert "Kopi susu" not in text  # only the line that came back


def test_a_refund_by_amount_has_one_line_saying_so_and_html_agrees(ctx, paid_invoice):
    refund(ctx, paid_invoice.id, RefundInput(amount=7100))
    r = refund(ctx, paid_invoice.id, RefundInput(amount=10000, reason="duplicate"))
    doc = credit_note_doc(ctx, r.id)
    assert doc.kind == "credit_note" and doc.number == "T1-F000002"
    text = pdf_text(render_credit_note_pdf(ctx, r.id))
    assert "Refund on invoice T1-000001" in text and "Rp 17.100" in text  # refunded in all
    assert "Duplicate payment" in text
    assert "Refund on invoice T1-000001" in render_doc_html(doc)


def test_an_unknown_refund_is_not_found(ctx):
    with pytest.raises(NotFoundError):
        render_credit_note_pdf(ctx, "T1-F000099")
