"""A table model over keyset pages, fetched on demand through the DB worker.

Only the pages the view scrolls to are read: `fetchMore` asks the worker for
the next page after the last id it holds, and rows are appended when it
arrives. `rows_read` counts the records received, so tests can prove it.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal

from app.i18n import _, gettext

from ui.common.qtcompat import emit

ID_ROLE = Qt.ItemDataRole.UserRole + 1
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2


class PagedModel(QAbstractTableModel):
    """Subclasses give `Columns`, `headers`, `display(record, column)`, `page_args()`
    and `page(ctx, after, limit, args)`."""

    Columns: type[IntEnum]
    headers: dict[int, str] = {}
    page_size = 100

    loaded = Signal()  # a page arrived (first page after a reset, or a later one)
    failed = Signal(str)

    def __init__(self, worker, parent=None):
        super().__init__(parent)
        self.worker = worker
        self._rows: list = []
        self._cursor: int | None = None
        self._more = False  # nothing is fetched until reload() (the filters are known)
        self._busy = False
        self._generation = 0
        self.rows_read = 0
        self.pages_read = 0
        self.first_page_done = False

    # -- what subclasses fill in
    def page_args(self):
        """The filters, read on the UI thread and handed to `page` with the request."""
        return None

    def page(self, ctx, after: int | None, limit: int, args):  # worker thread
        raise NotImplementedError

    def display(self, record, column: int) -> Any:
        raise NotImplementedError

    def extra_data(self, record, column: int, role) -> Any:
        return None

    # -- Qt model interface
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.Columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return gettext(self.headers.get(section, ""))  # N_() marked by each list
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        rec = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(rec, index.column())
        if role == ID_ROLE:
            return rec.id
        if role == RECORD_ROLE:
            return rec
        return self.extra_data(rec, index.column(), role)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and self._more and not self._busy

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid() or not self._more or self._busy:
            return
        self._request(self._cursor, replace=False)

    def reload(self) -> None:
        """Fetch the first page again (filters or data changed); the rows shown stay
        until it arrives, then are replaced at once, so the list does not flicker."""
        self._request(None, replace=True)

    def _request(self, after, *, replace: bool) -> None:
        self._generation += 1
        self._busy = True
        gen = self._generation
        self.worker.submit(self._fetch_page, after, self.page_args(), key=f"{id(self)}:page",
                           on_done=lambda page: self._arrived(gen, page, replace),
                           on_error=lambda exc: self._fail(gen, exc))

    def _fetch_page(self, ctx, after, args):
        return self.page(ctx, after, self.page_size, args)

    def _arrived(self, gen: int, page, replace: bool) -> None:
        if gen != self._generation:
            return
        self._busy = False
        self.pages_read += 1
        self.rows_read += len(page.items)
        if replace:
            self.beginResetModel()
            self._rows = list(page.items)
            self.endResetModel()
        elif page.items:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page.items) - 1)
            self._rows.extend(page.items)
            self.endInsertRows()
        self._cursor = page.next_cursor
        self._more = page.next_cursor is not None
        self.first_page_done = True
        emit(self.loaded)

    def _fail(self, gen: int, exc) -> None:
        if gen != self._generation:
            return
        self._busy = False
        self._more = False
        emit(self.failed, getattr(exc, "message", None)
             or _("Could not read the list: {error}", error=exc))

    # -- helpers for views
    def record(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, record_id: int) -> int:
        for i, rec in enumerate(self._rows):
            if rec.id == record_id:
                return i
        return -1

    def is_loading(self) -> bool:
        return self._busy
