"""The sale screen's grid of favourite items, one tab per category: a tap adds
the item as a line, as a scan of its code would. Favourites and categories are
set in Items (app/services/items.py `list_favourites`)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QScrollArea, QTabWidget, QWidget

from app.i18n import _
from app.services.items import list_favourites

from ui.common.fmt import money
from ui.common.qtcompat import emit

COLUMNS = 2
NAME_CHARS = 18  # longer names end in "…" on the button; the tooltip has them whole


class FavouritesGrid(QTabWidget):
    chosen = Signal(object)  # ItemRecord
    loaded = Signal()

    def __init__(self, worker, parent=None):
        super().__init__(parent)
        self.worker = worker
        self.buttons: dict[str, QPushButton] = {}  # by item code
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName(_("Favourites"))

    def load(self, currency: str) -> None:
        self.worker.submit(list_favourites, currency, key=f"{id(self)}:load",
                           on_done=self._fill, on_error=lambda _e: None)

    def _fill(self, items) -> None:
        while self.count():
            page = self.widget(0)
            self.removeTab(0)
            page.deleteLater()
        self.buttons = {}
        groups: dict[str, list] = {}
        for item in items:
            groups.setdefault(item.category or _("Favourites"), []).append(item)
        if not groups:
            hint = QLabel(_("No favourites yet: tick “Favourite” on an item in Items (Ctrl+3) "
                            "to get a button here."))
            hint.setWordWrap(True)
            hint.setObjectName("muted")
            hint.setAlignment(Qt.AlignmentFlag.AlignTop)
            self.addTab(hint, _("Favourites"))
        for category, members in groups.items():
            host = QWidget()
            grid = QGridLayout(host)
            grid.setContentsMargins(2, 2, 2, 2)
            for i, item in enumerate(members):
                name = item.name if len(item.name) <= NAME_CHARS else \
                    item.name[:NAME_CHARS - 1].rstrip() + "…"
                b = QPushButton(f"{name}\n{money(item.unit_amount, item.currency)}")
                b.setMinimumSize(96, 56)
                b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays in the code field
                b.setToolTip(f"{item.name} · {item.code}")
                b.clicked.connect(lambda _c=False, it=item: emit(self.chosen, it))
                grid.addWidget(b, i // COLUMNS, i % COLUMNS)
                self.buttons[item.code] = b
            grid.setRowStretch(len(members) // COLUMNS + 1, 1)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(host)
            scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.addTab(scroll, category)
        emit(self.loaded)
