"""Sample records and PDF tools for the document tests.

PDFs are read back and rendered with pypdfium2 (PDFium, the engine of Chrome's
PDF viewer, from the package index: no system tool needed). Text comes with a
box per character, grouped here into words and lines as `pdftotext -layout` /
`-bbox` would; pages render to Pillow images for the pixel checks.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.domain.lifecycle import Status
from app.domain.records import CustomerRecord, InvoiceRecord, LineRecord, ReceiptRecord
from app.services.settings import ShopProfile

WIB = timezone(timedelta(hours=7), "WIB")
T0 = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)
REFERENCE_DIR = Path(__file__).parent / "reference"


def make_invoice(**kw) -> InvoiceRecord:
    lines = kw.pop("lines", (("Kopi susu gula aren", 2, 18000),
                             ("Croissant au beurre \u2014 tr\u00e8s d\u00e9licieux", 3, 25000)))
    recs = tuple(LineRecord(d, q, u, q * u) for d, q, u in lines)
    subtotal = sum(l.amount for l in recs)
    discount, tax = kw.pop("discount", 5000), kw.pop("tax", 11000)
    total = max(0, subtotal - discount + tax)
    status = Status(kw.pop("status", "open"))
    stored = "open" if status is Status.PAST_DUE else status.value
    base = dict(
        id=7, till="T1", local_number="T1-000042", plugipay_id="in_9f8e7d", number="INV-2026-017",
        hosted_url="https://pay.plugipay.test/i/in_9f8e7d", customer_id=3,
        customer_name="Siti Rahayu \u2014 Caf\u00e9 \u00c9lan", customer_email="siti@example.com",
        currency="IDR", status=status, stored_status=stored, subtotal=subtotal,
        discount=discount, tax=tax, total=total,
        amount_paid=total if status is Status.PAID else 0,
        due_at=T0 + timedelta(days=14), issued_at=T0,
        paid_at=T0 + timedelta(hours=3) if status is Status.PAID else None,
        voided_at=T0 + timedelta(hours=1) if status is Status.VOID else None,
        written_off_at=T0 + timedelta(days=60) if status is Status.UNCOLLECTIBLE else None,
        reason="", memo="Meja 4, bayar di kasir", sync_state="synced", created_by="ana",
        created_at=T0, updated_at=T0, lines=recs)
    if status is Status.DRAFT:
        base.update(local_number=None, plugipay_id=None, number=None, hosted_url=None,
                     issued_at=None)
    base.update(kw)
    return InvoiceRecord(**base)


def make_receipt(inv: InvoiceRecord, **kw) -> ReceiptRecord:
    base = dict(id=1, number="T1-R000009", invoice_id=inv.id, payment_id=1, amount=inv.total,
                currency=inv.currency, method="transfer", reference="BCA 0123 Siti",
                operator="ana", issued_at=T0 + timedelta(hours=3), plugipay_id=None)
    base.update(kw)
    return ReceiptRecord(**base)


def make_shop(**kw) -> ShopProfile:
    base = dict(name="Toko Kopi Sejahtera", address="Jl. Merdeka No. 17\nBandung 40111",
                phone="+62 22 1234 567", tax_id="01.234.567.8-901.000",
                footer="Terima kasih atas kunjungan Anda", logo_path="", accent_color="#0F766E")
    base.update(kw)
    return ShopProfile(**base)


def make_customer(**kw) -> CustomerRecord:
    base = dict(id=3, name="Siti Rahayu", email="siti@example.com", phone="+62 812 3456 7890",
                tax_id="09.876.543.2-109.000", notes="", plugipay_id=None, created_at=T0,
                updated_at=T0)
    base.update(kw)
    return CustomerRecord(**base)


def _open_pdf(data: bytes):
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(data)


def _page_words(page) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) on one page, y measured down from the top edge
    as pdftotext does; a word is a run of non-blank characters on one line."""
    height = page.get_height()
    textpage = page.get_textpage()
    words: list[tuple[str, float, float, float, float]] = []
    chars: list[tuple[str, tuple[float, float, float, float]]] = []

    def flush():
        if chars:
            text = "".join(c for c, _ in chars)
            left = min(b[0] for _, b in chars)
            right = max(b[2] for _, b in chars)
            bottom = min(b[1] for _, b in chars)
            top = max(b[3] for _, b in chars)
            words.append((text, left, height - top, right, height - bottom))
            chars.clear()

    for i in range(textpage.count_chars()):
        ch = textpage.get_text_range(i, 1)
        if not ch or ch.isspace():
            flush()
            continue
        box = textpage.get_charbox(i, loose=True)  # the font's advance x ascent..descent
        if chars:
            prev = chars[-1][1]
            # a jump back or to another baseline ends the word even without a blank
            if box[0] < prev[0] - 0.5 or abs(box[1] - prev[1]) > (prev[3] - prev[1]) / 2:
                flush()
        chars.append((ch, box))
    flush()
    textpage.close()
    return words


def _layout_lines(words) -> list[str]:
    """Words gathered into lines by their vertical middle, left to right, with wide
    gaps kept as runs of spaces (like `pdftotext -layout`)."""
    rows: list[list] = []
    for w in sorted(words, key=lambda w: ((w[2] + w[4]) / 2, w[1])):
        mid, size = (w[2] + w[4]) / 2, w[4] - w[2]
        if rows and abs(rows[-1][0] - mid) <= size / 2:
            rows[-1][1].append(w)
        else:
            rows.append([mid, [w]])
    out = []
    for _, row in rows:
        row.sort(key=lambda w: w[1])
        line, last_x = "", None
        for text, x0, y0, x1, y1 in row:
            if last_x is not None:
                gap = x0 - last_x
                line += " " * max(1, round(gap / max((y1 - y0) * 0.3, 1.0)))
            line += text
            last_x = x1
        out.append(line)
    return out


def pdf_to_text(data: bytes, *, layout: bool = True, raw: bool = False) -> str:
    """The text of a PDF, pages separated by form feeds. `layout` lines words up by
    position; `raw` (or layout=False) keeps content-stream order and turned text
    (the stamp)."""
    pdf = _open_pdf(data)
    pages = []
    try:
        for page in pdf:
            if raw or not layout:
                textpage = page.get_textpage()
                pages.append(textpage.get_text_range().replace("\r\n", "\n") + "\n")
                textpage.close()
            else:
                pages.append("\n".join(_layout_lines(_page_words(page))) + "\n")
            page.close()
    finally:
        pdf.close()
    return "\f".join(pages) + "\f"


def pdf_word_boxes(data: bytes) -> list[tuple[str, float, float, float, float, int]]:
    """(word, xMin, yMin, xMax, yMax, page) for every word, in points from the page's
    top-left corner, pages counted from 1."""
    pdf = _open_pdf(data)
    words = []
    try:
        for number, page in enumerate(pdf, start=1):
            words += [(*w, number) for w in _page_words(page)]
            page.close()
    finally:
        pdf.close()
    return words


def pdf_page_png(data: bytes, page: int = 1, dpi: int = 50):
    """Page `page` as an RGB Pillow image (colour too: a new accent must show)."""
    pdf = _open_pdf(data)
    try:
        bitmap = pdf[page - 1].render(scale=dpi / 72)
        return bitmap.to_pil().convert("RGB")
    finally:
        pdf.close()


def dark_pixels(image, box, below: int = 100) -> int:
    """How many pixels in `box` are darker than `below` (0 black .. 255 white)."""
    return sum(image.crop(box).convert("L").histogram()[:below])


def image_difference(a, b) -> tuple[float, float]:
    """(mean absolute difference 0..255, share of pixels off by more than 64).

    A pixel's difference is that of its most changed colour channel.
    """
    from PIL import ImageChops

    if a.size != b.size:
        return 255.0, 1.0
    r, g, b_ = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).split()
    diff = ImageChops.lighter(ImageChops.lighter(r, g), b_)
    hist = diff.histogram()
    n = a.size[0] * a.size[1]
    mean = sum(i * c for i, c in enumerate(hist)) / n
    far = sum(hist[65:]) / n
    return mean, far


@pytest.fixture
def kit():
    """The helpers above, for tests (conftest modules are not imported by name)."""
    return SimpleNamespace(
        invoice=make_invoice, receipt=make_receipt, shop=make_shop, customer=make_customer,
        text=pdf_to_text, boxes=pdf_word_boxes, png=pdf_page_png, diff=image_difference,
        dark=dark_pixels,
        same=looks_the_same, WIB=WIB, T0=T0, reference_dir=REFERENCE_DIR)


# A page is "the same" when on average it is within one level and no more than
# 0.3 % of its pixels moved by more than a quarter of the range: room for another
# PDFium's anti-aliasing, too little for one totals row more or less (~0.8 %).
MAX_MEAN_DIFF = 1.0
MAX_FAR_SHARE = 0.003


def looks_the_same(a, b) -> bool:
    mean, far = image_difference(a, b)
    return mean <= MAX_MEAN_DIFF and far <= MAX_FAR_SHARE


@pytest.fixture
def reference_check():
    """check(image, name): compare with reference/NAME.png (KASIR_UPDATE_REFERENCES=1 rewrites)."""
    import os

    from PIL import Image

    from app.documents.fonts import document_fonts

    def check(image, name):
        path = REFERENCE_DIR / f"{name}.png"
        if os.environ.get("KASIR_UPDATE_REFERENCES") == "1":
            image.save(path, optimize=True)
            return
        assert document_fonts().family == "DejaVu Sans", (
            "reference pages are drawn with DejaVu Sans, shipped in resources/fonts; "
            f"found {document_fonts().family}")
        assert path.exists(), f"{path} is missing: run with KASIR_UPDATE_REFERENCES=1 once"
        expected = Image.open(path).convert("RGB")
        mean, far = image_difference(image, expected)
        if not (mean <= MAX_MEAN_DIFF and far <= MAX_FAR_SHARE):
            out = Path(os.environ.get("TMPDIR", "/tmp")) / f"kasir-{name}-actual.png"
            image.save(out)
            pytest.fail(f"page 1 of {name} differs from {path.name} (mean {mean:.2f}, "
                        f"{far:.2%} of pixels far off); the new rendering is at {out}. If the "
                        "change is intended, rerun with KASIR_UPDATE_REFERENCES=1.")
    return check
