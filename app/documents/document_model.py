"""What an invoice or receipt document says, before any layout.

One `Document` is built from the records and the shop profile; the PDF and the
HTML renderings both draw from it, so they cannot drift apart. Everything here
is already formatted for people (money through Babel, dates in the till's time
zone), so the renderers only place text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING

from app.domain.formatting import format_date as i18n_format_date
from app.domain.formatting import money_locale
from app.i18n import N_, _, current_language, gettext, using_language
from app.domain.labels import METHOD_LABELS as _METHOD_LABELS
from app.domain.labels import STATUS_LABELS as _STATUS_LABELS
from app.domain.labels import method_label, shop_footer, status_label
from app.domain.lifecycle import Status
from app.domain.money import format_money as _format_money
from app.domain.records import InvoiceRecord, ReceiptRecord

if TYPE_CHECKING:  # the settings module pulls in the store; the model stays pure
    from app.domain.records import CustomerRecord
    from app.services.settings import ShopProfile

DEFAULT_ACCENT = "#0F766E"
_HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_SAFE_URL = re.compile(r"^https?://[^\s<>\"']+$")

# Stamp word and its tone (which colour the renderers give it).
STAMPS: dict[Status, tuple[str, str]] = {
    Status.DRAFT: (N_("DRAFT"), "muted"),
    Status.PAID: (N_("PAID"), "good"),
    Status.VOID: (N_("VOID"), "bad"),
    Status.UNCOLLECTIBLE: (N_("WRITTEN OFF"), "bad"),
    Status.PAST_DUE: (N_("PAST DUE"), "bad"),
}
# English msgids; documents show them in the chosen language.
STATUS_LABELS = _STATUS_LABELS
METHOD_LABELS = _METHOD_LABELS  # the same as app.services.invoices.PAYMENT_METHODS


@dataclass(frozen=True)
class ShopView:
    name: str
    address_lines: tuple[str, ...]
    contact_lines: tuple[str, ...]  # phone, NPWP
    footer: str
    accent: str  # always a valid #RRGGBB
    logo_path: str


@dataclass(frozen=True)
class DocLine:
    description: str
    quantity: str
    unit_amount: str
    amount: str


@dataclass(frozen=True)
class TotalRow:
    label: str
    value: str
    strong: bool = False


@dataclass(frozen=True)
class Document:
    kind: str  # "invoice" or "receipt"
    title: str  # INVOICE / RECEIPT
    number: str  # the number printed big under the title
    shop: ShopView
    meta: tuple[tuple[str, str], ...]  # right-hand block: numbers, dates, status
    bill_to: tuple[str, ...]  # first entry is the customer's name
    lines: tuple[DocLine, ...]
    totals: tuple[TotalRow, ...]
    notes: tuple[tuple[str, str], ...]  # payment reference, memo, reason
    stamp: str | None
    stamp_tone: str  # good | bad | muted
    hosted_url: str | None  # only http(s) links get here
    show_qr: bool
    currency: str
    file_stem: str  # a safe base name for saving: T1-000042, T1-R000003
    keywords: tuple[str, ...] = field(default=())
    lang: str = ""  # the language it was written in; PDF and HTML render in it too


# Babel takes a fraction of a millisecond per amount; invoices repeat the same
# unit prices and totals, and a 40-line invoice formats over 80 amounts.
_cached_money = lru_cache(maxsize=4096)(_format_money)


def format_money(amount: int, currency: str) -> str:
    """Money as `app.domain.formatting.format_amount` shows it, cached per language."""
    lang = current_language()
    return _cached_money(amount, currency, money_locale(lang) if lang == "id" else None)


def safe_color(value: str | None) -> str:
    """The shop's accent if it is a #RRGGBB colour, else the default (never raw CSS)."""
    return value if isinstance(value, str) and _HEX_COLOR.match(value) else DEFAULT_ACCENT


def safe_url(value: str | None) -> str | None:
    """Only plain http(s) links are shown or made clickable."""
    if isinstance(value, str) and _SAFE_URL.match(value.strip()):
        return value.strip()
    return None


def _file_stem(text: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return stem or "document"


def format_date(dt: datetime | None, tz: tzinfo | None, *, with_time: bool = True) -> str:
    """`22 Nov 2026, 16:00` in the given zone (the machine's own when None);
    `22 November 2026, 16.00` in Indonesian."""
    if dt is None:
        return "-"
    local = dt.astimezone(tz)
    if current_language() == "id":
        from babel.dates import format_time  # lazy: Babel's date data only when a document is built

        text = i18n_format_date(local.date(), "id", "long")
        return f"{text}, {format_time(local.time(), 'HH.mm', locale='id_ID')}" if with_time else text
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    text = f"{local.day} {months[local.month - 1]} {local.year}"
    return f"{text}, {local:%H:%M}" if with_time else text


def format_quantity(quantity: int, currency: str) -> str:
    """Whole quantities grouped as the currency's locale groups money (1.000 / 1,000)."""
    sep = "." if currency == "IDR" or current_language() == "id" else ","
    return f"{quantity:,}".replace(",", sep)


def shop_view(shop: "ShopProfile") -> ShopView:
    address = tuple(l.strip() for l in (shop.address or "").splitlines() if l.strip())
    contact = []
    if shop.phone:
        contact.append(_("Tel. {phone}", phone=shop.phone))
    if shop.tax_id:
        contact.append(f"NPWP {shop.tax_id}")
    return ShopView(name=shop.name or "Toko", address_lines=address, contact_lines=tuple(contact),
                    footer=shop_footer(shop.footer), accent=safe_color(shop.accent_color),
                    logo_path=shop.logo_path or "")


def _bill_to(inv: InvoiceRecord, customer: "CustomerRecord | None") -> tuple[str, ...]:
    rows = [inv.customer_name]
    email = customer.email if customer else inv.customer_email
    if email:
        rows.append(email)
    if customer and customer.phone:
        rows.append(customer.phone)
    if customer and customer.tax_id:
        rows.append(f"NPWP {customer.tax_id}")
    return tuple(rows)


def _lines(inv: InvoiceRecord) -> tuple[DocLine, ...]:
    m = lambda a: format_money(a, inv.currency)  # noqa: E731
    return tuple(DocLine(l.description, format_quantity(l.quantity, inv.currency),
                         m(l.unit_amount), m(l.amount)) for l in inv.lines)


def _sum_rows(inv: InvoiceRecord) -> list[TotalRow]:
    m = lambda a: format_money(a, inv.currency)  # noqa: E731
    rows = [TotalRow(_("Subtotal"), m(inv.subtotal))]
    if inv.discount:
        rows.append(TotalRow(_("Discount"), m(-inv.discount)))
    if inv.tax:
        rows.append(TotalRow(_("Tax"), m(inv.tax)))
    rows.append(TotalRow(_("Total"), m(inv.total), strong=True))
    return rows


def _numbers(inv: InvoiceRecord) -> list[tuple[str, str]]:
    rows = [(_("Invoice no."), inv.display_number)]
    if inv.number:
        rows.append((_("Plugipay no."), inv.number))
    return rows


def invoice_document(inv: InvoiceRecord, shop: "ShopProfile", *,
                     customer: "CustomerRecord | None" = None,
                     tz: tzinfo | None = None, lang: str | None = None) -> Document:
    """The invoice as the customer should read it, in the status it has now, in
    `lang` (the shop's language; None: the current one)."""
    with using_language(lang) as chosen:
        return replace(_invoice_document(inv, shop, customer=customer, tz=tz), lang=chosen)


def _invoice_document(inv: InvoiceRecord, shop: "ShopProfile", *,
                      customer: "CustomerRecord | None", tz: tzinfo | None) -> Document:
    status = Status(inv.status)
    m = lambda a: format_money(a, inv.currency)  # noqa: E731
    meta = _numbers(inv)
    meta.append((_("Issued"), format_date(inv.issued_at, tz) if inv.issued_at else _("Not issued")))
    if inv.due_at:
        meta.append((_("Due"), format_date(inv.due_at, tz, with_time=False)))
    meta.append((_("Status"), status_label(status)))
    if inv.paid_at:
        meta.append((_("Paid"), format_date(inv.paid_at, tz)))
    if inv.voided_at:
        meta.append((_("Voided"), format_date(inv.voided_at, tz)))
    if inv.written_off_at:
        meta.append((_("Written off"), format_date(inv.written_off_at, tz)))

    totals = _sum_rows(inv)
    totals.append(TotalRow(_("Amount paid"), m(inv.amount_paid)))
    totals.append(TotalRow(_("Amount due"), m(inv.amount_due), strong=True))

    notes: list[tuple[str, str]] = []
    payable = status in (Status.OPEN, Status.PAST_DUE)
    if payable and inv.local_number:
        notes.append((_("Payment reference"),
                      _("Quote {number} in your bank transfer note.", number=inv.local_number)))
    if inv.memo:
        notes.append((_("Memo"), inv.memo))
    if inv.reason and status in (Status.VOID, Status.UNCOLLECTIBLE):
        notes.append((_("Reason"), inv.reason))
    url = safe_url(inv.hosted_url)
    stamp, tone = STAMPS.get(status, (None, "muted"))
    stamp = gettext(stamp) if stamp else None
    return Document(
        kind="invoice", title=_("INVOICE"), number=inv.display_number, shop=shop_view(shop),
        meta=tuple(meta), bill_to=_bill_to(inv, customer), lines=_lines(inv),
        totals=tuple(totals), notes=tuple(notes), stamp=stamp, stamp_tone=tone,
        hosted_url=url, show_qr=bool(url) and payable, currency=inv.currency,
        file_stem=_file_stem(inv.local_number or f"draft-{inv.id}"),
        keywords=tuple(x for x in (inv.local_number, inv.number) if x),
    )


def receipt_document(inv: InvoiceRecord, receipt: ReceiptRecord, shop: "ShopProfile", *,
                     customer: "CustomerRecord | None" = None,
                     tz: tzinfo | None = None, lang: str | None = None) -> Document:
    """Proof of one payment: what was bought, what was received, how, and by whom,
    in `lang` (the shop's language; None: the current one)."""
    with using_language(lang) as chosen:
        return replace(_receipt_document(inv, receipt, shop, customer=customer, tz=tz),
                       lang=chosen)


def _receipt_document(inv: InvoiceRecord, receipt: ReceiptRecord, shop: "ShopProfile", *,
                      customer: "CustomerRecord | None", tz: tzinfo | None) -> Document:
    m = lambda a: format_money(a, receipt.currency)  # noqa: E731
    meta = [(_("Receipt no."), receipt.number)] + _numbers(inv)
    meta.append((_("Received"), format_date(receipt.issued_at, tz)))
    meta.append((_("Method"), method_label(receipt.method)))
    if receipt.reference:
        meta.append((_("Reference"), receipt.reference))
    meta.append((_("Received by"), receipt.operator))

    totals = _sum_rows(inv)
    totals.append(TotalRow(_("Amount received"), m(receipt.amount), strong=True))
    totals.append(TotalRow(_("Balance due"), m(inv.amount_due)))
    notes = [(_("Memo"), inv.memo)] if inv.memo else []
    return Document(
        kind="receipt", title=_("RECEIPT"), number=receipt.number, shop=shop_view(shop),
        meta=tuple(meta), bill_to=_bill_to(inv, customer), lines=_lines(inv),
        totals=tuple(totals), notes=tuple(notes), stamp=_("PAID"), stamp_tone="good",
        hosted_url=None, show_qr=False, currency=receipt.currency,
        file_stem=_file_stem(receipt.number),
        keywords=tuple(x for x in (receipt.number, inv.local_number, inv.number) if x),
    )
