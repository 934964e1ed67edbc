"""What the app and the command line call: previews, the test slip, printer status.

Everything that can wait on a printer (test slip, status, `process_queue`)
belongs on a worker thread, never the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import _

from .config import PrinterConfig, load_config
from .connection import PrinterConnector, find_usb_printers  # noqa: F401  (re-exported)
from .encoding import FoldReport
from .escpos_render import render_escpos
from .slip_layout import layout_slip, render_slip_lines  # noqa: F401  (re-exported)
from .slip_model import build_slip, make_test_slip, shop_of
from .status import PrinterStatus


def preview_lines(ctx, invoice_ref, kind: str = "invoice", *, reprint: bool = False,
                  config: PrinterConfig | None = None) -> list[str]:
    """The slip as it will print with this till's settings, as text lines."""
    cfg = config or load_config(ctx)
    slip = build_slip(ctx, invoice_ref, kind, reprint=reprint)
    return render_slip_lines(slip, cfg.columns, cfg.page)


@dataclass(frozen=True)
class TestResult:
    uri: str
    profile: str
    columns: int
    codepage: str
    status: PrinterStatus | None  # None: the printer does not answer status queries
    bytes_sent: int
    note: str

    __test__ = False  # not a pytest test class

    def to_json(self) -> dict:
        return {"printer": self.uri, "profile": self.profile, "columns": self.columns,
                "codepage": self.codepage, "bytesSent": self.bytes_sent,
                "status": self.status.to_json() if self.status else None,
                "note": self.note or None}

    def text(self) -> str:
        state = self.status.summary() if self.status else _("The printer does not report status.")
        out = _("Test slip sent to {printer} ({profile}, {columns} columns, {codepage}): {count} "
                "bytes. {state}", printer=self.uri, profile=self.profile, columns=self.columns,
                codepage=self.codepage, count=self.bytes_sent, state=state)
        return out + ("\n" + _("Note: {note}", note=self.note) if self.note else "")


def test_slip(ctx, config: PrinterConfig, connector: PrinterConnector | None = None) -> TestResult:
    """Print the test slip now (not queued): checks width, characters, QR and cutter.

    Raises a PrinterError that says what to do when the printer cannot print.
    """
    cfg = config.validated()
    profile = cfg.printer_profile()
    slip = make_test_slip(shop_of(ctx), title=profile.label,
                          details=(_("Printer: {uri}", uri=cfg.uri),
                                   _("Code page: {codepage}", codepage=cfg.page),
                                   _("Cut: {cut}", cut=profile.cutter or _("none (feed)"))),
                          at=ctx.now())
    report = FoldReport()
    data = render_escpos(slip, profile, cfg.columns, cfg.page, report=report)
    connector = connector or PrinterConnector(timeout=cfg.timeout)
    with connector.open(cfg.uri, reads_status=profile.answers_status) as conn:
        status = conn.check_ready()
        conn.write(data)
    return TestResult(cfg.uri, profile.name, cfg.columns, cfg.page, status, len(data),
                      report.note())


test_slip.__test__ = False  # a function named test_* that pytest must not collect


def printer_status(uri: str, connector: PrinterConnector | None = None) -> PrinterStatus | None:
    """Ask the printer how it is (None when it does not answer status queries)."""
    with (connector or PrinterConnector()).open(uri) as conn:
        return conn.status()
