"""Sync conflicts: what Plugipay refused, or changed while the till did something
else. Plugipay's state has been taken already; a manager reads each one and
accepts it, or sends a refused sale again ("Retry") once the cause is fixed."""

from __future__ import annotations

import html
import json
from enum import IntEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDialog, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout)

from app.i18n import N_, _, _p, gettext
from app.sync.conflicts import list_conflicts, resolve

from ui.common.changes import Change
from ui.common.fmt import local_dt
from ui.common.forms import Banner, problems_of
from ui.common.qtcompat import emit
from ui.trust.guard import cancelled_text, run_guarded

ID_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_LABELS = {"refused": N_("Refused by Plugipay"), "diverged": N_("Differs from Plugipay"),
               "paid_after_write_off": N_("Paid after write-off")}
RESOLUTIONS = {"accept": N_("accepted"), "retry": N_("sent again")}


def kind_label(kind: str) -> str:
    label = KIND_LABELS.get(kind)
    return gettext(label) if label else kind.replace("_", " ").capitalize()


def resolution_label(resolution: str | None) -> str:
    label = RESOLUTIONS.get(resolution or "")
    return gettext(label) if label else str(resolution or "")


class Cols(IntEnum):
    WHEN = 0
    INVOICE = 1
    KIND = 2
    STATE = 3
    MESSAGE = 4


def load_conflicts(ctx, include_resolved: bool):
    return list_conflicts(ctx, include_resolved=include_resolved)


def resolve_conflict(ctx, conflict_id: int, action: str, note: str):
    return resolve(ctx, conflict_id, action, note)


class ConflictsDialog(QDialog):
    loaded = Signal()

    def __init__(self, worker, bus, sync=None, parent=None):
        super().__init__(parent)
        self.worker, self.bus, self.sync = worker, bus, sync
        self.setWindowTitle(_("Sync conflicts"))
        self.resize(900, 520)
        self.items = []
        self.banner = Banner()
        self.intro = QLabel(_("Plugipay's state has been taken for each of these. Accept to "
                              "mark it dealt with; Retry sends a refused sale again with a new "
                              "key."))
        self.intro.setWordWrap(True)
        self.show_resolved = QCheckBox(_("Show resolved ones too"))
        self.table = QTableWidget(0, len(Cols))
        self.table.setHorizontalHeaderLabels([_("When"), _("Invoice"), _("What"), _("State"),
                                              _("Message")])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(Cols.MESSAGE,
                                                           QHeaderView.ResizeMode.Stretch)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLineEdit()
        self.note.setPlaceholderText(_("Note for the history (what was done about it)"))
        self.note.setAccessibleName(_("Note"))
        self.accept_button = QPushButton(_("Accept Plugipay's state"))
        self.retry_button = QPushButton(_("Retry the refused sale"))
        close = QPushButton(_("Close"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.banner)
        lay.addWidget(self.intro)
        lay.addWidget(self.show_resolved)
        lay.addWidget(self.table, 3)
        lay.addWidget(self.details, 1)
        lay.addLayout(buttons)
        self.show_resolved.toggled.connect(self.refresh)
        self.table.itemSelectionChanged.connect(self._selected)
        self.accept_button.clicked.connect(lambda: self.resolve("accept"))
        self.retry_button.clicked.connect(lambda: self.resolve("retry"))
        close.clicked.connect(self.close)
        bus.changed.connect(self._on_changed)
        self._selected()

    def refresh(self) -> None:
        self.worker.submit(load_conflicts, self.show_resolved.isChecked(),
                           key=f"{id(self)}:load", on_done=self._fill,
                           on_error=lambda e: self.banner.show_message(problems_of(e)[0][1]))

    def _fill(self, items) -> None:
        keep = self.selected()
        self.items = list(items)
        self.table.setRowCount(len(self.items))
        for row, c in enumerate(self.items):
            state = ((_("Open, holding back later changes") if c.blocking
                      else _p("conflict state", "Open"))
                     if c.state == "open" else
                     _("Resolved ({resolution}) by {name}",
                       resolution=resolution_label(c.resolution), name=c.resolved_by))
            values = (local_dt(c.created_at), c.label, kind_label(c.kind), state, c.message)
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, c.id)
                self.table.setItem(row, col, item)
        if self.items:
            ids = [c.id for c in self.items]
            self.table.selectRow(ids.index(keep.id) if keep and keep.id in ids else 0)
        self._selected()
        emit(self.loaded)

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.items):
            return None
        return self.items[rows[0].row()]

    def _selected(self) -> None:
        c = self.selected()
        is_open = c is not None and c.state == "open"
        self.accept_button.setEnabled(is_open)
        self.retry_button.setEnabled(is_open and c.blocking)
        self.retry_button.setToolTip("" if c is None or c.blocking else
                                     _("Only a refused sale that is still held back can be "
                                       "sent again."))
        if c is None:
            self.details.setText(_("No conflicts.") if not self.items else "")
            return
        esc = html.escape
        parts = [f"<b>{esc(c.label)}</b> · {esc(c.operation)} · {esc(c.message)}"]
        if c.local_state:
            parts.append(_("This till: {state}", state=esc(_short(c.local_state))))
        if c.remote_state:
            parts.append(_("Plugipay: {state}", state=esc(_short(c.remote_state))))
        if c.note:
            parts.append(_("Note: {note}", note=esc(c.note)))
        self.details.setText("<br>".join(parts))

    def resolve(self, action: str) -> None:
        c = self.selected()
        if c is None or c.state != "open":
            return
        self.accept_button.setEnabled(False)
        self.retry_button.setEnabled(False)
        def cancelled() -> None:
            self.banner.show_message(cancelled_text("conflict_resolve"), "info")
            self._selected()
        self.approval = run_guarded(self.worker, self, "conflict_resolve", resolve_conflict,
                                    c.id, action, self.note.text(), on_done=self._resolved,
                                    on_error=self._refused, on_cancel=cancelled)

    def _resolved(self, rec) -> None:
        self.note.clear()
        self.banner.show_message(_("Conflict #{id} on {label} resolved ({resolution}).",
                                   id=rec.id, label=rec.label,
                                   resolution=resolution_label(rec.resolution)), "ok")
        self.bus.announce(Change.INVOICES | Change.OUTBOX, self)
        if self.sync is not None and rec.resolution == "retry":
            self.sync.wake()
        self.refresh()

    def _refused(self, exc) -> None:
        self.banner.show_message(_("Refused: {reason}", reason=problems_of(exc)[0][1]), "error")
        self._selected()

    def _on_changed(self, flags: int, source) -> None:
        if source is not self and flags & (Change.INVOICES | Change.OUTBOX) and self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.refresh()


def _short(state: dict) -> str:
    text = json.dumps(state, ensure_ascii=False, default=str)
    return text if len(text) <= 240 else text[:237] + "…"
