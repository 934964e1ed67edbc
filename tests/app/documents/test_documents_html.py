"""The HTML rendering: the same content as the PDF, and no way in for markup."""

import re
from html.parser import HTMLParser
from xml.etree import ElementTree

from app.documents.document_model import invoice_document, receipt_document
from app.documents.html_render import render_html
from app.documents.qr_code import QUIET_ZONE, qr_matrix, qr_svg


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.tags, self.attrs = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)


def _parse(page: str) -> _Collect:
    p = _Collect()
    p.feed(page)
    return p


def _doc(kit, **kw):
    shop = kw.pop("shop", kit.shop())
    return invoice_document(kit.invoice(**kw), shop, customer=kit.customer(), tz=kit.WIB)


def test_html_has_the_same_content_as_the_document(kit):
    doc = _doc(kit)
    page = render_html(doc)
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    text = " ".join(_parse(page).text)
    for _, value in doc.meta:
        assert value in text
    for line in doc.lines:
        for part in (line.description, line.quantity, line.unit_amount, line.amount):
            assert part in text
    for t in doc.totals:
        assert t.label in text and t.value in text
    for _, value in doc.notes:
        assert value in text
    assert doc.shop.name in text and doc.shop.footer in text and doc.bill_to[0] in text
    assert "data:image/svg+xml;base64," in page
    assert 'href="https://pay.plugipay.test/i/in_9f8e7d"' in page
    assert "#0F766E" in page


def test_user_text_is_escaped(kit):
    evil = '<script>alert("x")</script>'
    doc = invoice_document(
        kit.invoice(customer_name=evil, memo=evil, lines=((evil, 1, 1000),),
                    hosted_url='javascript:alert(1)'),
        kit.shop(name=evil, address=evil, footer=evil, accent_color="red;}</style><script>"),
        tz=kit.WIB)
    page = render_html(doc)
    parsed = _parse(page)
    assert "script" not in parsed.tags
    assert "<script>" not in page
    assert "javascript:" not in page
    assert not any(v and "javascript" in v for _, v in parsed.attrs)
    assert page.count("&lt;script&gt;") >= 5
    assert "red;}" not in page and "#0F766E" in page


def test_receipt_html(kit):
    inv = kit.invoice(status="paid")
    page = render_html(receipt_document(inv, kit.receipt(inv), kit.shop(), tz=kit.WIB))
    text = " ".join(_parse(page).text)
    for expected in ("RECEIPT", "T1-R000009", "Bank transfer", "Amount received", "PAID"):
        assert expected in text
    assert "image/svg" not in page  # nothing left to pay: no QR


def test_logo_is_inlined(kit, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (20, 10), (0, 0, 255)).save(logo)
    page = render_html(_doc(kit, shop=kit.shop(logo_path=str(logo))))
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+"', page)
    not_image = tmp_path / "x.png"
    not_image.write_text("<svg onload=alert(1)>")
    assert "image/png" not in render_html(_doc(kit, shop=kit.shop(logo_path=str(not_image))))
    assert "image/png" not in render_html(_doc(kit, shop=kit.shop(logo_path=str(tmp_path / "n"))))


def test_qr_svg_matches_the_matrix():
    url = "https://pay.plugipay.test/i/in_9f8e7d"
    svg = ElementTree.fromstring(qr_svg(url))
    n = len(qr_matrix(url))
    assert svg.get("viewBox") == f"0 0 {n + 2 * QUIET_ZONE} {n + 2 * QUIET_ZONE}"
    path = svg.find("{http://www.w3.org/2000/svg}path").get("d")
    dark = sum(int(h) for h in re.findall(r"h(\d+)v", path))
    assert dark == sum(sum(row) for row in qr_matrix(url))
    # Finder pattern: the top-left 7x7 has a dark border.
    m = qr_matrix(url)
    assert all(m[0][:7]) and all(m[6][:7]) and not any(m[1][1:6])
