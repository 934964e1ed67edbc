"""The invoice's lines: description, quantity, unit price; Enter moves on.

Enter in the last field of the last line adds a new line. A code typed or
scanned (a scanner types the code and Enter) into the code field, or into an
empty line's description, adds that catalogue item as a line.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QGridLayout, QLabel, QLineEdit, QScrollArea, QToolButton,
                               QVBoxLayout, QWidget)

from app.domain.errors import ValidationError
from app.domain.money import format_plain, parse_amount
from app.domain.validation import LineInput
from app.services.items import find_by_code

from app.i18n import _

from ui.common.fmt import money
from ui.common.forms import FieldError, set_invalid
from ui.common.qtcompat import emit


class LineRow:
    def __init__(self, owner: "LinesEditor"):
        self.desc = QLineEdit(placeholderText=_("Description or item code"))
        self.qty = QLineEdit(placeholderText="1")
        self.qty.setMaximumWidth(70)
        self.unit = QLineEdit(placeholderText=_("Unit price"))
        self.unit.setMaximumWidth(140)
        self.amount = QLabel()
        self.amount.setMinimumWidth(120)
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.remove = QToolButton(text="✕")
        self.remove.setToolTip(_("Remove this line (Ctrl+Delete)"))
        self.remove.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.error = FieldError()
        self.item = None  # the catalogue item the line came from (its code and tax rate)
        self.desc.textEdited.connect(self._forget_item)
        for edit in self.fields():
            edit.installEventFilter(owner)
            edit.textChanged.connect(owner._edited)
        self.remove.clicked.connect(lambda: owner.remove_row(self))

    def _forget_item(self, *_a) -> None:
        self.item = None  # typed over: no longer that item

    def fields(self) -> tuple[QLineEdit, QLineEdit, QLineEdit]:
        return (self.desc, self.qty, self.unit)

    def widgets(self):
        return (self.desc, self.qty, self.unit, self.amount, self.remove)

    def is_blank(self) -> bool:
        return not self.desc.text().strip() and not self.unit.text().strip()

    def texts(self) -> tuple[str, str, str]:
        return (self.desc.text(), self.qty.text(), self.unit.text())

    def set_texts(self, texts) -> None:
        for edit, text in zip(self.fields(), texts):
            edit.setText(text)

    def parse(self, currency: str) -> tuple[LineInput | None, dict[str, str]]:
        """The line, and the problems of each of its fields (empty when fine)."""
        problems: dict[str, str] = {}
        desc = self.desc.text().strip()
        if not desc:
            problems["description"] = _("Describe what was sold.")
        qty_text = self.qty.text().strip()
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", qty_text):  # 1.000 is grouping, 1.5 is not
            qty_text = qty_text.replace(".", "")
        qty = 1
        if qty_text:
            if not qty_text.isdigit():
                problems["quantity"] = _("The quantity must be a whole number.")
            else:
                qty = int(qty_text)
                if qty <= 0:
                    problems["quantity"] = _("The quantity must be at least 1.")
                elif qty > 1_000_000:
                    problems["quantity"] = _("The quantity is too large.")
        unit = None
        try:
            unit = parse_amount(self.unit.text(), currency)
            if unit < 0:
                problems["unit_amount"] = _("A unit price cannot be negative.")
        except ValidationError as exc:
            problems["unit_amount"] = (_("Enter the unit price.") if not self.unit.text().strip()
                                       else exc.message)
        if problems:
            return None, problems
        return LineInput(desc, qty, unit, self.item.code if self.item else None), problems


class LinesEditor(QWidget):
    changed = Signal()
    item_missing = Signal(str)
    empty_enter = Signal()  # Enter in the empty code field: nothing more to scan

    def __init__(self, worker, parent=None):
        super().__init__(parent)
        self.worker = worker
        self.currency = "IDR"
        self.rows: list[LineRow] = []
        self.code = QLineEdit(placeholderText=_("Scan or type an item code, then Enter (F4)"))
        self.code.setAccessibleName(_("Item code"))
        self.code_error = FieldError()
        self.code.returnPressed.connect(self._code_entered)
        self.code.textEdited.connect(lambda _t: (set_invalid(self.code, ""),
                                                 self.code_error.show_message("")))
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setVerticalSpacing(2)
        self.headers = [QLabel(f"<b>{t}</b>") for t in (_("Description"), _("Qty"), _("Unit price"),
                                                         _("Amount"))]
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll = scroll
        self.lines_error = FieldError()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.code)
        lay.addWidget(self.code_error)
        lay.addWidget(scroll, 1)
        lay.addWidget(self.lines_error)
        self.add_row(focus=False)

    # -- rows
    def add_row(self, texts=("", "", ""), *, focus: bool = True) -> LineRow:
        row = LineRow(self)
        row.set_texts(texts)
        self.rows.append(row)
        self._relayout()
        if focus:
            row.desc.setFocus()
            self.scroll.ensureWidgetVisible(row.desc)
        self._edited()
        return row

    def remove_row(self, row: LineRow) -> None:
        if row not in self.rows:
            return
        i = self.rows.index(row)
        self.rows.remove(row)
        for w in (*row.widgets(), row.error):
            w.setParent(None)
            w.deleteLater()
        if not self.rows:
            self.add_row(focus=False)
        self._relayout()
        self.rows[min(i, len(self.rows) - 1)].desc.setFocus()
        self._edited()

    def move_row(self, row: LineRow, step: int, field: int = 0) -> None:
        i = self.rows.index(row)
        j = i + step
        if not 0 <= j < len(self.rows):
            return
        other = self.rows[j]
        a, b = row.texts(), other.texts()
        row.set_texts(b)
        other.set_texts(a)
        row.item, other.item = other.item, row.item
        other.fields()[field].setFocus()

    def _relayout(self) -> None:
        while self.grid.count():
            self.grid.takeAt(0)
        for r in range(self.grid.rowCount()):
            self.grid.setRowStretch(r, 0)
        for col, label in enumerate(self.headers):
            self.grid.addWidget(label, 0, col)
        for i, row in enumerate(self.rows):
            for col, w in enumerate(row.widgets()):
                self.grid.addWidget(w, 1 + 2 * i, col)
                w.show()  # now, so that it can take the focus at once
            self.grid.addWidget(row.error, 2 + 2 * i, 0, 1, 4)
            row.error.setVisible(bool(row.error.text()))
        self.grid.setRowStretch(2 + 2 * len(self.rows), 1)
        self.grid.setColumnStretch(0, 1)
        prev = self.code  # Tab from the code field walks the lines
        for row in self.rows:  # Tab goes along each line, then to the next
            for edit in row.fields():
                if prev is not None:
                    QWidget.setTabOrder(prev, edit)
                prev = edit

    def clear(self) -> None:
        for row in list(self.rows):
            row.item = None
            self.rows.remove(row)
            for w in (*row.widgets(), row.error):
                w.setParent(None)
                w.deleteLater()
        self.add_row(focus=False)
        self.code.clear()
        self.code_error.show_message("")
        self.lines_error.show_message("")

    def set_lines(self, lines, currency: str) -> None:
        self.clear()
        self.currency = currency
        for i, line in enumerate(lines):
            unit = getattr(line, "shelf_unit_amount", None) or line.unit_amount  # as typed
            texts = (line.description, str(line.quantity), format_plain(unit, currency))
            if i == 0:
                self.rows[0].set_texts(texts)
            else:
                self.add_row(texts, focus=False)

    def set_currency(self, currency: str) -> None:
        self.currency = currency
        self._edited()

    # -- keyboard: Enter moves on; Ctrl+Delete removes; Alt+Up/Down reorders
    def eventFilter(self, obj, event) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(obj, event)
        row = next((r for r in self.rows if obj in r.fields()), None)
        if row is None:
            return super().eventFilter(obj, event)
        key, mods = event.key(), event.modifiers()
        field = row.fields().index(obj)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not mods & Qt.KeyboardModifier.AltModifier:
            self._enter(row, field)
            return True
        if key == Qt.Key.Key_Delete and mods & Qt.KeyboardModifier.ControlModifier:
            self.remove_row(row)
            return True
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and mods & Qt.KeyboardModifier.AltModifier:
            self.move_row(row, -1 if key == Qt.Key.Key_Up else 1, field)
            return True
        return super().eventFilter(obj, event)

    def _enter(self, row: LineRow, field: int) -> None:
        text = row.desc.text().strip()
        if field == 0 and text and not row.unit.text().strip() and " " not in text:
            self._lookup(text, row)  # maybe a code: the item fills the line
            return
        self._advance(row, field)

    def _advance(self, row: LineRow, field: int) -> None:
        if field < 2:
            row.fields()[field + 1].setFocus()
            return
        i = self.rows.index(row)
        if i + 1 < len(self.rows):
            self.rows[i + 1].desc.setFocus()
        else:
            self.add_row()

    # -- items by code
    def _lookup(self, code: str, row: LineRow | None) -> None:
        def found(item):
            if item is None:
                if row is None:
                    msg = _("No item has the code {code}.", code=code.strip().upper())
                    set_invalid(self.code, msg)
                    self.code_error.show_message(msg)
                    emit(self.item_missing, code)
                elif row in self.rows:
                    self._advance(row, 0)  # just a one-word description
                return
            self.add_item(item, row)

        def refused(exc):
            msg = getattr(exc, "message", str(exc))
            target = self.code if row is None else row.desc
            set_invalid(target, msg)
            (self.code_error if row is None else row.error).show_message(msg)

        self.worker.submit(_find, code, self.currency, on_done=found, on_error=refused)

    def _code_entered(self) -> None:
        code = self.code.text().strip()
        if not code:
            emit(self.empty_enter)
            return
        self._lookup(code, None)

    def add_item(self, item, row: LineRow | None = None) -> None:
        price = format_plain(item.unit_amount, item.currency)
        filled = [r for r in self.rows if not r.is_blank()]
        last = filled[-1] if filled else None
        same = (row is None and last is not None and last.desc.text() == item.name
                and last.unit.text() == price and (last.qty.text().strip() or "1").isdigit())
        if same:
            qty = int(last.qty.text().strip() or "1") + 1  # same item scanned again
            last.qty.setText(str(qty))
        else:
            target = row if row is not None else next((r for r in self.rows if r.is_blank()), None)
            if target is None:
                target = self.add_row(focus=False)
            # the quantity as text, "1", not a grey placeholder that reads as empty
            target.set_texts((item.name, target.qty.text().strip() or "1", price))
            target.item = item
        if row is not None:
            self.add_row()  # keep scanning into the next line
        else:
            if not self.rows[-1].is_blank():
                self.add_row(focus=False)
            self.code.clear()
            self.code.setFocus()

    # -- values
    def _edited(self, *_a) -> None:
        for row in self.rows:
            line, _p = row.parse(self.currency)
            row.amount.setText(money(line.quantity * line.unit_amount, self.currency) if line else "")
        emit(self.changed)

    def filled_rows(self) -> list[LineRow]:
        return [r for r in self.rows if not r.is_blank()]

    def lines(self) -> tuple[tuple[LineInput, ...], bool]:
        """The lines typed so far (blank rows skipped), and whether all were valid."""
        out, ok = [], True
        for row in self.filled_rows():
            line, problems = row.parse(self.currency)
            if line is None:
                ok = False
            else:
                out.append(line)
        return tuple(out), ok

    def mark(self) -> bool:
        """Mark every invalid field with its reason; True when all lines are valid."""
        ok = True
        for row in self.rows:
            line, problems = (None, {}) if row.is_blank() else row.parse(self.currency)
            for name, edit in zip(("description", "quantity", "unit_amount"), row.fields()):
                set_invalid(edit, problems.get(name, ""))
            row.error.show_message(" ".join(problems.values()))
            ok = ok and not problems
        return ok

    def mark_service(self, field: str, message: str) -> bool:
        """Show a service refusal such as `lines[2].quantity` on that field."""
        if not field.startswith("lines["):
            return False
        index = int(field[6:field.index("]")]) - 1
        rows = self.filled_rows()
        if not 0 <= index < len(rows):
            return False
        name = field.rsplit(".", 1)[-1]
        widget = dict(zip(("description", "quantity", "unit_amount"), rows[index].fields())).get(name)
        if widget is not None:
            set_invalid(widget, message)
        rows[index].error.show_message(message)
        return True


def _find(ctx, code, currency):  # worker thread
    return find_by_code(ctx, code, currency=currency)
