"""Drawing a `Document` onto A4 or Letter pages with reportlab's canvas.

The canvas is used directly (no platypus): one pass places every string, long
descriptions wrap, amounts shrink rather than run past their column, the line
table carries over to as many pages as it needs, and every page gets a footer
with "Page i of n".
"""

from __future__ import annotations

import io
import logging
import os
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfgen.canvas import Canvas

from app.i18n import N_, _, gettext, using_language

from .document_model import Document
from .fonts import FontSet, document_fonts
from .pdf_text import ellipsize, fit_size, wrap
from .qr_code import QUIET_ZONE, dark_runs, qr_matrix

log = logging.getLogger(__name__)

PAPERS = {"a4": A4, "letter": LETTER}
MARGIN = 40
FOOTER_SPACE = 44  # kept free at the bottom of each page
INK = HexColor("#111827")
GREY = HexColor("#6B7280")
RULE = HexColor("#E5E7EB")
TONES = {"good": HexColor("#15803D"), "bad": HexColor("#B91C1C"), "muted": HexColor("#6B7280")}
COLS = ((N_("DESCRIPTION"), None), (N_("QTY"), 44), (N_("UNIT PRICE"), 104), (N_("AMOUNT"), 112))
ROW_FONT = 9.5
ROW_LEADING = 12
LOGO_MAX = (130, 54)


@dataclass(frozen=True)
class PdfResult:
    data: bytes
    pages: int


class _NumberedCanvas(Canvas):
    """Keeps each page until the end, so the footer can say how many there are."""

    def __init__(self, *args, footer=None, **kw):
        super().__init__(*args, **kw)
        self._pages = []
        self._footer = footer

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._footer(self, self._pageNumber, total)
            Canvas.showPage(self)
        Canvas.save(self)


@lru_cache(maxsize=8)
def _logo(path: str, mtime: float):
    from reportlab.lib.utils import ImageReader  # lazy: only for a logo

    reader = ImageReader(path)
    w, h = reader.getSize()
    scale = min(LOGO_MAX[0] / w, LOGO_MAX[1] / h, 1.0)
    return reader, w * scale, h * scale


def load_logo(path: str):
    """(image, width, height) in points, or None when there is no usable logo."""
    if not path:
        return None
    try:
        return _logo(path, os.path.getmtime(path))
    except Exception as exc:  # a moved or broken logo must not stop a sale
        log.warning("Shop logo %s could not be read (%s); printing without it.", path, exc)
        return None


class _Painter:
    def __init__(self, canvas: Canvas, doc: Document, size, fonts: FontSet):
        self.c, self.doc, self.fonts = canvas, doc, fonts
        self.width, self.height = size
        self.left, self.right = MARGIN, self.width - MARGIN
        self.accent = HexColor(doc.shop.accent)
        self.bottom = MARGIN + FOOTER_SPACE

    # -- small helpers
    def text(self, x, y, s, size=9, bold=False, color=INK, align="left"):
        c = self.c
        c.setFont(self.fonts.bold if bold else self.fonts.regular, size)
        c.setFillColor(color)
        if align == "right":
            c.drawRightString(x, y, s)
        elif align == "center":
            c.drawCentredString(x, y, s)
        else:
            c.drawString(x, y, s)

    def wrapped(self, x, y, s, width, size=9, bold=False, color=INK, leading=None, max_lines=None):
        font = self.fonts.bold if bold else self.fonts.regular
        leading = leading or size * 1.3
        for line in wrap(s, font, size, width, max_lines):
            self.text(x, y, line, size, bold, color)
            y -= leading
        return y

    # -- page parts
    def first_header(self) -> float:
        d, c = self.doc, self.c
        top = self.height - MARGIN
        c.setFillColor(self.accent)
        c.rect(0, self.height - 8, self.width, 8, stroke=0, fill=1)
        half = (self.right - self.left) * 0.55
        y = top
        logo = load_logo(d.shop.logo_path)
        if logo:
            image, w, h = logo
            c.drawImage(image, self.left, top - h, w, h, mask="auto")
            y = top - h - 8
        y = self.wrapped(self.left, y - 14, d.shop.name, half, 15, True, leading=18, max_lines=2)
        y += 3
        for line in d.shop.address_lines + d.shop.contact_lines:
            y = self.wrapped(self.left, y, line, half, 8.5, color=GREY, leading=11.5)
        left_end = y

        self.text(self.right, top - 20, d.title, 22, True, self.accent, "right")
        self.text(self.right, top - 38, ellipsize(d.number, self.fonts.bold, 12, 200), 12, True,
                  align="right")
        ry = top - 56
        label_x = self.right - 215
        for label, value in d.meta:
            self.text(label_x, ry, label, 8.5, color=GREY)
            lines = wrap(value, self.fonts.regular, 8.5, 140, max_lines=3)
            for line in lines:
                self.text(self.right, ry, line, 8.5, align="right")
                ry -= 11.5
        y = block_top = min(left_end, ry) - 10

        self.text(self.left, y, _("BILL TO"), 8, True, self.accent)
        y -= 15
        name, *rest = d.bill_to
        y = self.wrapped(self.left, y, name, half, 11, True, leading=14, max_lines=2)
        for line in rest:
            y = self.wrapped(self.left, y, line, half, 9, color=GREY, leading=12, max_lines=2)
        if d.stamp:
            # The turned stamp reaches ~31 pt above and below its centre: keep it clear
            # of the meta block above and the line table below.
            centre = block_top - 30
            self.stamp(self.right - 105, centre)
            y = min(y, centre - 40)
        return y - 12

    def stamp(self, cx, cy):
        d, c = self.doc, self.c
        color = TONES.get(d.stamp_tone, TONES["muted"])
        size = 20
        w = c.stringWidth(d.stamp, self.fonts.bold, size) + 24
        c.saveState()
        c.translate(cx, cy)
        c.rotate(10)
        c.setStrokeColor(color)
        c.setFillColor(color)
        c.setStrokeAlpha(0.8)
        c.setFillAlpha(0.8)
        c.setLineWidth(2.2)
        c.roundRect(-w / 2, -15, w, 32, 5, stroke=1, fill=0)
        c.setFont(self.fonts.bold, size)
        c.drawCentredString(0, -6, d.stamp)
        c.restoreState()

    def next_header(self) -> float:
        d = self.doc
        top = self.height - MARGIN
        self.c.setFillColor(self.accent)
        self.c.rect(0, self.height - 8, self.width, 8, stroke=0, fill=1)
        half = (self.right - self.left) * 0.6
        self.text(self.left, top - 12, ellipsize(d.shop.name, self.fonts.bold, 11, half), 11, True)
        self.text(self.right, top - 12, f"{d.title} {d.number} (continued)", 10, True,
                  self.accent, "right")
        return top - 34

    def column_edges(self):
        """Right edge of each numeric column; the description takes what is left."""
        edges, x = [], self.right
        for _title, w in reversed(COLS[1:]):
            edges.append(x)
            x -= w
        edges.reverse()
        return x, edges  # x: where the numeric columns begin

    def table_header(self, y) -> float:
        c = self.c
        c.setFillColor(self.accent)
        c.rect(self.left, y - 6, self.right - self.left, 19, stroke=0, fill=1)
        _left, edges = self.column_edges()
        self.text(self.left + 6, y, gettext(COLS[0][0]), 8, True, white)
        for (title, _w), edge in zip(COLS[1:], edges):
            self.text(edge - 6, y, gettext(title), 8, True, white, "right")
        return y - 22

    def row_layout(self, desc_width):
        rows = []
        for line in self.doc.lines:
            parts = wrap(line.description, self.fonts.regular, ROW_FONT, desc_width)
            rows.append((line, parts, len(parts) * ROW_LEADING + 7))
        return rows

    def draw_row(self, y, line, parts, edges):
        for i, part in enumerate(parts):
            self.text(self.left + 6, y - i * ROW_LEADING, part, ROW_FONT)
        widths = [w for _title, w in COLS[1:]]
        for value, edge, w in zip((line.quantity, line.unit_amount, line.amount), edges, widths):
            size = fit_size(value, self.fonts.regular, ROW_FONT, w - 10)
            self.text(edge - 6, y, value, size, align="right")
        bottom = y - len(parts) * ROW_LEADING + 5
        self.c.setStrokeColor(RULE)
        self.c.setLineWidth(0.6)
        self.c.line(self.left, bottom, self.right, bottom)

    def closing_layout(self):
        """Heights of the totals column and the notes column beside it."""
        d = self.doc
        totals_h = sum(25 if t.strong else 15 for t in d.totals) + 6
        notes_w = self.notes_width()
        notes_h = 0.0
        for _label, value in d.notes:
            notes_h += 17 + 11 * len(wrap(value, self.fonts.regular, 8.5, notes_w))
        if d.hosted_url:
            notes_h += 14 + 10 * len(wrap(d.hosted_url, self.fonts.regular, 7.5, notes_w - 92))
            notes_h += 84 if d.show_qr else 0
        return max(totals_h, notes_h) + 8

    def notes_width(self):
        return self.right - self.left - 260

    def closing(self, y):
        d, c = self.doc, self.c
        label_x = self.right - 235
        ty = y
        for t in d.totals:
            if t.strong:
                ty -= 5
                c.setStrokeColor(self.accent)
                c.setLineWidth(1)
                c.line(label_x, ty + 15, self.right, ty + 15)
                size = fit_size(t.value, self.fonts.bold, 11, 140)
                self.text(label_x, ty, t.label, 10.5, True)
                self.text(self.right - 6, ty, t.value, size, True, align="right")
                ty -= 20
            else:
                size = fit_size(t.value, self.fonts.regular, 9.5, 140)
                self.text(label_x, ty, t.label, 9.5, color=GREY)
                self.text(self.right - 6, ty, t.value, size, align="right")
                ty -= 15

        ny, width = y, self.notes_width()
        for label, value in d.notes:
            self.text(self.left, ny, label.upper(), 7.5, True, self.accent)
            ny = self.wrapped(self.left, ny - 12, value, width, 8.5, leading=11) - 5
        if d.hosted_url:
            text_x = self.left + (92 if d.show_qr else 0)
            self.text(text_x, ny, _("PAY ONLINE") if d.show_qr else _("ONLINE"), 7.5, True,
                      self.accent)
            if d.show_qr:
                self.qr(self.left, ny + 8, 84, d.hosted_url)
                self.text(text_x, ny - 12, _("Scan the code or open:"), 8.5, color=GREY)
                ny -= 12
            self.wrapped(text_x, ny - 12, d.hosted_url, width - (text_x - self.left), 7.5,
                         color=GREY, leading=10)

    def qr(self, x, top, size, text):
        matrix = qr_matrix(text)
        n = len(matrix) + 2 * QUIET_ZONE
        cell = size / n
        c = self.c
        c.setFillColor(INK)
        path = c.beginPath()
        for r, col, length in dark_runs(matrix):
            path.rect(x + (col + QUIET_ZONE) * cell, top - (r + QUIET_ZONE + 1) * cell,
                      length * cell, cell)
        c.drawPath(path, stroke=0, fill=1)

    def footer(self, canvas, page, pages):
        d = self.doc
        c = canvas
        c.setStrokeColor(RULE)
        c.setLineWidth(0.6)
        c.line(self.left, MARGIN + 24, self.right, MARGIN + 24)
        if d.shop.footer:
            line = ellipsize(d.shop.footer, self.fonts.regular, 8.5, self.right - self.left - 120)
            c.setFont(self.fonts.regular, 8.5)
            c.setFillColor(GREY)
            c.drawCentredString(self.width / 2, MARGIN + 10, line)
        c.setFont(self.fonts.regular, 7.5)
        c.setFillColor(GREY)
        c.drawString(self.left, MARGIN - 4, " \u00b7 ".join(d.keywords) or d.number)
        c.drawRightString(self.right, MARGIN - 4, _("Page {page} of {pages}",
                                                    page=page, pages=pages))


def render_pdf(doc: Document, paper: str = "a4") -> PdfResult:
    """The document as PDF bytes (reproducible: the same input gives the same bytes),
    every word in the document's language."""
    with using_language(doc.lang or None):
        return _render_pdf(doc, paper)


def _render_pdf(doc: Document, paper: str) -> PdfResult:
    size = PAPERS[paper]
    fonts = document_fonts()
    buf = io.BytesIO()
    holder = {}
    canvas = _NumberedCanvas(buf, pagesize=size, invariant=1, pageCompression=1,
                             footer=lambda c, p, n: holder["p"].footer(c, p, n))
    canvas.setTitle(f"{doc.title.title()} {doc.number}")
    canvas.setAuthor(doc.shop.name)
    canvas.setSubject(_("{title} {number} from {shop}", title=doc.title.title(), number=doc.number,
                        shop=doc.shop.name))
    canvas.setCreator("Kasir")
    canvas.setKeywords(", ".join(doc.keywords))
    p = holder["p"] = _Painter(canvas, doc, size, fonts)

    numeric_left, edges = p.column_edges()
    rows = p.row_layout(numeric_left - p.left - 12)
    y = p.table_header(p.first_header())
    if not rows:
        p.text(p.left + 6, y, _("No items."), ROW_FONT, color=GREY)
        y -= ROW_LEADING + 7
    for line, parts, height in rows:
        if y - height < p.bottom:
            canvas.showPage()
            y = p.table_header(p.next_header())
        p.draw_row(y, line, parts, edges)
        y -= height
    y -= 14
    if y - p.closing_layout() < p.bottom:
        canvas.showPage()
        y = p.next_header() - 6
    p.closing(y)
    canvas.showPage()
    canvas.save()
    return PdfResult(buf.getvalue(), len(canvas._pages))
