"""Importing a CSV statement: what Kasir made of the file (the bank preset its
header names, or a generic mapping; the date format, and the note when day-first
was a guess), a column mapping the cashier can adjust, and the first rows as
they will be imported. Detection and the preview are the core's
(`app.reconcile.csv_detect`); reading the file runs on the database worker."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QVBoxLayout)

from app.i18n import N_, _, gettext
from app.reconcile.csv_detect import preview
from app.reconcile.csv_format import PRESETS, CsvMapping
from app.reconcile.date_formats import AUTO
from app.reconcile.source import Source

from ui.common.fmt import money
from ui.reconcile.tables import _item, _table, short_date

PREVIEW_ROWS = 10
HEADER_BYTES = 200_000  # the header row is looked for in the file's first bytes
PRESET_LABELS = {"bca": "BCA", "mandiri": "Mandiri", "bri": "BRI", "generic": N_("Generic columns")}
DATE_FORMATS = (AUTO, "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")
ROLES = (("date_col", N_("Date column")), ("description_col", N_("Description column")),
         ("amount_col", N_("Amount column")), ("credit_col", N_("Credit column")),
         ("debit_col", N_("Debit column")))


def header_names(data: bytes, header_row: int) -> list[str]:
    """The cells of the header row (1-based), for the column choices."""
    text = data[:HEADER_BYTES].decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    if not lines:
        return []
    line = lines[max(header_row, 1) - 1]
    delim = max((",", ";", "\t", "|"), key=line.count)
    row = next(csv.reader(io.StringIO(line), delimiter=delim), [])
    return [c.strip() for c in row if c.strip()]


def _look(path: str, mapping: CsvMapping | None, header_row: int):
    """On the worker: (preview, header names, header row) for the file, with
    `mapping` or, when None, the one detected."""
    data = Source.from_path(path).head(HEADER_BYTES)
    found = preview(path, PREVIEW_ROWS, mapping)
    row = found.header_row or header_row
    return found, header_names(data, row), row


class ImportDialog(QDialog):
    """`ImportDialog(worker, path)`; after `exec()` is accepted, `mapping()` is the
    mapping to import with. `previewed` is emitted each time the preview is fresh."""

    previewed = Signal()

    def __init__(self, worker, path: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Import {name}", name=Path(path).name))
        self.worker, self.path = worker, path
        self.current: CsvMapping | None = None
        self.header_row = 1
        self.preset = QLabel()
        self.date_note = QLabel()
        self.date_note.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.columns: dict[str, QComboBox] = {}
        form = QFormLayout()
        form.addRow(_("Detected"), self.preset)
        for key, label in ROLES:
            box = QComboBox()
            box.setAccessibleName(gettext(label))
            box.activated.connect(lambda _i: self._adjusted())
            self.columns[key] = box
            form.addRow(gettext(label), box)
        self.date_format = QComboBox()
        self.date_format.setAccessibleName(_("Date format"))
        for fmt in DATE_FORMATS:
            self.date_format.addItem(_("Detect") if fmt == AUTO else fmt, fmt)
        self.date_format.activated.connect(lambda _i: self._adjusted())
        form.addRow(_("Date format"), self.date_format)
        self.table = _table([_("Date"), _("Description"), _("Amount")], 1)
        self.table.setAccessibleName(_("Preview of the first lines"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("&Import"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.date_note)
        lay.addWidget(QLabel(_("The first lines, as they will be imported:")))
        lay.addWidget(self.table, 1)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        self.resize(640, 520)
        self._load(None)

    # ------------------------------------------------------------- the worker

    def _load(self, mapping: CsvMapping | None) -> None:
        self._ok(False)
        self.worker.submit(lambda _ctx: _look(self.path, mapping, self.header_row),
                           on_done=self._shown,
                           on_error=self._failed, key=f"import-preview:{id(self)}")

    def _shown(self, result) -> None:
        found, names, self.header_row = result
        self.current = found.mapping
        label = PRESET_LABELS.get(found.preset, found.preset or "")
        self.preset.setText(gettext(label) if label else _("Your columns"))
        self._fill_columns(names, found.mapping)
        fmt = found.mapping.date_format
        self.date_note.setText(" ".join([_("Dates read as {date_format}.", date_format=fmt)]
                                        + list(found.notes)))
        self.table.setRowCount(0)
        for line in found.lines:
            r = self.table.rowCount()
            self.table.insertRow(r)
            self.table.setItem(r, 0, _item(short_date(line.booked_on)))
            self.table.setItem(r, 1, _item(line.description))
            self.table.setItem(r, 2, _item(money(line.amount, found.mapping.currency)))
        self.error.setText("" if found.lines else _(
            "No statement line can be read with these columns: check the date and amount "
            "columns."))
        self._ok(bool(found.lines))
        self.previewed.emit()

    def _failed(self, exc) -> None:
        self.table.setRowCount(0)
        self.error.setText(getattr(exc, "message", None) or str(exc))
        if not any(b.count() for b in self.columns.values()):
            try:
                self._fill_columns(header_names(Source.from_path(self.path).head(HEADER_BYTES), 1), CsvMapping())
            except OSError:
                pass
        self._ok(False)
        self.previewed.emit()

    # ------------------------------------------------------------- the mapping

    def _fill_columns(self, names: list[str], m: CsvMapping) -> None:
        chosen = {"date_col": m.date_col, "amount_col": m.amount_col,
                  "credit_col": m.credit_col, "debit_col": m.debit_col,
                  "description_col": (m.description_cols or ("",))[0]}
        for key, box in self.columns.items():
            box.clear()
            box.addItem(_("(none)"), "")
            for n in names:
                box.addItem(n, n)
            want = chosen[key]
            i = box.findData(next((n for n in names if n.lower() == want.lower()), want))
            box.setCurrentIndex(max(i, 0))
        i = self.date_format.findData(m.date_format if m.date_format in DATE_FORMATS else AUTO)
        self.date_format.setCurrentIndex(max(i, 0))

    def mapping(self) -> CsvMapping:
        """The mapping as the dialog shows it now."""
        base = self.current or CsvMapping(name="generic")
        if base.name in PRESETS:
            base = replace(base, name="generic")  # adjusted: no longer the bank's own
        col = {k: b.currentData() or "" for k, b in self.columns.items()}
        return replace(base, date_col=col["date_col"],
                       description_cols=(col["description_col"],) if col["description_col"] else (),
                       amount_col=col["amount_col"], credit_col=col["credit_col"],
                       debit_col=col["debit_col"], date_format=self.date_format.currentData())

    def _adjusted(self) -> None:
        self._load(self.mapping())

    def _ok(self, on: bool) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(on)
