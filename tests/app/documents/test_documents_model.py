"""What a document says, before layout: numbers, dates, totals, stamps, notes."""

from datetime import timedelta, timezone

import pytest

from app.documents.document_model import (DEFAULT_ACCENT, METHOD_LABELS, format_date,
                                          format_quantity, invoice_document, receipt_document,
                                          safe_color, safe_url)
from app.services.invoices import PAYMENT_METHODS


def test_invoice_document_holds_numbers_dates_and_totals(kit):
    inv = kit.invoice()
    doc = invoice_document(inv, kit.shop(), customer=kit.customer(), tz=kit.WIB)
    meta = dict(doc.meta)
    assert doc.title == "INVOICE" and doc.number == "T1-000042"
    assert meta["Invoice no."] == "T1-000042"
    assert meta["Plugipay no."] == "INV-2026-017"
    assert meta["Issued"] == "22 Nov 2026, 16:00"  # 09:00 UTC is 16:00 in WIB
    assert meta["Due"] == "6 Dec 2026"
    assert meta["Status"] == "Open"
    totals = {t.label: t.value for t in doc.totals}
    assert totals == {"Subtotal": "Rp 111.000", "Discount": "-Rp 5.000", "Tax": "Rp 11.000",
                      "Total": "Rp 117.000", "Amount paid": "Rp 0", "Amount due": "Rp 117.000"}
    assert [l.amount for l in doc.lines] == ["Rp 36.000", "Rp 75.000"]
    assert doc.bill_to == ("Siti Rahayu \u2014 Caf\u00e9 \u00c9lan", "siti@example.com",
                           "+62 812 3456 7890", "NPWP 09.876.543.2-109.000")
    assert doc.shop.contact_lines == ("Tel. +62 22 1234 567", "NPWP 01.234.567.8-901.000")
    assert dict(doc.notes)["Payment reference"] == "Quote T1-000042 in your bank transfer note."
    assert doc.stamp is None and doc.show_qr and doc.hosted_url.startswith("https://")
    assert doc.file_stem == "T1-000042"


def test_zero_discount_and_tax_rows_are_left_out(kit):
    doc = invoice_document(kit.invoice(discount=0, tax=0), kit.shop(), tz=kit.WIB)
    assert [t.label for t in doc.totals] == ["Subtotal", "Total", "Amount paid", "Amount due"]


def test_usd_amounts_have_cents_and_us_grouping(kit):
    inv = kit.invoice(currency="USD", lines=(("Widget", 1200, 1050),), discount=0, tax=0)
    doc = invoice_document(inv, kit.shop(), tz=timezone.utc)
    assert doc.lines[0].quantity == "1,200"
    assert doc.lines[0].unit_amount == "$10.50"
    assert doc.lines[0].amount == "$12,600.00"
    assert dict(doc.meta)["Issued"] == "22 Nov 2026, 09:00"


@pytest.mark.parametrize("status,stamp,tone", [
    ("draft", "DRAFT", "muted"), ("open", None, "muted"), ("past_due", "PAST DUE", "bad"),
    ("paid", "PAID", "good"), ("void", "VOID", "bad"), ("uncollectible", "WRITTEN OFF", "bad"),
])
def test_status_stamp(kit, status, stamp, tone):
    doc = invoice_document(kit.invoice(status=status), kit.shop(), tz=kit.WIB)
    assert (doc.stamp, doc.stamp_tone) == (stamp, tone)
    payable = status in ("open", "past_due")
    assert ("Payment reference" in dict(doc.notes)) is payable
    assert doc.show_qr is (payable and doc.hosted_url is not None)


def test_draft_has_no_number_yet(kit):
    doc = invoice_document(kit.invoice(status="draft"), kit.shop(), tz=kit.WIB)
    meta = dict(doc.meta)
    assert doc.number == "Draft #7" and meta["Invoice no."] == "Draft #7"
    assert "Plugipay no." not in meta and meta["Issued"] == "Not issued"
    assert doc.file_stem == "draft-7"


def test_void_shows_the_reason(kit):
    doc = invoice_document(kit.invoice(status="void", reason="Salah input"), kit.shop(),
                           tz=kit.WIB)
    assert dict(doc.notes)["Reason"] == "Salah input"
    assert dict(doc.meta)["Voided"] == "22 Nov 2026, 17:00"


def test_receipt_document(kit):
    inv = kit.invoice(status="paid")
    doc = receipt_document(inv, kit.receipt(inv), kit.shop(), tz=kit.WIB)
    meta = dict(doc.meta)
    assert doc.title == "RECEIPT" and doc.number == "T1-R000009"
    assert meta["Receipt no."] == "T1-R000009" and meta["Invoice no."] == "T1-000042"
    assert meta["Method"] == "Bank transfer" and meta["Reference"] == "BCA 0123 Siti"
    assert meta["Received"] == "22 Nov 2026, 19:00" and meta["Received by"] == "ana"
    totals = {t.label: t.value for t in doc.totals}
    assert totals["Amount received"] == "Rp 117.000" and totals["Balance due"] == "Rp 0"
    assert doc.stamp == "PAID" and not doc.show_qr and doc.file_stem == "T1-R000009"


def test_method_labels_match_the_services():
    assert METHOD_LABELS == PAYMENT_METHODS


@pytest.mark.parametrize("value,expected", [
    ("#12abEF", "#12abEF"), ("red", DEFAULT_ACCENT), ("#123", DEFAULT_ACCENT),
    ("#000000;}body{x", DEFAULT_ACCENT), (None, DEFAULT_ACCENT), ("", DEFAULT_ACCENT),
])
def test_accent_colour_is_checked(kit, value, expected):
    assert safe_color(value) == expected
    doc = invoice_document(kit.invoice(), kit.shop(accent_color=value), tz=kit.WIB)
    assert doc.shop.accent == expected


@pytest.mark.parametrize("url,ok", [
    ("https://pay.example/i/1", True), ("http://127.0.0.1:8000/i/1", True),
    ("javascript:alert(1)", False), ('https://x/"onmouseover=1', False), ("", False),
    (None, False), ("ftp://x/y", False),
])
def test_only_http_links_are_kept(kit, url, ok):
    assert (safe_url(url) is not None) is ok
    doc = invoice_document(kit.invoice(hosted_url=url), kit.shop(), tz=kit.WIB)
    assert (doc.hosted_url is not None) is ok


def test_file_stem_is_safe(kit):
    doc = invoice_document(kit.invoice(local_number="../T1/000042"), kit.shop(), tz=kit.WIB)
    assert "/" not in doc.file_stem and not doc.file_stem.startswith(".")


def test_format_helpers():
    assert format_quantity(1234567, "IDR") == "1.234.567"
    assert format_quantity(1234567, "USD") == "1,234,567"
    assert format_date(None, None) == "-"
    east = timezone(timedelta(hours=9))
    from datetime import datetime
    dt = datetime(2026, 12, 31, 20, 30, tzinfo=timezone.utc)
    assert format_date(dt, east) == "1 Jan 2027, 05:30"
    assert format_date(dt, east, with_time=False) == "1 Jan 2027"
