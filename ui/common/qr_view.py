"""A QR code drawn from its text, as large as its widget allows (the QR collect
dialog and the customer display show the very same code)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.documents.qr_code import QUIET_ZONE, dark_runs, qr_matrix


class QrView(QWidget):
    def __init__(self, parent=None, minimum: int = 240):
        super().__init__(parent)
        self.payload = ""
        self._runs: list[tuple[int, int, int]] = []
        self._size = 0
        self.setMinimumSize(minimum, minimum)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_payload(self, payload: str) -> None:
        self.payload = payload or ""
        if self.payload:
            matrix = qr_matrix(self.payload)
            self._runs, self._size = dark_runs(matrix), len(matrix)
        else:
            self._runs, self._size = [], 0
        self.update()

    def paintEvent(self, _event) -> None:
        if not self._size:
            return
        painter = QPainter(self)
        n = self._size + 2 * QUIET_ZONE
        side = min(self.width(), self.height())
        module = side / n
        left, top = (self.width() - side) / 2, (self.height() - side) / 2
        painter.fillRect(QRectF(left, top, side, side), QColor("white"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("black"))
        for r, c, length in self._runs:
            painter.drawRect(QRectF(left + (c + QUIET_ZONE) * module,
                                    top + (r + QUIET_ZONE) * module,
                                    length * module + 0.5, module + 0.5))
        painter.end()
