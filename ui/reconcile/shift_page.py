"""Close shift: the running (X) report of this till and operator, the cash
counted per currency, Close (freezes the Z report), then print it on the slip
printer or save it as a PDF."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QMessageBox, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget)
from PySide6.QtWidgets import QFileDialog

from app.domain.money import format_plain, parse_amount
from app.i18n import _
from app.reconcile.shift import close_shift, shift_report
from app.reconcile.shift_print import shift_report_lines, shift_report_pdf

from ui.common.fmt import money
from ui.common.forms import Banner, FormErrors, problems_of
from ui.common.open_shift import OpenShiftBox
from ui.common.qtcompat import emit
from ui.trust.guard import cancelled_text, run_guarded

REPORT_WIDTH = 48


# ── worker-thread functions ──────────────────────────────────────────
def load_report(ctx) -> dict:
    return shift_report(ctx)


def close(ctx, counted: dict, note: str) -> dict:
    return close_shift(ctx, counted, note)


def save_report_pdf(_ctx, report: dict, path: str) -> str:
    shift_report_pdf(report, path)
    return path


def report_escpos(lines_for_width, cfg) -> bytes:
    """The report's lines as ESC/POS bytes for this till's printer settings."""
    # python-escpos and the printer connection only when the report is printed
    from app.printing.encoding import encode, fold
    from app.printing.escpos_lib import escpos_printer
    from app.printing.escpos_render import ESC, FEED_LINES_NO_CUTTER, INIT

    profile = cfg.printer_profile()
    font, page = profile.font_for(cfg.columns), cfg.page
    printer = escpos_printer().Dummy(profile=profile.escpos_profile)
    printer._raw(INIT + ESC + b"t" + bytes((profile.codepage_number(page),))
                 + ESC + b"M" + bytes((font,)))
    for line in lines_for_width(cfg.columns):
        printer._raw(encode(fold(line, page), page) + b"\n")
    if profile.cutter:
        printer.cut(mode="PART" if profile.cutter == "partial" else "FULL")
    else:
        printer.print_and_feed(FEED_LINES_NO_CUTTER)
    return bytes(printer.output)


def print_report(ctx, report: dict, connector=None) -> str:
    """Print the Z report now on this till's printer (a PrinterError says why not)."""
    # python-escpos and the printer connection only when the report is printed
    from app.printing.config import load_config
    from app.printing.connection import PrinterConnector
    from app.printing.errors import PrinterError
    from app.printing.queue import NO_PRINTER

    cfg = load_config(ctx).validated()
    if not cfg.uri:
        raise PrinterError(NO_PRINTER)
    data = report_escpos(lambda width: shift_report_lines(report, width), cfg)
    connector = connector or PrinterConnector(timeout=cfg.timeout)
    with connector.open(cfg.uri, reads_status=cfg.printer_profile().answers_status) as conn:
        conn.check_ready()
        conn.write(data)
    return _("Report printed on {printer}.", printer=cfg.uri)


class ShiftPage(QWidget):
    loaded = Signal()

    def __init__(self, worker, bus, printing=None, parent=None):
        super().__init__(parent)
        self.worker, self.bus, self.printing = worker, bus, printing
        self.report: dict | None = None
        self._shown_closed = False
        self.ask_save_path = self._ask_save_path
        self.confirm_close = self._confirm_close
        self.banner = Banner()
        self.errors = FormErrors(self.banner)
        self.title = QLabel()
        self.open_box = OpenShiftBox(worker)
        self.open_box.hide()
        self.open_box.opened.connect(self._opened)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        mono = QFont("Monospace")
        mono.setStyleHint(QFont.StyleHint.TypeWriter)
        self.text.setFont(mono)
        self.text.setMinimumWidth(460)
        self.count_box = QGroupBox(_("Cash counted in the drawer"))
        self.count_form = QFormLayout(self.count_box)
        self.counted: dict[str, QLineEdit] = {}
        self.note = QLineEdit()
        self.note.setPlaceholderText(_("Note (optional): why the drawer is over or short"))
        self.count_form.addRow(_("Note"), self.note)
        self.close_button = QPushButton(_("Close shift…"))
        self.refresh_button = QPushButton(_("Refresh"))
        self.print_button = QPushButton(_("Print report"))
        self.pdf_button = QPushButton(_("Save PDF…"))
        self.print_button.setEnabled(printing is not None)
        side = QVBoxLayout()
        side.addWidget(self.count_box)
        for b in (self.close_button, self.refresh_button, self.print_button, self.pdf_button):
            side.addWidget(b)
        side.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.text, 3)
        body.addLayout(side, 2)
        lay = QVBoxLayout(self)
        lay.addWidget(self.banner)
        lay.addWidget(self.title)
        lay.addWidget(self.open_box)
        lay.addLayout(body, 1)
        self.close_button.clicked.connect(self.ask_close)
        self.refresh_button.clicked.connect(self.refresh)
        self.print_button.clicked.connect(self.print_report)
        self.pdf_button.clicked.connect(self.save_pdf)

    # -- report
    def refresh(self) -> None:
        self.worker.submit(load_report, key=f"{id(self)}:load", on_done=self._show,
                           on_error=self._refused)

    def _show(self, report: dict, message: str = "") -> None:
        self.report = report
        closed = report.get("state") == "closed"
        heading = _("Z report: shift closed") if closed else _("Shift so far")
        self.title.setText("<h2>" + _("{heading} — till {till}, {operator}", heading=heading,
                                      till=report["till"], operator=report["operator"]) + "</h2>")
        self.text.setPlainText("\n".join(shift_report_lines(report, REPORT_WIDTH)))
        self._count_fields(report, closed)
        self.open_box.setVisible(closed or report.get("shiftId") is None)
        # Closing: the count is what the cashier types next; after a close, the next float.
        if self.isVisible():
            (self.open_box.float_edit if closed else next(iter(self.counted.values()))).setFocus()
        if message:
            self.banner.show_message(message, "ok")
        emit(self.loaded)

    def _count_fields(self, report: dict, closed: bool) -> None:
        currencies = list(report.get("cash") or {}) or ["IDR"]
        for cur in list(self.counted):
            if cur not in currencies:
                edit = self.counted.pop(cur)
                self.errors.fields.pop(f"counted_{cur}", None)
                self.count_form.removeRow(edit.parentWidget())
        for cur in currencies:
            if cur not in self.counted:
                edit = QLineEdit()
                edit.setAccessibleName(_("Counted {currency}", currency=cur))
                edit.setPlaceholderText(_("Counted {currency}", currency=cur))
                self.counted[cur] = edit
                box = QWidget()
                col = QVBoxLayout(box)
                col.setContentsMargins(0, 0, 0, 0)
                col.setSpacing(1)
                col.addWidget(edit)
                col.addWidget(self.errors.add(f"counted_{cur}", edit))
                self.count_form.insertRow(self.count_form.rowCount() - 1, cur, box)
        self.close_button.setEnabled(not closed)
        if not closed and self._shown_closed:  # a new shift: nothing counted yet
            for edit in self.counted.values():
                edit.clear()
        self._shown_closed = closed
        if closed:
            for cur, edit in self.counted.items():
                c = (report.get("cash") or {}).get(cur) or {}
                edit.setText(format_plain(c.get("counted") or 0, cur))

    def _opened(self, summary: dict) -> None:
        amounts = ", ".join(money(v, k) for k, v in (summary.get("openingFloat") or {}).items())
        self.banner.show_message(_("Shift opened with a cash float of {amount}.",
                                   amount=amounts or money(0, "IDR")), "ok")
        self.worker.submit(load_report, key=f"{id(self)}:load", on_done=self._show,
                           on_error=self._refused)

    # -- close
    def collect(self) -> dict | None:
        counted, problems = {}, []
        for cur, edit in self.counted.items():
            text = edit.text().strip()
            if not text:
                continue
            try:
                counted[cur] = parse_amount(text, cur)
            except Exception as exc:  # a ValidationError with the reason
                problems.append((f"counted_{cur}", f"{cur}: {problems_of(exc)[0][1]}"))
        if problems:
            self.errors.show(problems)
            return None
        return counted

    def _confirm_close(self, text: str) -> bool:
        answer = QMessageBox.question(self, _("Close shift"), text)
        return answer == QMessageBox.StandardButton.Yes

    def ask_close(self) -> None:
        counted = self.collect()
        if counted is None:
            return
        if not self.confirm_close(_("Close this shift? The Z report is then frozen; anything "
                                    "after this falls in the next shift.")):
            return
        self.close_button.setEnabled(False)
        def cancelled() -> None:
            self.close_button.setEnabled(True)
            self.errors.show([("", cancelled_text("shift_close"))])
        self.approval = run_guarded(self.worker, self, "shift_close", close, counted,
                                    self.note.text(), on_done=self._closed,
                                    on_error=self._refused, on_cancel=cancelled)

    def _closed(self, report: dict) -> None:
        self.errors.clear()
        self.note.clear()
        self._show(report, _("Shift closed. Print or save the Z report."))

    def _refused(self, exc) -> None:
        self.close_button.setEnabled(self.report is None or self.report.get("state") != "closed")
        self.errors.show(problems_of(exc))

    # -- print and save
    def print_report(self) -> None:
        if self.report is None or self.printing is None:
            return
        self.print_button.setEnabled(False)
        self.printing.run_on_printer(print_report, self.report, self.printing.connector,
                                     on_done=self._printed, on_error=self._print_failed)

    def _printed(self, sentence: str) -> None:
        self.print_button.setEnabled(True)
        self.banner.show_message(sentence, "ok")

    def _print_failed(self, exc) -> None:
        self.print_button.setEnabled(True)
        self.banner.show_message(_("Not printed: {reason}", reason=problems_of(exc)[0][1]), "error")

    def _ask_save_path(self, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(self, _("Save shift report"), suggested,
                                                    _("PDF (*.pdf)"))
        return path

    def save_pdf(self) -> None:
        if self.report is None:
            return
        r = self.report
        stem = f"shift-{r['till']}-{r.get('shiftId') or 'open'}"
        path = self.ask_save_path(f"{stem}.pdf")
        if not path:
            return
        self.worker.submit(save_report_pdf, self.report, path,
                           on_done=lambda p: self.banner.show_message(_("Saved {path}.", path=p), "ok"),
                           on_error=self._refused)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.refresh()
