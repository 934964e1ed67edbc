"""PDFs read back (text, totals, placement) and page 1 compared with a stored picture."""

import re

import pytest

from app.documents.document_model import invoice_document, receipt_document
from app.documents.fonts import document_fonts, find_font_files
from app.documents.pdf_render import render_pdf

PAGE_WIDTH = {"a4": 595.28, "letter": 612.0}


def _doc(kit, **kw):
    customer = kw.pop("customer", kit.customer())
    shop = kw.pop("shop", kit.shop())
    return invoice_document(kit.invoice(**kw), shop, customer=customer, tz=kit.WIB)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_invoice_text_reads_back(kit):
    result = render_pdf(_doc(kit))
    assert result.data.startswith(b"%PDF-") and result.pages == 1
    text = _flat(kit.text(result.data))
    for expected in ("Toko Kopi Sejahtera", "Jl. Merdeka No. 17", "NPWP 01.234.567.8-901.000",
                     "INVOICE", "T1-000042", "INV-2026-017", "22 Nov 2026, 16:00", "6 Dec 2026",
                     "Siti Rahayu \u2014 Caf\u00e9 \u00c9lan", "Kopi susu gula aren",
                     "Croissant au beurre \u2014 tr\u00e8s d\u00e9licieux",
                     "Quote T1-000042 in your bank transfer note.", "Meja 4, bayar di kasir",
                     "https://pay.plugipay.test/i/in_9f8e7d", "Terima kasih atas kunjungan Anda",
                     "Page 1 of 1"):
        assert expected in text, expected
    for label, value in (("Subtotal", "Rp 111.000"), ("Discount", "-Rp 5.000"),
                         ("Tax", "Rp 11.000"), ("Total", "Rp 117.000"),
                         ("Amount paid", "Rp 0"), ("Amount due", "Rp 117.000")):
        assert re.search(rf"{label}\s+{re.escape(value)}", text), (label, value)


def test_receipt_text_reads_back(kit):
    inv = kit.invoice(status="paid")
    doc = receipt_document(inv, kit.receipt(inv), kit.shop(), tz=kit.WIB)
    text = _flat(kit.text(render_pdf(doc, "letter").data))
    for expected in ("RECEIPT", "T1-R000009", "T1-000042", "Bank transfer", "BCA 0123 Siti",
                     "22 Nov 2026, 19:00"):
        assert expected in text, expected
    assert re.search(r"Amount received\s+Rp 117\.000", text)
    assert re.search(r"Balance due\s+Rp 0", text)
    assert "PAID" in kit.text(render_pdf(doc).data, raw=True)


@pytest.mark.parametrize("status,word", [("paid", "PAID"), ("void", "VOID"),
                                         ("uncollectible", "WRITTEN OFF"), ("draft", "DRAFT")])
def test_status_stamp_is_on_the_page(kit, status, word):
    text = kit.text(render_pdf(_doc(kit, status=status)).data, raw=True)
    assert word in text  # the stamp is turned, so only raw mode keeps it


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_paper_size(kit, paper):
    data = render_pdf(_doc(kit), paper).data
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)", data)
    width, height = float(box.group(1)), float(box.group(2))
    assert (round(width), round(height)) == {"a4": (595, 842), "letter": (612, 792)}[paper]


def test_usd_totals(kit):
    doc = _doc(kit, currency="USD", lines=(("Widget", 3, 1050),), discount=150, tax=0)
    text = _flat(kit.text(render_pdf(doc).data))
    assert re.search(r"Total\s+\$30\.00", text)
    assert "$10.50" in text and "-$1.50" in text


def test_many_lines_flow_onto_more_pages_and_nothing_is_lost(kit):
    lines = tuple((f"Item {i:03d} " + "panjang " * (i % 7), i + 1, 1000 + i) for i in range(90))
    result = render_pdf(_doc(kit, lines=lines), "letter")
    assert result.pages >= 3
    text = kit.text(result.data)
    pages = text.split("\f")
    for i in range(90):
        assert f"Item {i:03d}" in text
    assert f"Page {result.pages} of {result.pages}" in pages[result.pages - 1]
    assert "(continued)" in pages[1]
    # Totals come once, after the last line.
    assert text.count("Amount due") == 1
    assert text.index("Item 089") < text.index("Amount due")


def test_nothing_runs_past_the_right_margin(kit):
    long_word = "Kopi" * 40  # no space to wrap at
    huge = 10**15 - 1
    doc = _doc(kit, lines=((long_word, 999_999, huge // 1_000_000), ("x " * 200, 1, 1)),
               discount=0, tax=0, memo="M" * 300,
               customer=kit.customer(name="N" * 120, email="e" * 80 + "@example.com"),
               shop=kit.shop(name="Toko " * 30, address="Jalan " * 60, footer="Terima " * 80))
    for paper in ("a4", "letter"):
        boxes = kit.boxes(render_pdf(doc, paper).data)
        assert boxes
        limit = PAGE_WIDTH[paper] - 40 + 1.5
        over = [(w, x1) for w, x0, y0, x1, y1, page in boxes if x1 > limit or x0 < 40 - 1.5]
        assert not over, over[:5]
    text = kit.text(render_pdf(doc).data, layout=False).replace("\n", "")
    assert long_word in text.replace(" ", "")


def test_same_input_gives_the_same_bytes(kit):
    assert render_pdf(_doc(kit)).data == render_pdf(_doc(kit)).data


def test_logo_is_drawn_and_a_broken_one_is_skipped(kit, tmp_path, caplog):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (200, 80), (200, 30, 30)).save(logo)
    with_logo = render_pdf(_doc(kit, shop=kit.shop(logo_path=str(logo)))).data
    assert b"/Subtype /Image" in with_logo
    # The red logo shows in the top-left corner of the page.
    img = kit.png(with_logo, dpi=50)
    assert kit.dark(img, (30, 30, 60, 50), below=150) > 200

    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a png")
    for path in (str(broken), str(tmp_path / "missing.png")):
        data = render_pdf(_doc(kit, shop=kit.shop(logo_path=path))).data
        assert b"/Subtype /Image" not in data and "Toko Kopi Sejahtera" in kit.text(data)
    assert "could not be read" in caplog.text


def test_qr_only_for_payable_invoices(kit):
    open_png = kit.png(render_pdf(_doc(kit)).data)
    paid_png = kit.png(render_pdf(_doc(kit, status="paid")).data)
    # The QR sits under the notes on the left; it is dense black where the paid page is white.
    box = (20, 270, 90, 340)
    assert kit.dark(open_png, box) > 400
    assert kit.dark(paid_png, box) < 40


def test_font_embeds_indonesian_and_accents():
    fonts = document_fonts()
    assert fonts.embedded, "no TrueType font found: install fonts-dejavu-core"
    assert find_font_files() is not None


def test_falls_back_to_vera_when_dejavu_is_missing(tmp_path):
    import reportlab
    from pathlib import Path

    bundled = Path(reportlab.__file__).parent / "fonts"
    family, regular, bold = find_font_files([tmp_path, bundled])
    assert family == "Bitstream Vera" and regular.name == "Vera.ttf"
    assert find_font_files([tmp_path]) is None


def test_invoice_page_matches_reference(kit, reference_check):
    reference_check(kit.png(render_pdf(_doc(kit), "a4").data), "invoice_open_a4")


def test_receipt_page_matches_reference(kit, reference_check):
    inv = kit.invoice(status="paid")
    doc = receipt_document(inv, kit.receipt(inv), kit.shop(accent_color="#9333EA"), tz=kit.WIB)
    reference_check(kit.png(render_pdf(doc, "letter").data), "receipt_paid_letter")


def test_the_comparison_sees_a_layout_change(kit):
    base = kit.png(render_pdf(_doc(kit)).data)
    assert kit.same(base, kit.png(render_pdf(_doc(kit)).data))
    changes = [
        _doc(kit, discount=0),  # one totals row fewer: the block below moves up
        _doc(kit, status="void"),  # a stamp appears
        _doc(kit, shop=kit.shop(accent_color="#B91C1C")),  # another accent colour
        _doc(kit, lines=(("Kopi susu gula aren", 2, 18000),)),  # a line fewer
    ]
    for changed in changes:
        assert not kit.same(base, kit.png(render_pdf(changed).data))


def test_closing_block_never_runs_into_the_footer(kit):
    """Around the page break, the totals and notes move to a new page rather than overlap."""
    height = 841.89
    for n in range(24, 44, 2):
        lines = tuple((f"Item {i}", 1, 1000) for i in range(n))
        data = render_pdf(_doc(kit, lines=lines, memo="catatan " * 30)).data
        text = kit.text(data)
        assert text.count("Amount due") == 1 and "Item " + str(n - 1) in text
        clash = [(w, page) for w, x0, y0, x1, y1, page in kit.boxes(data)
                 if y1 > height - 84 + 1 and y0 < height - 64]
        assert not clash, (n, clash)
