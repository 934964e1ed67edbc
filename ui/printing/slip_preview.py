"""A slip as it will print: its lines in a monospace font on a paper-coloured
strip 58 or 80 mm wide (to scale), bold and double-height lines as printed,
the QR code drawn where the printer puts it."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.i18n import _

PX_PER_MM = 4.2
PRINTABLE_MM = {58: 48.0, 80: 72.0}  # the print head's width on common printers
PAPER = QColor("#FFFDF5")
EDGE = QColor("#D6D3C4")
INK = QColor("#1F2937")
QR_MODULES_MM = 22.0  # how wide the printed code is, about


@dataclass(frozen=True)
class PreviewLine:
    text: str = ""
    bold: bool = False
    tall: bool = False
    qr: str | None = None  # a QR block: its data ("" = a placeholder box)


def lines_from_blocks(blocks) -> list[PreviewLine]:
    """From `app.printing.slip_layout.layout_slip` blocks (Text, Qr, Logo)."""
    out = []
    for b in blocks:
        name = type(b).__name__
        if name == "Text":
            out.append(PreviewLine(b.text, b.bold, b.tall))
        elif name == "Qr":
            out.append(PreviewLine(qr=b.data or ""))
    return out


def lines_from_text(lines: list[str]) -> list[PreviewLine]:
    """From plain lines (`render_slip_lines`): the "[QR]" marker becomes a box."""
    return [PreviewLine(qr="") if l.strip() == "[QR]" else PreviewLine(l) for l in lines]


class SlipPreview(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.lines: list[PreviewLine] = []
        self.paper_mm = 58
        self.columns = 32
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(_("Slip preview"))
        self._font = QFont("Monospace")
        self._font.setStyleHint(QFont.StyleHint.TypeWriter)
        self._fit()

    # -- input
    def set_blocks(self, blocks, paper_mm: int, columns: int) -> None:
        self.set_preview(lines_from_blocks(blocks), paper_mm, columns)

    def set_lines(self, lines: list[str], paper_mm: int, columns: int) -> None:
        self.set_preview(lines_from_text(lines), paper_mm, columns)

    def set_preview(self, lines: list[PreviewLine], paper_mm: int, columns: int) -> None:
        self.lines = list(lines)
        self.paper_mm = 80 if int(paper_mm) >= 80 else 58
        self.columns = max(16, int(columns))
        self._fit()
        self.updateGeometry()
        self.adjustSize()
        self.update()

    def text(self) -> str:
        """What the preview shows, as text (for tests and accessibility)."""
        return "\n".join("[QR]" if l.qr is not None else l.text for l in self.lines)

    # -- geometry: the font is sized so that `columns` characters fill the print head
    def paper_width(self) -> float:
        return self.paper_mm * PX_PER_MM

    def printable_width(self) -> float:
        return PRINTABLE_MM[self.paper_mm] * PX_PER_MM

    def _fit(self) -> None:
        self._font.setPixelSize(20)
        advance = QFontMetricsF(self._font).horizontalAdvance("M" * 10) / 10
        size = 20 * (self.printable_width() / self.columns) / max(advance, 1.0)
        self._font.setPixelSize(max(5, int(size)))
        fm = QFontMetricsF(self._font)
        self._char = fm.horizontalAdvance("M" * 10) / 10
        self._line = fm.height()

    def _qr_size(self) -> float:
        return min(QR_MODULES_MM * PX_PER_MM, self.printable_width())

    def _height(self) -> float:
        h = 24.0
        for l in self.lines:
            h += self._qr_size() + 8 if l.qr is not None else self._line * (2 if l.tall else 1)
        return h + 24

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(int(self.paper_width()) + 24, int(self._height()))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()

    # -- painting
    def paintEvent(self, _event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        paper = QRectF(12, 0, self.paper_width(), self.height())
        p.fillRect(paper, PAPER)
        p.setPen(EDGE)
        p.drawRect(paper.adjusted(0, 0, -1, -1))
        left = paper.x() + (self.paper_width() - self.printable_width()) / 2
        y = 24.0
        for line in self.lines:
            if line.qr is not None:
                size = self._qr_size()
                self._draw_qr(p, QRectF(left + (self.printable_width() - size) / 2, y + 4,
                                        size, size), line.qr)
                y += size + 8
                continue
            f = QFont(self._font)
            f.setBold(line.bold)
            p.setFont(f)
            p.setPen(INK)
            if line.tall:
                p.save()
                p.translate(left, y)
                p.scale(1.0, 2.0)
                p.drawText(QRectF(0, 0, self.printable_width() + self._char, self._line),
                           Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, line.text)
                p.restore()
                y += self._line * 2
            else:
                p.drawText(QRectF(left, y, self.printable_width() + self._char, self._line),
                           Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, line.text)
                y += self._line
        p.end()

    def _draw_qr(self, p: QPainter, box: QRectF, data: str) -> None:
        matrix = None
        if data:
            try:
                # the QR encoder only when a slip shows a QR code
                from app.documents.qr_code import qr_matrix

                matrix = qr_matrix(data)
            except Exception:  # a preview never fails on its QR: draw the box
                matrix = None
        if not matrix:
            p.setPen(INK)
            p.drawRect(box)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, "QR")
            return
        n = len(matrix)
        cell = box.width() / n
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(INK)
        for r, row in enumerate(matrix):
            for c, dark in enumerate(row):
                if dark:
                    p.drawRect(QRectF(box.x() + c * cell, box.y() + r * cell, cell, cell))
