"""The customer display: a second window (a second monitor or a customer-facing
screen) with the shop's name and logo, the sale's lines as they are scanned,
the total, the QR while collecting, and "Terima kasih" after payment.

`CustomerDisplay` only shows what it is told; `DisplayFollower` tells it, from
the invoice editor's signals, the QR collect dialog's signals and the change bus.
The customer-facing words are in the shop's language (Indonesian by default).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QStackedLayout, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget, QHeaderView,
                               QAbstractItemView)

from app.domain.totals import compute_totals
from app.i18n import N_, _, gettext
from app.services.queries import get_invoice
from app.services.settings import get_print_language, get_shop

from ui.common.changes import Change
from ui.common.fmt import money
from ui.common.qr_view import QrView

SALE, QR, THANKS = 0, 1, 2
# What the customer reads: in the shop's language (as slips print), not the screen's.
TOTAL = N_("Total {amount}")
SCAN_TO_PAY = N_("Scan to pay {amount}")
THANK_YOU = N_("Thank you")


class CustomerDisplay(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(_("Customer display"))
        self.lang = "id"
        self.shop = QLabel()
        self.shop.setStyleSheet("font-size:30px; font-weight:700;")
        self.logo = QLabel()
        head = QHBoxLayout()
        head.addWidget(self.logo)
        head.addWidget(self.shop, 1)
        self.lines = QTableWidget(0, 3)
        self.lines.setHorizontalHeaderLabels([_("Description"), _("Qty"), _("Amount")])
        self.lines.verticalHeader().hide()
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.lines.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.lines.setStyleSheet("font-size:20px;")
        self.total = QLabel()
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.total.setStyleSheet("font-size:40px; font-weight:700;")
        sale = QWidget()
        sl = QVBoxLayout(sale)
        sl.addWidget(self.lines, 1)
        sl.addWidget(self.total)
        self.qr = QrView(minimum=280)
        self.qr_text = QLabel()
        self.qr_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_text.setStyleSheet("font-size:28px; font-weight:700;")
        qr = QWidget()
        ql = QVBoxLayout(qr)
        ql.addWidget(self.qr, 1)
        ql.addWidget(self.qr_text)
        self.thanks = QLabel()
        self.thanks.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thanks.setStyleSheet("font-size:56px; font-weight:700;")
        self.pages = QStackedLayout()
        for page in (sale, qr, self.thanks):
            self.pages.addWidget(page)
        lay = QVBoxLayout(self)
        lay.addLayout(head)
        lay.addLayout(self.pages, 1)
        self.show_lines([], 0, "IDR")

    @property
    def page(self) -> int:
        return self.pages.currentIndex()

    def set_shop(self, name: str, logo_path: str = "") -> None:
        self.shop.setText(name)
        pixmap = QPixmap(logo_path) if logo_path else QPixmap()
        if pixmap.isNull():
            self.logo.clear()
            self.logo.hide()
        else:
            self.logo.setPixmap(pixmap.scaledToHeight(64, Qt.TransformationMode.SmoothTransformation))
            self.logo.show()

    def show_lines(self, lines, total: int, currency: str) -> None:
        """`lines`: (description, quantity, amount) as the cashier scans them."""
        self.lines.setRowCount(len(lines))
        for i, (desc, qty, amount) in enumerate(lines):
            for col, text in enumerate((desc, str(qty), money(amount, currency))):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.lines.setItem(i, col, item)
        if lines:
            self.lines.scrollToBottom()
        self.total.setText(gettext(TOTAL, self.lang).format(amount=money(total, currency)))
        self.pages.setCurrentIndex(SALE)

    def show_qr(self, payload: str, amount: int, currency: str) -> None:
        self.qr.set_payload(payload)
        self.qr_text.setText(gettext(SCAN_TO_PAY, self.lang).format(
            amount=money(amount, currency)))
        self.pages.setCurrentIndex(QR)

    def thank_you(self) -> None:
        self.thanks.setText(gettext(THANK_YOU, self.lang))
        self.pages.setCurrentIndex(THANKS)

    def back_to_sale(self) -> None:
        self.pages.setCurrentIndex(SALE)

    def place_on_screen(self, index: int) -> None:
        """Full screen on the chosen screen (the window's own when there is no such one)."""
        screens = QGuiApplication.screens()
        if 0 <= index < len(screens):
            self.setGeometry(screens[index].geometry())
            self.showFullScreen()
        else:
            self.show()


def load_shop(ctx):  # worker thread
    return get_shop(ctx), get_print_language(ctx)


def load_invoice_lines(ctx, invoice_id):  # worker thread
    return get_invoice(ctx, invoice_id)


class DisplayFollower(QObject):
    """Keeps the display on the sale: `follow_editor(editor)`, `follow_dialog(dialog)`,
    `show_invoice(id)`; the shop's name and logo follow Settings through the bus."""

    def __init__(self, display: CustomerDisplay, worker, bus, parent=None):
        super().__init__(parent)
        self.display, self.worker, self.bus = display, worker, bus
        bus.changed.connect(self._on_changed)
        self.reload_shop()

    def reload_shop(self) -> None:
        self.worker.submit(load_shop, key=f"{id(self)}:shop",
                           on_done=self._shop)

    def _shop(self, result) -> None:
        shop, lang = result
        self.display.lang = lang
        self.display.set_shop(shop.name, shop.logo_path)

    def _on_changed(self, flags: int, _source) -> None:
        if flags & Change.SETTINGS:
            self.reload_shop()

    def follow_editor(self, editor) -> None:
        """The lines as they are scanned: the editor's lines editor says when they change."""
        def update() -> None:
            lines, _ok = editor.lines.lines()
            currency = editor.currency.currentText()
            t = compute_totals(((l.quantity, l.unit_amount) for l in lines), 0, 0)
            self.display.show_lines([(l.description, l.quantity, l.quantity * l.unit_amount)
                                     for l in lines], t.total, currency)
        editor.lines.changed.connect(update)
        editor.saved.connect(self._sale_saved)

    def _sale_saved(self, invoice_id: int, _message: str = "") -> None:
        """Issued and paid on the spot: thank the customer; issued only: its total."""
        def shown(inv) -> None:
            if inv.status == "paid":
                self.display.thank_you()
            else:
                self._show_record(inv)
        self.worker.submit(load_invoice_lines, invoice_id, on_done=shown)

    def _show_record(self, inv) -> None:
        self.display.show_lines([(l.description, l.quantity, l.amount) for l in inv.lines],
                                inv.amount_due or inv.total, inv.currency)

    def follow_dialog(self, dialog) -> None:
        dialog.qr_shown.connect(self._qr_shown)
        dialog.paid.connect(self._paid)
        dialog.ended.connect(self._ended)

    def _qr_shown(self, payload: str, amount: int, currency: str) -> None:
        self.display.show_qr(payload, amount, currency)

    def _paid(self, _invoice, _receipt) -> None:
        self.display.thank_you()

    def _ended(self, _status: str) -> None:
        self.display.back_to_sale()

    def show_invoice(self, invoice_id: int) -> None:
        self.worker.submit(load_invoice_lines, invoice_id, on_done=self._show_record)


class DisplayController(QObject):
    """The display as Settings chose it: opened on its screen, closed when "Off";
    `follow_editor`/`follow_detail` hook it to the sale screens as they are built."""

    def __init__(self, worker, bus, screen: int = -1, parent=None):
        super().__init__(parent)
        self.worker, self.bus = worker, bus
        self.display: CustomerDisplay | None = None
        self.follower: DisplayFollower | None = None
        self._editors: list = []
        self._details: list = []
        self.set_screen(screen)

    def set_screen(self, index: int) -> None:
        if index < 0:
            if self.display is not None:
                self.display.close()
                self.display.deleteLater()
            self.display = self.follower = None
            return
        if self.display is None:
            self.display = CustomerDisplay()
            self.follower = DisplayFollower(self.display, self.worker, self.bus, self.display)
            for editor in self._editors:
                self.follower.follow_editor(editor)
        self.display.place_on_screen(index)

    def follow_editor(self, editor) -> None:
        self._editors.append(editor)
        if self.follower is not None:
            self.follower.follow_editor(editor)

    def follow_detail(self, detail) -> None:
        """The invoice detail's QR dialog: the QR, then "Terima kasih"."""
        detail.qr_opened.connect(self._dialog_opened)

    def _dialog_opened(self, dialog) -> None:
        if self.follower is not None:
            self.follower.show_invoice(dialog.invoice_id)
            self.follower.follow_dialog(dialog)

    def close(self) -> None:
        self.set_screen(-1)
