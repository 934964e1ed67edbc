"""Pick a customer by typing: matches appear below the field; Up/Down and Enter pick."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLineEdit, QListWidget, QListWidgetItem,
                               QPushButton, QVBoxLayout, QWidget)

from app.i18n import _

from ui.common.qtcompat import emit

MATCHES = 8


def _search(ctx, text):  # worker thread
    # on the DB worker: the store stays off the start-up path
    from app.services.customers import list_customers

    return list_customers(ctx, text, limit=MATCHES).items


class CustomerPicker(QWidget):
    picked = Signal(object)  # CustomerRecord, or None when cleared
    create_requested = Signal(str)  # the typed name, for an inline "new customer"

    def __init__(self, worker, *, allow_create: bool = True, placeholder: str | None = None,
                 parent=None):
        super().__init__(parent)
        self.worker = worker
        self.customer = None
        self.next_focus: QWidget | None = None  # where Enter goes once a customer is picked
        self.edit = QLineEdit(placeholderText=_("Customer") if placeholder is None else placeholder)
        self.edit.setClearButtonEnabled(True)
        self.edit.setAccessibleName(_("Customer"))
        self.matches = QListWidget()
        self.matches.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.matches.setMaximumHeight(150)
        self.matches.hide()
        self.new_button = QPushButton(_("New customer (Ctrl+Shift+C)"))
        self.new_button.setVisible(allow_create)
        self.new_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.new_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addLayout(row)
        lay.addWidget(self.matches)
        self.setFocusProxy(self.edit)

        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self._lookup)
        self.edit.textEdited.connect(self._typed)
        self.edit.installEventFilter(self)
        self.matches.itemClicked.connect(lambda item: self.pick(item.data(Qt.ItemDataRole.UserRole)))
        self.new_button.clicked.connect(lambda: emit(self.create_requested, self.edit.text().strip()))

    def _typed(self, text: str) -> None:
        if self.customer is not None:
            self.customer = None
            emit(self.picked, None)
        if not text.strip():
            self.matches.clear()
            self.matches.hide()
            self._debounce.stop()
            return
        self._debounce.start()

    def _lookup(self) -> None:
        self.worker.submit(_search, self.edit.text(), key=f"{id(self)}:search",
                           on_done=self._show_matches, on_error=lambda _e: None)

    def _show_matches(self, records) -> None:
        self.matches.clear()
        if self.customer is not None:
            return
        for rec in records:
            extra = " · ".join(x for x in (rec.phone, rec.email) if x)
            item = QListWidgetItem(rec.name + (f"   ({extra})" if extra else ""))
            item.setData(Qt.ItemDataRole.UserRole, rec)
            self.matches.addItem(item)
        if records:
            self.matches.setCurrentRow(0)
        self.matches.setVisible(bool(records) and self.edit.text().strip() != "")

    def pending(self) -> bool:
        """True while a typed search has not come back (tests wait on this)."""
        return self._debounce.isActive()

    def pick(self, rec, *, move_on: bool = True) -> None:
        self.customer = rec
        self.edit.setText(rec.name if rec else "")
        self.matches.clear()
        self.matches.hide()
        emit(self.picked, rec)
        if move_on and rec is not None and self.window().focusWidget() is self.edit:
            self._move_on()

    def _move_on(self) -> None:
        if self.next_focus is not None:
            self.next_focus.setFocus()
        else:
            self.edit.focusNextChild()

    def clear(self) -> None:
        self.customer = None
        self.edit.clear()
        self.matches.clear()
        self.matches.hide()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.edit and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.matches.count():
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.matches.count() - 1, self.matches.currentRow() + step))
                self.matches.setCurrentRow(row)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                item = self.matches.currentItem() if self.matches.isVisible() else None
                if item is not None:
                    self.pick(item.data(Qt.ItemDataRole.UserRole))
                    return True
                if self.customer is not None:
                    self._move_on()
                    return True
            if key == Qt.Key.Key_Escape and self.matches.isVisible():
                self.matches.hide()
                return True
        return super().eventFilter(obj, event)
