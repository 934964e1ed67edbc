"""A QR code drawn from its text, as large as its widget allows (the QR collect
dialog and the customer display show the very same code).

The code is rendered once into an image (one byte per module) and scaled by a
whole number of pixels per module when the widget's size changes: a paint is a
single call, not one rectangle per run of modules. (PySide6 6.12 on CPython
3.11 takes a reference to None on every call of a void Qt method; hundreds of
drawRect calls per paint would use None up within minutes.)
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy

from app.documents.qr_code import QUIET_ZONE, qr_matrix


def qr_image(payload: str) -> QImage:
    """One pixel per module, quiet zone included, black on white."""
    matrix = qr_matrix(payload)
    n = len(matrix) + 2 * QUIET_ZONE
    rows = bytearray(b"\xff" * (n * n))
    for r, row in enumerate(matrix):
        base = (r + QUIET_ZONE) * n + QUIET_ZONE
        for c, dark in enumerate(row):
            if dark:
                rows[base + c] = 0
    return QImage(bytes(rows), n, n, n, QImage.Format.Format_Grayscale8).copy()


class QrView(QLabel):
    def __init__(self, parent=None, minimum: int = 240):
        super().__init__(parent)
        self.payload = ""
        self._image: QImage | None = None
        self._side = 0
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(minimum, minimum)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_payload(self, payload: str) -> None:
        self.payload = payload or ""
        self._image = qr_image(self.payload) if self.payload else None
        self._side = 0
        self._rescale()

    def _rescale(self) -> None:
        if self._image is None:
            self.clear()
            return
        n = self._image.width()
        side = max(1, min(self.width(), self.height()) // n) * n  # whole pixels per module
        if side != self._side:
            self._side = side
            self.setPixmap(QPixmap.fromImage(self._image.scaled(
                side, side, Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.FastTransformation)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._rescale()
