"""Slips and documents print in the shop's language, whatever the screen shows: never a mixed slip."""

from __future__ import annotations

import re
from datetime import timezone

import pytest
from escpos_decoder import decode

from app import i18n
from app.domain.errors import ValidationError
from app.printing.escpos_render import render_escpos
from app.printing.profiles import PROFILES
from app.printing.slip_layout import LABELS
from app.printing.slip_model import Slip, build_slip
from app.services import invoices
from app.services.settings import get_print_language, save_print_language

ENGLISH = ("RECEIPT", "Receipt no.", "Cashier", "Customer", "Date", "Cash", "PAID",
           "Amount paid", "Method", "Thank you for your visit")
INDONESIAN = ("KUITANSI", "No. kuitansi", "Metode", "Pelanggan", "Tanggal", "Tunai", "LUNAS",
              "Terima kasih atas kunjungan Anda", "Rp 36.000")


@pytest.fixture
def paid(ctx, make_draft):
    inv = invoices.issue(ctx, make_draft().id)
    invoices.mark_paid(ctx, inv.id, invoices.PaymentInput("cash"))
    return inv


def _slip_text(ctx, inv) -> str:
    data = render_escpos(build_slip(ctx, inv.id, "receipt"), PROFILES["TM-T20II"], 48,
                         tz=timezone.utc)
    return "\n".join(decode(data).texts())


# Every slip label whose two languages differ ("Kasir" is also the default shop's name).
DIFFERENT = [(en, i18n.translate_in("id", en)) for en in LABELS.values()
             if i18n.translate_in("id", en) != en]


def _has(text: str, word: str) -> bool:
    return re.search(r"(?<![\w.])" + re.escape(word) + r"(?!\w)", text) is not None


def test_english_screen_indonesian_shop_prints_an_indonesian_receipt(ctx, paid):
    assert i18n.current_language() == "en"
    save_print_language(ctx, "id")
    text = _slip_text(ctx, paid)
    for word in INDONESIAN:
        assert _has(text, word), (word, text)
    for word in ENGLISH + tuple(en for en, _id in DIFFERENT):
        assert not _has(text, word), (word, text)
    assert i18n.current_language() == "en"  # the screen keeps its language


def test_indonesian_screen_english_shop_prints_an_english_receipt(ctx, paid):
    save_print_language(ctx, "en")
    i18n.set_language("id")
    try:
        text = _slip_text(ctx, paid)
        assert i18n.current_language() == "id"
    finally:
        i18n.set_language("en")
    for word in ENGLISH:
        assert _has(text, word), (word, text)
    for word in INDONESIAN[:-1] + tuple(id_ for _en, id_ in DIFFERENT if id_ != "Kasir"):
        assert not _has(text, word), (word, text)  # (the amount reads the same in both)


def test_a_queued_slip_keeps_the_language_it_was_asked_in(ctx, paid):
    save_print_language(ctx, "id")
    slip = build_slip(ctx, paid.id, "receipt")
    stored = Slip.from_json(slip.to_json())
    assert stored.lang == "id"
    save_print_language(ctx, "en")
    text = "\n".join(decode(render_escpos(stored, PROFILES["TM-T20II"], 48)).texts())
    assert _has(text, "KUITANSI") and not _has(text, "RECEIPT")


def test_the_print_language_defaults_to_the_shops_language_and_refuses_others(ctx):
    assert get_print_language(ctx) == "en"  # tests run with KASIR_LANG=en
    with pytest.raises(ValidationError, match="Choose one of the languages"):
        save_print_language(ctx, "fr")
    assert get_print_language(ctx) == "en"
    assert save_print_language(ctx, "id") == "id" and get_print_language(ctx) == "id"


def test_documents_are_written_and_rendered_in_the_shops_language(ctx, paid):
    from app.documents.service import invoice_doc, receipt_doc, render_doc_html

    save_print_language(ctx, "id")
    doc = invoice_doc(ctx, paid.id, tz=timezone.utc)
    assert doc.lang == "id" and doc.title == "FAKTUR" and dict(doc.meta)["Status"] == "Lunas"
    html = render_doc_html(doc)
    assert 'lang="id"' in html and "DITAGIHKAN KEPADA" in html and "BILL TO" not in html
    assert i18n.current_language() == "en"
    save_print_language(ctx, "en")
    i18n.set_language("id")
    try:
        doc = receipt_doc(ctx, paid.id, tz=timezone.utc)
        html = render_doc_html(doc)
    finally:
        i18n.set_language("en")
    assert doc.lang == "en" and doc.title == "RECEIPT"
    assert 'lang="en"' in html and "BILL TO" in html and "DITAGIHKAN" not in html
