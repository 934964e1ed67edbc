"""Status chips: a coloured, rounded label per invoice status (a delegate and a widget)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QLabel, QStyle, QStyledItemDelegate

from app.domain.lifecycle import Status

from ui.common.fmt import status_label

# (background, text): calm colours, readable on the counter's screen.
CHIP_COLOURS = {
    Status.DRAFT: ("#E5E7EB", "#374151"),
    Status.OPEN: ("#DBEAFE", "#1E40AF"),
    Status.PAST_DUE: ("#FEE2E2", "#991B1B"),
    Status.PAID: ("#D1FAE5", "#065F46"),
    Status.VOID: ("#F3F4F6", "#6B7280"),
    Status.UNCOLLECTIBLE: ("#FEF3C7", "#92400E"),
}

STATUS_ROLE = Qt.ItemDataRole.UserRole + 10


def chip_colours(status) -> tuple[str, str]:
    try:
        return CHIP_COLOURS[Status(status)]
    except ValueError:
        return ("#E5E7EB", "#111827")


class StatusChipDelegate(QStyledItemDelegate):
    """Paints the cell's STATUS_ROLE value as a chip instead of plain text."""

    def paint(self, painter: QPainter, option, index) -> None:
        status = index.data(STATUS_ROLE)
        if status is None:
            return super().paint(painter, option, index)
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        bg, fg = chip_colours(status)
        text = index.data() or status_label(status)  # the model's words ("Paid · refunded")
        fm = option.fontMetrics
        w = fm.horizontalAdvance(text) + 16
        h = min(option.rect.height() - 4, fm.height() + 6)
        r = QRectF(option.rect.x() + 4, option.rect.center().y() - h / 2 + 1, w, h)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(bg))
        painter.drawRoundedRect(r, h / 2, h / 2)
        painter.setPen(QColor(fg))
        painter.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()


class StatusChip(QLabel):
    """The same chip as a widget, for the invoice detail header."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.status = None

    def set_status(self, status) -> None:
        self.status = Status(status)
        bg, fg = chip_colours(status)
        self.setText(status_label(status))
        self.setStyleSheet(f"background:{bg}; color:{fg}; border-radius:9px; "
                           "padding:2px 10px; font-weight:600;")
