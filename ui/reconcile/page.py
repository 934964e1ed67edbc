"""Bank reconciliation: statement credits on the left, suggestions for the
selected one on the right, unpaid invoices below. Enter confirms the selected
suggestion (the best one when the focus is on the lines); Ctrl+Shift+A
auto-matches; Ctrl+I imports a statement. All database work goes through the
worker; the page refreshes from what an action says it changed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFileDialog, QHBoxLayout, QLabel,
                               QPushButton, QSpinBox, QSplitter, QVBoxLayout, QWidget)

from app.i18n import _, _n
from app.reconcile.csv_format import CsvMapping
from app.reconcile.importer import detect_format, get_mapping, import_statement
from app.reconcile.source import Source
from app.reconcile.matching import HIGH
from app.reconcile.report import page_state
from app.reconcile.service import auto_match, confirm
from app.reconcile.undo import undo_match

from ui.common.changes import INVOICE_ACTION, Change
from ui.common.fmt import money
from ui.common.forms import Banner, shortcut
from ui.common.qtcompat import emit
from ui.reconcile.import_dialog import ImportDialog
from ui.reconcile.tables import (ID_ROLE, LineCols, SuggestionCols, UndoDialog, UnpaidCols, _item,
                                 _table, flag_label, short_date)
from ui.trust.guard import cancelled_text, run_guarded

BANK_MAPPINGS = ("bca", "mandiri", "bri")  # the CSV mappings Kasir ships (names, not text)


class ReconcilePage(QWidget):
    """A standalone screen: `ReconcilePage(worker, bus)`; `refresh()` loads it."""

    loaded = Signal()  # the data on screen is fresh
    confirmed = Signal(int)  # a line was matched

    def __init__(self, worker, bus, parent=None):
        super().__init__(parent)
        self.worker, self.bus = worker, bus
        self.state: dict = {"lines": [], "suggestions": {}, "unpaid": [], "unpaidCount": 0}
        self._dirty = True
        self.banner = Banner()
        self.mapping = QComboBox()
        self.mapping.setAccessibleName(_("CSV mapping"))
        self.mapping.addItems(list(BANK_MAPPINGS))
        self.mapping.setEditable(True)
        self.import_button = QPushButton(_("&Import statement…"))
        self.import_button.clicked.connect(self.choose_file)
        self.level = QSpinBox()
        self.level.setRange(HIGH, 100)
        self.level.setValue(90)
        self.level.setSuffix(" %")
        self.level.setAccessibleName(_("Auto-match confidence"))
        self.auto_button = QPushButton(_("&Auto-match"))
        self.auto_button.clicked.connect(self.auto_match)
        self.show_matched = QCheckBox(_("Show &matched"))
        self.show_matched.toggled.connect(lambda _on: self.refresh())
        self.undo_button = QPushButton(_("&Undo match…"))
        self.undo_button.clicked.connect(self.ask_undo)
        self.confirm_button = QPushButton(_("&Confirm"))
        self.confirm_button.clicked.connect(self.confirm_selected)
        bar = QHBoxLayout()
        for w in (self.import_button, QLabel(_("CSV mapping")), self.mapping,
                  QLabel(_("Auto at")),
                  self.level, self.auto_button, self.show_matched, self.undo_button):
            bar.addWidget(w)
        bar.addStretch(1)

        self.lines = _table([_("Date"), _("Amount"), _("Description"), _("Status")],
                            LineCols.DESCRIPTION)
        self.lines.setAccessibleName(_("Statement credits"))
        self.lines.setColumnWidth(LineCols.DATE, 110)
        self.lines.setColumnWidth(LineCols.AMOUNT, 120)
        self.lines.setColumnWidth(LineCols.STATE, 115)
        self.lines.itemSelectionChanged.connect(self._show_suggestions)
        self.suggestions = _table([_("Confidence"), _("Invoices"), _("Due"), _("Difference"),
                                   _("Why")],
                                  SuggestionCols.REASONS)
        self.suggestions.setAccessibleName(_("Suggestions"))
        self.suggestions.itemSelectionChanged.connect(self._show_reasons)
        self.note = QLabel()
        self.note.setWordWrap(True)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.suggestions)
        rl.addWidget(self.note)
        rl.addWidget(self.confirm_button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.lines)
        split.addWidget(right)
        split.setSizes([560, 640])
        self.unpaid_label = QLabel(_("Unpaid invoices"))
        self.unpaid = _table([_("Invoice"), _("Customer"), _("Due"), _("Amount due")],
                             UnpaidCols.CUSTOMER)
        self.unpaid.setAccessibleName(_("Unpaid invoices"))
        self.unpaid.setColumnWidth(UnpaidCols.DUE_DATE, 160)
        self.unpaid.setColumnWidth(UnpaidCols.AMOUNT_DUE, 140)
        for col, width in ((SuggestionCols.CONFIDENCE, 85), (SuggestionCols.INVOICES, 150),
                           (SuggestionCols.DUE, 110), (SuggestionCols.DIFFERENCE, 110)):
            self.suggestions.setColumnWidth(col, width)
        vsplit = QSplitter(Qt.Orientation.Vertical)
        vsplit.addWidget(split)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.unpaid_label)
        bl.addWidget(self.unpaid)
        vsplit.addWidget(bottom)
        lay = QVBoxLayout(self)
        lay.addWidget(self.banner)
        lay.addLayout(bar)
        lay.addWidget(vsplit, 1)

        for table in (self.lines, self.suggestions):
            shortcut(table, "Return", self.confirm_selected)
            shortcut(table, "Enter", self.confirm_selected)
        shortcut(self.lines, "Right", lambda: self.suggestions.setFocus())
        shortcut(self.suggestions, "Left", lambda: self.lines.setFocus())
        shortcut(self, "Ctrl+Shift+A", self.auto_match)
        shortcut(self, "Ctrl+I", self.choose_file)
        bus.changed.connect(self._on_changed)

    # ------------------------------------------------------------- loading

    def showEvent(self, event):  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def _on_changed(self, flags: int, source) -> None:
        if source is self or not flags & int(Change.INVOICES):
            return
        self._dirty = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        self._dirty = False
        self.worker.submit(page_state, self.show_matched.isChecked(), key="reconcile-page",
                           on_done=self._loaded, on_error=self._error)

    def _loaded(self, state: dict) -> None:
        keep = self.selected_line_id()
        self.state = state
        self.lines.setRowCount(len(state["lines"]))
        select_row = 0
        for row, l in enumerate(state["lines"]):
            r = state["suggestions"].get(l.id)
            status = _("Matched") if l.state == "matched" else flag_label(
                r.flag if r else "") or (f"{r.best.confidence} %" if r and r.best else "")
            self.lines.setItem(row, LineCols.DATE, _item(short_date(l.booked_on), l.id))
            self.lines.setItem(row, LineCols.AMOUNT, _item(money(l.amount, l.currency),
                                                           right=True))
            self.lines.setItem(row, LineCols.DESCRIPTION, _item(l.description))
            self.lines.setItem(row, LineCols.STATE, _item(status))
            if l.id == keep:
                select_row = row
        self.unpaid.setRowCount(len(state["unpaid"]))
        for row, u in enumerate(state["unpaid"]):
            self.unpaid.setItem(row, UnpaidCols.NUMBER, _item(u["number"] or u["invoiceId"],
                                                               u["invoiceId"]))
            self.unpaid.setItem(row, UnpaidCols.CUSTOMER, _item(u["customer"]))
            self.unpaid.setItem(row, UnpaidCols.DUE_DATE,
                                _item(short_date(u["dueOn"])
                                      + ("  " + _("past due") if u["pastDue"] else "")))
            self.unpaid.setItem(row, UnpaidCols.AMOUNT_DUE,
                                _item(money(u["amountDue"], u["currency"]), right=True))
        self.unpaid_label.setText(_("Unpaid invoices ({count})", count=state["unpaidCount"]))
        if state["lines"]:
            self.lines.selectRow(select_row)
        else:
            self.suggestions.setRowCount(0)
            self.note.setText(_("No statement credits waiting. Import a statement (Ctrl+I)."))
        emit(self.loaded)

    def _error(self, exc) -> None:
        self.banner.show_message(getattr(exc, "message", None) or str(exc), "error")

    # ------------------------------------------------------------- selection

    def selected_line_id(self) -> int | None:
        rows = self.lines.selectionModel().selectedRows() if self.lines.selectionModel() else []
        if not rows:
            return None
        return self.lines.item(rows[0].row(), LineCols.DATE).data(ID_ROLE)

    def _line(self, line_id):
        return next((l for l in self.state["lines"] if l.id == line_id), None)

    def _show_suggestions(self) -> None:
        line_id = self.selected_line_id()
        r = self.state["suggestions"].get(line_id)
        line = self._line(line_id)
        items = r.suggestions if r else ()
        self.suggestions.setRowCount(len(items))
        for row, s in enumerate(items):
            cur = line.currency if line else "IDR"
            self.suggestions.setItem(row, SuggestionCols.CONFIDENCE,
                                     _item(f"{s.confidence} %", row, right=True))
            self.suggestions.setItem(row, SuggestionCols.INVOICES,
                                     _item(", ".join(self._number(i) for i in s.invoice_ids)))
            self.suggestions.setItem(row, SuggestionCols.DUE, _item(money(s.amount_due, cur),
                                                                    right=True))
            self.suggestions.setItem(row, SuggestionCols.DIFFERENCE,
                                     _item(money(s.difference, cur) if s.difference else _("exact"),
                                           right=True))
            self.suggestions.setItem(row, SuggestionCols.REASONS, _item("; ".join(s.reasons)))
        if items:
            self.suggestions.selectRow(0)
        if line is not None and line.state == "matched":
            self.note.setText(_("Matched to {invoices}.",
                                invoices=", ".join(map(self._number, line.invoice_ids))))
        else:
            self.note.setText(r.note if r else "")
        self.confirm_button.setEnabled(bool(items) and bool(r and r.best.exact))

    def _show_reasons(self) -> None:
        r = self.state["suggestions"].get(self.selected_line_id())
        s = self.selected_suggestion()
        if r is None or s is None:
            return
        self.note.setText("\n".join(x for x in (r.note, _("Why: {reasons}",
                                                             reasons="; ".join(s.reasons))) if x))

    def _number(self, invoice_id: int) -> str:
        for u in self.state["unpaid"]:
            if u["invoiceId"] == invoice_id:
                return u["number"] or str(invoice_id)
        return f"#{invoice_id}"

    def selected_suggestion(self):
        r = self.state["suggestions"].get(self.selected_line_id())
        if not r or not r.suggestions:
            return None
        rows = self.suggestions.selectionModel().selectedRows()
        row = rows[0].row() if rows else 0
        return r.suggestions[min(row, len(r.suggestions) - 1)]

    # ------------------------------------------------------------- actions

    def confirm_selected(self) -> None:
        line_id, s = self.selected_line_id(), self.selected_suggestion()
        if line_id is None or s is None:
            self.banner.show_message(_("Choose a statement line with a suggestion first."), "info")
            return
        if not s.exact:
            self.banner.show_message(_("This transfer does not pay exactly what is due: it is "
                                       "left for a person to settle, not confirmed."), "error")
            return
        ids, level = list(s.invoice_ids), s.confidence
        self.worker.submit(lambda ctx: confirm(ctx, line_id, ids, confidence=level),
                           on_done=lambda made: self._confirmed(line_id, made),
                           on_error=self._error)

    def _confirmed(self, line_id, made) -> None:
        self.banner.show_message(_("Paid {invoices}.", invoices=", ".join(
            _("{invoice} (receipt {receipt})", invoice=m.invoice_number, receipt=m.receipt_number)
            for m in made)), "ok")
        self.bus.announce(INVOICE_ACTION, self)
        emit(self.confirmed, line_id)
        self.refresh()

    def auto_match(self) -> None:
        self.worker.submit(auto_match, self.level.value(), on_done=self._auto_done,
                           on_error=self._error)

    def _auto_done(self, outcomes) -> None:
        done = [o for o in outcomes if o.confirmed]
        text = _n("Auto-matched {done} of {n} credit", "Auto-matched {done} of {n} credits",
                  len(outcomes), done=len(done))
        if done:
            text += ": " + "; ".join(_("line {line} → {invoices} ({confidence} %)", line=o.line_id,
                                       invoices=", ".join(map(self._number, o.invoice_ids)),
                                       confidence=o.confidence) for o in done[:10])
        self.banner.show_message(text + ".", "ok" if done else "info")
        if done:
            self.bus.announce(INVOICE_ACTION, self)
        self.refresh()

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Import a bank statement"), "",
            _("Statements (*.csv *.txt *.ofx *.qfx *.sta *.940);;All files (*)"))
        if path and Path(path).suffix.lower() == ".csv":
            self.ask_mapping(path)
        elif path:
            self.import_file(path)

    def ask_mapping(self, path: str) -> ImportDialog:
        """A CSV file: show what was detected, let the mapping be adjusted, preview, import."""
        dlg = self.import_dialog = ImportDialog(self.worker, path, self)
        dlg.accepted.connect(lambda: self.import_file(path, dlg.mapping()))
        dlg.open()
        return dlg

    def import_file(self, path: str, mapping: str | CsvMapping | None = None) -> None:
        """Import with a mapping (a saved or preset name, or one from the import dialog)."""
        name = mapping if isinstance(mapping, CsvMapping) else \
            (mapping or self.mapping.currentText()).strip()

        def task(ctx, path=path, name=name):
            source = Source.from_path(path)  # streamed by the import, never read whole
            fmt = detect_format(path, source.head(4096))
            m = (name if isinstance(name, CsvMapping) else get_mapping(ctx, name)) \
                if fmt == "csv" else None
            return import_statement(ctx, source, fmt, mapping=m, filename=Path(path).name)

        self.worker.submit(task, on_done=self._imported, on_error=self._error)

    def _imported(self, result) -> None:
        self.banner.show_message(
            _n("Imported {n} new line (credits {credits}); {skipped} already known.",
               "Imported {n} new lines (credits {credits}); {skipped} already known.",
               result.added, credits=result.credits, skipped=result.skipped), "ok")
        self.refresh()

    def ask_undo(self) -> None:
        line_id = self.selected_line_id()
        line = self._line(line_id)
        if line is None or line.state != "matched":
            self.banner.show_message(_("Choose a matched line (tick Show matched) to undo."),
                                     "info")
            return
        dlg = UndoDialog(line_id, self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self.undo(line_id, dlg.manager.text(), dlg.reason.text())

    def undo(self, line_id: int, manager: str, reason: str) -> None:
        self.approval = run_guarded(
            self.worker, self, "reconcile_undo", undo_match, line_id, manager, reason,
            on_error=self._error, on_done=lambda made: self._undone(made),
            on_cancel=lambda: self.banner.show_message(cancelled_text("reconcile_undo"), "info"))

    def _undone(self, made) -> None:
        self.banner.show_message(_("Undone: {invoices} unpaid again.",
                                   invoices=", ".join(m.invoice_number for m in made)), "ok")
        self.bus.announce(INVOICE_ACTION, self)
        self.refresh()
