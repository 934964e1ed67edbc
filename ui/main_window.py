"""The main window: navigation, the invoice screens, and a status bar with the
till, the operator, online/offline, what waits to sync, sync conflicts and the
print queue."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QMainWindow, QPushButton,
                               QStackedWidget, QStyle, QVBoxLayout, QWidget)

from app.i18n import N_, _, _n, gettext

from ui.common.changes import Change
from ui.common.fmt import local_dt
from ui.common.forms import shortcut
from ui.common.qsettings import app_settings
from ui.common.qtcompat import emit
from ui.common.touch import apply_touch, touch_enabled
from ui.display.customer_display import DisplayController
from ui.display.settings import chosen_screen
from ui.invoices.list import InvoiceListModel, InvoiceListPage, make_table
from ui.printing.status import PrintIndicator
from ui.sync.progress import SyncProgressBar

PAGES = (N_("Invoices"), N_("Customers"), N_("Items"), N_("Settings"), N_("Reconcile"),
         N_("Close shift"))
PAGE_KEYS = ("invoices", "customers", "items", "settings", "reconcile", "shift")
# Qt's own icons: nothing to ship or fetch, and they follow the desktop's theme.
PAGE_ICONS = (QStyle.StandardPixmap.SP_FileDialogDetailedView,
              QStyle.StandardPixmap.SP_DirHomeIcon,
              QStyle.StandardPixmap.SP_FileDialogListView,
              QStyle.StandardPixmap.SP_FileDialogInfoView,
              QStyle.StandardPixmap.SP_BrowserReload,
              QStyle.StandardPixmap.SP_DialogSaveButton)


class MainWindow(QMainWindow):
    first_page_shown = Signal()

    def __init__(self, worker, bus, *, operator: str, till: str, db_label: str = "",
                 settings: QSettings | None = None, printing=None, sync=None, parent=None):
        super().__init__(parent)
        self.worker, self.bus = worker, bus
        self.printing, self.sync = printing, sync  # PrintQueue, SyncBridge (or None)
        self.conflicts_dialog = None
        self.settings = app_settings(settings)
        self.till, self.operator = till, operator
        self.setWindowTitle(_("Kasir — {till}", till=till))
        self._first_page = False
        self.default_currency = "IDR"  # the shop's, once read
        # Issue 16: the customer display, on the screen Settings chose (off by default).
        self.customer_display = DisplayController(worker, bus, chosen_screen(self.settings),
                                                  self)

        self.nav = QListWidget()
        for i, _page in enumerate(PAGES):
            self.nav.addItem("")
            self.nav.item(i).setIcon(self.style().standardIcon(PAGE_ICONS[i]))
        self._name_pages()
        self.nav.setFixedWidth(170)
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        # Only the list is built at start-up; other screens on first use.
        self._db_label = db_label
        self._built: dict[str, QWidget] = {}
        self.invoice_list = InvoiceListPage(worker, bus, self.settings)
        self.invoices = QStackedWidget()
        self.invoices.addWidget(self.invoice_list)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.invoices)
        self._slots = [QWidget() for _ in PAGES[1:]]  # placeholders until first shown
        for w in self._slots:
            self.pages.addWidget(w)

        self.shop_label = QLabel()  # the shop's name, once read
        self.shop_label.setStyleSheet("font-size:18px; font-weight:700; padding:2px 4px;")
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(self.shop_label)
        lay = QHBoxLayout()
        lay.addWidget(self.nav)
        lay.addWidget(self.pages, 1)
        outer.addLayout(lay, 1)
        self.setCentralWidget(central)

        self.till_label = QLabel()
        self.operator_label = QLabel()
        self.online_label = QLabel()
        self.pending_label = QLabel()
        self.backup_label = QLabel()  # "Backed up 14:02", once a backup was taken
        self.sync_label = QPushButton()
        self.sync_label.setFlat(True)
        self.sync_label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.conflicts_button = QPushButton()
        self.conflicts_button.setFlat(True)
        self.conflicts_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.conflicts_button.setStyleSheet("color:#991B1B; font-weight:600;")
        self.conflicts_button.hide()
        self.conflicts_button.clicked.connect(self.open_conflicts)
        self.sync_label.clicked.connect(self.sync_now)
        bar = [self.till_label, self.operator_label, self.online_label, self.pending_label,
               self.sync_label, self.conflicts_button, self.backup_label]
        self.print_indicator = None
        if printing is not None:
            self.print_indicator = PrintIndicator(printing)
            bar.append(self.print_indicator)
        for w in bar:
            self.statusBar().addPermanentWidget(w)
        self._name_status()
        self.set_pending(0)
        self.sync_progress = None
        if sync is not None:
            self.sync_progress = SyncProgressBar(sync)
            self.statusBar().addPermanentWidget(self.sync_progress)
            sync.status_changed.connect(self.show_sync_status)
            sync.connection_changed.connect(self.show_sync_status)

        self.nav.currentRowChanged.connect(self.show_page)
        self._connect_list()
        self.worker.error.connect(lambda exc: self.statusBar().showMessage(str(exc), 10_000))
        bus.changed.connect(self._on_changed)

        shortcut(self, "Ctrl+N", self.new_invoice, window=True)
        for i in range(len(PAGES)):
            shortcut(self, f"Ctrl+{i + 1}", lambda i=i: self.nav.setCurrentRow(i), window=True)
        self.nav.setCurrentRow(0)
        self._restore_geometry()
        self.apply_touch(touch_enabled(self.settings))

    @property
    def _facts(self) -> dict[str, str]:
        return {_("Till"): self.till, _("Operator"): self.operator,
                _("Database"): self._db_label or _("default")}

    def _name_pages(self) -> None:
        for i, name in enumerate(PAGES):
            self.nav.item(i).setText(_("{page}   Ctrl+{number}", page=gettext(name), number=i + 1))

    def _name_status(self) -> None:
        self.till_label.setText(_("Till {till}", till=self.till))
        self.operator_label.setText(_("Operator {operator}", operator=self.operator))
        self.sync_label.setText(_("Sync: not connected"))
        self.sync_label.setToolTip(_("Click to sync now"))
        self.set_online(getattr(self, "online", False))
        if self.sync is not None and self.sync.status is not None:
            self.show_sync_status()

    def _connect_list(self) -> None:
        self.invoice_list.new_invoice.connect(self.new_invoice)
        self.invoice_list.open_invoice.connect(self.open_invoice)
        self.invoice_list.model.loaded.connect(self._list_loaded)
        shortcut(self.invoice_list, "Ctrl+F", self.invoice_list.focus_search)

    # -- the language changed (Settings): every screen again, in the new language
    def retranslate(self) -> None:
        """Rebuild the screens in the current language. The list keeps its filters
        (they are saved and read back); a draft being edited is kept as it is
        and takes the new language when it is next opened."""
        current = self.nav.currentRow()
        self.setWindowTitle(_("Kasir — {till}", till=self.till))
        self._name_pages()
        self._name_status()
        self.set_pending(self.pending)
        keep = "editor" if self._editor_busy() else None
        self.invoice_list.apply_filters()  # saves the filters for the new list
        old_list = self.invoice_list
        self.invoice_list = InvoiceListPage(self.worker, self.bus, self.settings)
        self.invoices.insertWidget(0, self.invoice_list)
        self.invoices.removeWidget(old_list)
        old_list.deleteLater()
        self._connect_list()
        for name in [n for n in self._built if n != keep]:
            w = self._built.pop(name)
            if name in ("editor", "detail"):
                self.invoices.removeWidget(w)
            else:
                index = PAGE_KEYS.index(name)
                slot = QWidget()
                self._slots[index - 1] = slot
                self.pages.insertWidget(index, slot)
                self.pages.removeWidget(w)
            w.deleteLater()
        if self.conflicts_dialog is not None:
            self.conflicts_dialog.close()
            self.conflicts_dialog.deleteLater()
            self.conflicts_dialog = None
        if self.print_indicator is not None:
            self.print_indicator.retranslate()
        if getattr(self, "trust", None) is not None:
            self.trust.retranslate()
        self.invoices.setCurrentWidget(self.invoice_list)
        self.show_page(current)
        self.invoice_list.start()

    def _editor_busy(self) -> bool:
        editor = self._built.get("editor")
        return editor is not None and bool(getattr(editor, "has_unsaved_work", lambda: False)())

    # -- screens, built on first use
    def _build(self, name: str) -> QWidget:
        w = self._built.get(name)
        if w is not None:
            return w
        worker, bus = self.worker, self.bus
        # Each screen's module is imported here, on first use: only the list is before the first paint.
        if name == "editor":
            from ui.invoices.editor import InvoiceEditor
            w = InvoiceEditor(worker, bus, self.printing)
            self.customer_display.follow_editor(w)
            w.closed.connect(self.back_to_list)
            w.saved.connect(lambda inv_id, msg: self.open_invoice(inv_id, msg))
            w.qr_reason = self._qr_reason
            w.collect_qr.connect(self.collect_by_qr)
            self.invoices.addWidget(w)
        elif name == "detail":
            from ui.invoices.detail import InvoiceDetail
            w = InvoiceDetail(worker, bus, self.printing, self.sync)
            self.customer_display.follow_detail(w)
            w.closed.connect(self.back_to_list)
            w.edit_requested.connect(self.edit_invoice)
            self.invoices.addWidget(w)
        else:
            if name == "customers":
                from ui.catalog.customers import CustomersPage
                w = CustomersPage(worker, bus,
                                  lambda parent: make_table(InvoiceListModel(worker, parent), parent))
                w.open_invoice.connect(self.open_invoice)
            elif name == "items":
                from ui.catalog.items import ItemsPage
                w = ItemsPage(worker, bus)
            elif name == "reconcile":
                from ui.reconcile.page import ReconcilePage
                w = ReconcilePage(worker, bus)
            elif name == "shift":
                from ui.reconcile.shift_page import ShiftPage
                w = ShiftPage(worker, bus, self.printing)
            else:
                from ui.settings_page import SettingsPage
                w = SettingsPage(worker, bus, self._facts, printing=self.printing,
                                 sync=self.sync, open_conflicts=self.open_conflicts,
                                 qsettings=self.settings)
                w.language.changed.connect(lambda _lang: self.retranslate())
                w.counter.touch_changed.connect(self.apply_touch)
                w.display.changed.connect(self.customer_display.set_screen)
                if getattr(self, "trust", None) is not None:
                    self.trust.extend_settings(w)  # staff, lock, till, backups (ui/setup/wiring.py)
            index = PAGE_KEYS.index(name)
            slot = self._slots[index - 1]
            self.pages.insertWidget(index, w)
            self.pages.removeWidget(slot)
            slot.deleteLater()
        self._built[name] = w
        return w

    @property
    def editor(self):
        return self._build("editor")

    @property
    def detail(self):
        return self._build("detail")

    @property
    def customers(self):
        return self._build("customers")

    @property
    def items(self):
        return self._build("items")

    @property
    def settings_page(self):
        return self._build("settings")

    @property
    def reconcile(self):
        return self._build("reconcile")

    @property
    def shift(self):
        return self._build("shift")

    # -- navigation
    def show_page(self, index: int) -> None:
        if index > 0:
            self._build(PAGE_KEYS[index])
        self.pages.setCurrentIndex(index)
        if index == 0 and self.invoices.currentWidget() is self.invoice_list:
            self.invoice_list.table.setFocus()

    def new_invoice(self) -> None:
        self.nav.setCurrentRow(0)
        self.invoices.setCurrentWidget(self.editor)
        self.editor.start_new(self.default_currency)

    def edit_invoice(self, inv) -> None:
        self.nav.setCurrentRow(0)
        self.invoices.setCurrentWidget(self.editor)
        self.editor.start_edit(inv)

    def open_invoice(self, invoice_id: int, message: str = "") -> None:
        self.nav.setCurrentRow(0)
        self.detail.inv = None
        self.invoices.setCurrentWidget(self.detail)
        self.detail.show_invoice(invoice_id, message)
        self.detail.setFocus()

    def _qr_reason(self) -> str:
        # The QR dialog's module (and the sync machinery it names) is built on first use.
        from ui.invoices.qr_collect import qr_unavailable_reason

        return qr_unavailable_reason(self.sync)

    def collect_by_qr(self, invoice_id: int) -> None:
        """The sale screen's pay step chose QR: the invoice's detail collects it."""
        self.nav.setCurrentRow(0)
        self.detail.inv = None
        self.invoices.setCurrentWidget(self.detail)
        self.detail.collect_when_shown(invoice_id)

    def back_to_list(self) -> None:
        self.invoices.setCurrentWidget(self.invoice_list)
        self.invoice_list.table.setFocus()

    def screen_name(self) -> str:
        page = self.pages.currentWidget()
        if page is self.invoices:
            page = self.invoices.currentWidget()
            if page is self.invoice_list:
                return "list"
        return next(k for k, w in self._built.items() if w is page)

    # -- start-up and status
    def start(self) -> None:
        """The store is open: load the first page and the status."""
        self.invoice_list.start()
        self.refresh_pending()
        self.refresh_shop()

    def refresh_shop(self) -> None:
        from app.services.settings import get_shop

        self.worker.submit(get_shop, key="shop", on_error=lambda _e: None,
                           on_done=self._shop_read)

    def _shop_read(self, shop) -> None:
        self.default_currency = shop.default_currency
        self.shop_label.setText(shop.name)

    def apply_touch(self, on: bool) -> None:
        """Touch-sized (44 px) controls in every screen and dialog of this window."""
        self.touch = on
        apply_touch(self, on)

    def show_backup(self, taken_at: datetime, path: str = "") -> None:
        """A readable backup state in the status bar; the file in the tooltip."""
        local = taken_at.astimezone()
        shown = (local.strftime("%H:%M") if local.date() == datetime.now().astimezone().date()
                 else local_dt(taken_at))
        self.backup_label.setText(_("Backed up {time}", time=shown))
        self.backup_label.setToolTip(path)

    def _list_loaded(self) -> None:
        if not self._first_page:
            self._first_page = True
            self.invoice_list.table.setFocus()
            emit(self.first_page_shown)

    def set_online(self, online: bool) -> None:
        """The sync engine reports here; until it does, the till is offline."""
        self.online = online
        self.online_label.setText(_("● Online") if online else _("● Offline"))
        self.online_label.setStyleSheet("color:#065F46;" if online else "color:#92400E;")

    def show_sync_status(self) -> None:
        """From the SyncBridge: online, what waits, conflicts, the last problem."""
        sync = self.sync
        st = sync.status
        self.sync_label.setText(sync.describe())
        if st is None:
            return
        self.set_online(st.online)
        self.set_pending(st.pending)
        self.sync_label.setToolTip(_("{message}\nClick to sync now.", message=st.message or ""))
        self.conflicts_button.setText(_n("⚠ {n} sync conflict", "⚠ {n} sync conflicts",
                                         st.conflicts))
        self.conflicts_button.setVisible(st.conflicts > 0)
        if st.state == "error" and st.message:
            self.statusBar().showMessage(st.message, 10_000)

    def sync_now(self) -> None:
        if self.sync is None:
            return
        if self.sync.running:
            self.sync.wake()
            self.sync_label.setText(_("Sync: asking Plugipay…"))
        else:
            self.sync.start_if_connected()

    def open_conflicts(self) -> None:
        if self.conflicts_dialog is None:
            from ui.sync.conflicts import ConflictsDialog  # built when first asked for
            self.conflicts_dialog = ConflictsDialog(self.worker, self.bus, self.sync, self)
        self.conflicts_dialog.show()
        self.conflicts_dialog.activateWindow()

    def set_pending(self, count: int) -> None:
        self.pending = count
        self.pending_label.setText(_("{count} waiting to sync", count=count))

    def refresh_pending(self) -> None:
        from app.services.sync_status import pending_operations

        self.worker.submit(pending_operations, key="pending", on_done=self.set_pending,
                           on_error=lambda _e: None)

    def _on_changed(self, flags: int, _source) -> None:
        if flags & Change.OUTBOX:
            self.refresh_pending()
        if flags & Change.SETTINGS:
            self.refresh_shop()

    # -- remembered between runs
    def _restore_geometry(self) -> None:
        geo = self.settings.value("mainWindow/geometry")
        if isinstance(geo, QByteArray) and not geo.isEmpty():
            self.restoreGeometry(geo)
        else:
            self.resize(1200, 760)

    def closeEvent(self, event) -> None:
        self.customer_display.close()
        self.settings.setValue("mainWindow/geometry", self.saveGeometry())
        self.invoice_list.apply_filters()  # keeps the last filters
        self.settings.sync()
        super().closeEvent(event)
