"""The credit note: a document for one refund, naming the original invoice,
the lines returned and the money given back. Drawn by the same renderers as
invoices and receipts (PDF with reportlab, HTML), from the same `Document`."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

from app.domain.errors import NotFoundError
from app.domain.labels import method_label
from app.domain.records import InvoiceRecord
from app.domain.refunds import RefundRecord, reason_label
from app.i18n import _
from app.services.customers import get_customer
from app.services.queries import get_invoice
from app.services.refunds import get_refund
from app.services.settings import get_shop

from .document_model import (DocLine, Document, TotalRow, _bill_to, _file_stem, format_date,
                             format_money, format_quantity, shop_view)
from .service import render_doc_pdf

if TYPE_CHECKING:
    from app.domain.records import CustomerRecord
    from app.services.settings import ShopProfile


def _returned(refund: RefundRecord, inv: InvoiceRecord) -> tuple[DocLine, ...]:
    m = lambda a: format_money(a, refund.currency)  # noqa: E731
    if not refund.lines:  # a refund of an amount: one line that says so
        return (DocLine(_("Refund on invoice {number}", number=inv.display_number), "1",
                        m(refund.amount), m(refund.amount)),)
    return tuple(DocLine(l.description, format_quantity(l.quantity, refund.currency),
                         m(l.unit_amount), m(l.quantity * l.unit_amount)) for l in refund.lines)


def credit_note_document(refund: RefundRecord, inv: InvoiceRecord, shop: "ShopProfile", *,
                         customer: "CustomerRecord | None" = None,
                         tz: tzinfo | None = None) -> Document:
    m = lambda a: format_money(a, refund.currency)  # noqa: E731
    meta = [(_("Credit note no."), refund.local_number), (_("Invoice no."), inv.display_number)]
    if inv.number:
        meta.append((_("Plugipay no."), inv.number))
    meta.append((_("Refunded"), format_date(refund.created_at, tz)))
    meta.append((_("Method"), method_label(refund.method)))
    meta.append((_("Reason"), reason_label(refund.reason)))
    meta.append((_("Refunded by"), refund.operator))
    if refund.approved_by:
        meta.append((_("Approved by"), refund.approved_by))
    totals = []
    if refund.lines and inv.discount:
        totals.append(TotalRow(_("Discount"), _("in proportion")))
    if refund.lines and inv.tax:
        totals.append(TotalRow(_("Tax"), _("in proportion")))
    totals += [TotalRow(_("Amount refunded"), m(refund.amount), strong=True),
               TotalRow(_("Invoice total paid"), m(inv.amount_paid)),
               TotalRow(_("Refunded in all"), m(inv.amount_refunded))]
    notes = [(_("Note"), refund.note)] if refund.note else []
    return Document(
        kind="credit_note", title=_("CREDIT NOTE"), number=refund.local_number,
        shop=shop_view(shop), meta=tuple(meta), bill_to=_bill_to(inv, customer),
        lines=_returned(refund, inv), totals=tuple(totals), notes=tuple(notes),
        stamp=_("REFUNDED"), stamp_tone="muted", hosted_url=None, show_qr=False,
        currency=refund.currency, file_stem=_file_stem(refund.local_number),
        keywords=tuple(x for x in (refund.local_number, inv.local_number, inv.number) if x))


def credit_note_doc(ctx, refund_ref, *, tz: tzinfo | None = None) -> Document:
    """The credit note of a refund (id, `T1-F000001` or `re_...`)."""
    refund = get_refund(ctx, refund_ref)
    inv = get_invoice(ctx, refund.invoice_id)
    try:
        customer = get_customer(ctx, inv.customer_id)
    except NotFoundError:
        customer = None
    return credit_note_document(refund, inv, get_shop(ctx), customer=customer, tz=tz)


def render_credit_note_pdf(ctx, refund_ref, paper: str = "a4", *,
                           tz: tzinfo | None = None) -> bytes:
    """The credit note as PDF bytes (to save, print or reprint)."""
    return render_doc_pdf(credit_note_doc(ctx, refund_ref, tz=tz), paper).data
