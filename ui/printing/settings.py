"""Settings › Printer: which printer (USB search or a URI), its profile, columns,
code page, cutter and drawer, when to print by itself, a test slip, and a
preview of the slip as it will print with these settings."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout,
                               QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget)
from sqlalchemy import select

from app.i18n import N_, _, gettext
from app.printing.config import CUT_CHOICES, PrinterConfig
from app.printing.config import load_config, save_config
from app.printing.profiles import PROFILES, get_profile
from app.printing.slip_layout import layout_slip
from app.printing.slip_model import build_slip, make_test_slip, shop_of
from app.store.models import Invoice

from ui.common.changes import Change
from ui.common.forms import Banner, FormErrors, problems_of
from ui.printing.slip_preview import SlipPreview

# Printer addresses as typed (not text to translate).
URI_EXAMPLES = "usb://0416:5011, tcp://192.168.1.50:9100, serial:///dev/ttyUSB0, file:///dev/usb/lp0"
CUT_LABELS = {"auto": N_("As the printer can"), "full": N_("Full cut"),
              "partial": N_("Partial cut"), "none": N_("No cutter (feed to tear)")}


# ── worker-thread functions ──────────────────────────────────────────
def load_printer_settings(ctx) -> PrinterConfig:
    return load_config(ctx)


def save_printer_settings(ctx, config: PrinterConfig) -> PrinterConfig:
    return save_config(ctx, config)


def preview_blocks(ctx, config: PrinterConfig):
    """(blocks, paper_mm, columns, what): the latest issued invoice as it would
    print with `config`, or the test slip when there is none yet."""
    cfg = config.validated()
    profile = cfg.printer_profile()
    with ctx.store.reader() as uow:
        latest = uow.session.execute(select(Invoice.id).where(Invoice.local_number.is_not(None))
                                     .order_by(Invoice.id.desc()).limit(1)).scalar()
    if latest is not None:
        slip = build_slip(ctx, latest, "invoice")
        what = _("Invoice {number}", number=slip.local_number)
    else:
        slip = make_test_slip(shop_of(ctx), title=profile.label, details=(), at=ctx.now())
        what = _("Test slip")
    return layout_slip(slip, cfg.columns, cfg.page), profile.paper_mm, cfg.columns, what


def print_test_slip(ctx, config: PrinterConfig, connector=None):
    # looked up when called: tests replace app.printing.service's functions
    from app.printing.service import test_slip

    return test_slip(ctx, config, connector)


def find_printers(_ctx):
    # looked up when called: tests replace app.printing.service's functions
    from app.printing.service import find_usb_printers

    return find_usb_printers()


class PrinterSettings(QGroupBox):
    """Needs the DB worker, the bus and the app's PrintQueue (for its print worker)."""

    def __init__(self, worker, bus, printing, parent=None):
        super().__init__(_("Printer"), parent)

        self.worker, self.bus, self.printing = worker, bus, printing
        self.config = PrinterConfig()
        self._filling = False
        self.banner = Banner()
        self.errors = FormErrors(self.banner)
        self.uri = QComboBox()
        self.uri.setEditable(True)
        self.uri.setAccessibleName(_("Printer address"))
        self.uri.lineEdit().setPlaceholderText(URI_EXAMPLES)
        self.find_button = QPushButton(_("Find USB printers"))
        self.profile = QComboBox()
        for p in PROFILES.values():
            self.profile.addItem(p.label, p.name)
        self.columns = QComboBox()
        self.codepage = QComboBox()
        self.cut = QComboBox()
        for c in CUT_CHOICES:
            self.cut.addItem(gettext(CUT_LABELS[c]), c)
        self.drawer = QCheckBox(_("Open the cash drawer when a cash payment's receipt prints"))
        self.on_issue = QCheckBox(_("Print the invoice slip when an invoice is issued"))
        self.on_pay = QCheckBox(_("Print the receipt when an invoice is paid"))
        self.save_button = QPushButton(_("Save printer settings"))
        self.test_button = QPushButton(_("Print test slip"))
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.preview = SlipPreview()
        self.preview_title = QLabel()
        scroll = QScrollArea()
        scroll.setWidget(self.preview)
        scroll.setWidgetResizable(False)
        scroll.setMinimumWidth(400)
        scroll.setMinimumHeight(360)

        uri_row = QHBoxLayout()
        uri_row.addWidget(self.uri, 1)
        uri_row.addWidget(self.find_button)
        form = QFormLayout()
        form.addRow(_("Printer"), self._field("uri", uri_row))
        form.addRow(_("Profile"), self._field("profile", self.profile))
        form.addRow(_("Columns"), self._field("columns", self.columns))
        form.addRow(_("Code page"), self._field("codepage", self.codepage))
        form.addRow(_("Cutter"), self._field("cut", self.cut))
        form.addRow("", self.drawer)
        form.addRow("", self.on_issue)
        form.addRow("", self.on_pay)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        form.addRow("", buttons)
        form.addRow("", self.result)
        left = QVBoxLayout()
        left.addWidget(self.banner)
        left.addLayout(form)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.preview_title)
        right.addWidget(scroll, 1)
        lay = QHBoxLayout(self)
        lay.addLayout(left, 3)
        lay.addLayout(right, 2)

        self.profile.currentIndexChanged.connect(self._profile_changed)
        for combo in (self.columns, self.codepage, self.cut):
            combo.currentIndexChanged.connect(self._changed)
        self.find_button.clicked.connect(self.find_usb)
        self.save_button.clicked.connect(self.save)
        self.test_button.clicked.connect(self.test)
        self.errors.fields["printer"] = self.errors.fields["uri"]  # the URI parser's name
        self._profile_options()  # the preview comes with load()
        bus.changed.connect(self._on_changed)

    def _field(self, name: str, widget_or_layout) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(1)
        if isinstance(widget_or_layout, QWidget):
            lay.addWidget(widget_or_layout)
            target = widget_or_layout
        else:
            lay.addLayout(widget_or_layout)
            target = widget_or_layout.itemAt(0).widget()
        lay.addWidget(self.errors.add(name, target))
        return box

    def _on_changed(self, flags: int, source) -> None:
        # The shop's name and footer are on the slip: show them as they are now.
        if source is not self and flags & (Change.SETTINGS | Change.INVOICES) \
                and self.isVisible():
            self.update_preview()

    # -- the form
    def load(self) -> None:
        self.worker.submit(load_printer_settings, key=f"{id(self)}:load", on_done=self._fill,
                           on_error=self._refused)

    def _fill(self, cfg: PrinterConfig) -> None:
        self.config = cfg
        self._filling = True
        try:
            self.uri.setEditText(cfg.uri)
            i = self.profile.findData(cfg.profile)
            self.profile.setCurrentIndex(max(0, i))
            self._profile_options()
            self.columns.setCurrentIndex(max(0, self.columns.findData(int(cfg.columns))))
            self.codepage.setCurrentIndex(max(0, self.codepage.findData(cfg.codepage.upper())))
            self.cut.setCurrentIndex(max(0, self.cut.findData(cfg.cut)))
            self.drawer.setChecked(cfg.drawer_kick)
            self.on_issue.setChecked(cfg.print_on_issue)
            self.on_pay.setChecked(cfg.print_on_pay)
        finally:
            self._filling = False
        self.update_preview()

    def _profile_options(self) -> None:
        p = get_profile(self.profile.currentData())
        keep_cols, keep_cp = self.columns.currentData(), self.codepage.currentData()
        self.columns.blockSignals(True)
        self.codepage.blockSignals(True)
        self.columns.clear()
        for c in p.columns:
            self.columns.addItem(_("{count} columns ({paper} mm)", count=c, paper=p.paper_mm), c)
        self.codepage.clear()
        self.codepage.addItem(_("Printer's best ({codepage})", codepage=p.default_codepage), "")
        for name, _n in p.codepages:
            self.codepage.addItem(name, name)
        self.columns.setCurrentIndex(max(0, self.columns.findData(keep_cols)))
        self.codepage.setCurrentIndex(max(0, self.codepage.findData(keep_cp)))
        self.columns.blockSignals(False)
        self.codepage.blockSignals(False)

    def _profile_changed(self) -> None:
        if self._filling:
            return
        self._profile_options()
        self._changed()

    def _changed(self) -> None:
        if not self._filling:
            self.update_preview()

    def form_config(self) -> PrinterConfig:
        return replace(self.config, uri=self.uri.currentText().strip(),
                       profile=self.profile.currentData() or "generic-58",
                       columns=int(self.columns.currentData() or 32),
                       codepage=self.codepage.currentData() or "",
                       cut=self.cut.currentData() or "auto",
                       drawer_kick=self.drawer.isChecked(),
                       print_on_issue=self.on_issue.isChecked(),
                       print_on_pay=self.on_pay.isChecked())

    def update_preview(self) -> None:
        self.worker.submit(preview_blocks, self.form_config(), key=f"{id(self)}:preview",
                           on_done=self._show_preview, on_error=self._refused)

    def _show_preview(self, result) -> None:
        blocks, paper_mm, columns, what = result
        self.preview.set_blocks(blocks, paper_mm, columns)
        self.preview_title.setText(_("Preview: {what}, {paper} mm paper, {count} columns",
                                     what=what, paper=paper_mm, count=columns))

    # -- actions
    def save(self) -> None:
        self.save_button.setEnabled(False)
        self.worker.submit(save_printer_settings, self.form_config(), on_done=self._saved,
                           on_error=self._refused)

    def _saved(self, cfg: PrinterConfig) -> None:
        self.save_button.setEnabled(True)
        self.errors.clear()
        self._fill(cfg)
        self.banner.show_message(_("Printer settings saved."), "ok")
        self.bus.announce(Change.SETTINGS, self)
        if self.printing is not None:
            self.printing.retry_all()  # slips waiting for a printer go now

    def _refused(self, exc) -> None:
        self.save_button.setEnabled(True)
        self.test_button.setEnabled(True)
        self.errors.show(problems_of(exc))

    def test(self) -> None:
        if self.printing is None:
            return
        self.test_button.setEnabled(False)
        self.result.setText(_("Printing the test slip…"))
        self.printing.run_on_printer(print_test_slip, self.form_config(),
                                     self.printing.connector, on_done=self._tested,
                                     on_error=self._test_failed)

    def _tested(self, result) -> None:
        self.test_button.setEnabled(True)
        self.errors.clear()
        self.result.setText(result.text())

    def _test_failed(self, exc) -> None:
        self.test_button.setEnabled(True)
        self.result.setText("")
        self.errors.show(problems_of(exc))

    def find_usb(self) -> None:
        if self.printing is None:
            return
        self.find_button.setEnabled(False)
        self.printing.run_on_printer(find_printers, on_done=self._found,
                                     on_error=self._find_failed)

    def _find_failed(self, exc) -> None:
        self.find_button.setEnabled(True)
        self.errors.show(problems_of(exc))

    def _found(self, printers: list[dict]) -> None:
        self.find_button.setEnabled(True)
        current = self.uri.currentText()
        self.uri.clear()
        for p in printers:
            self.uri.addItem(f"{p['uri']}", p["uri"])
            self.uri.setItemData(self.uri.count() - 1, p["name"], 3)  # tooltip role
        self.uri.setEditText(printers[0]["uri"] if printers and not current else current)
        self.result.setText(
            _("Found: {printers}", printers=", ".join(f"{p['name']} ({p['uri']})"
                                                      for p in printers)) if printers
            else _("No USB printer found. Check the cable and that the printer is on; on "
                   "Linux, install the udev rule from packaging/ so Kasir may use it."))
