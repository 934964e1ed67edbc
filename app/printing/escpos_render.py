"""A laid-out slip as ESC/POS bytes, built with python-escpos.

The code page is selected explicitly (`ESC t n`) right after `ESC @`, and text
is encoded by Kasir for that page (see `encoding`), never left to
python-escpos' automatic guess. The font (`ESC M`) gives the column count.
"""

from __future__ import annotations

from datetime import tzinfo

from .encoding import FoldReport, encode
from .escpos_lib import escpos_printer
from .profiles import PrinterProfile
from .slip_layout import Logo, Qr, Text, layout_slip
from .slip_model import Slip

ESC, GS = b"\x1b", b"\x1d"
INIT = ESC + b"@"
FEED_LINES_NO_CUTTER = 5  # enough to tear below the last line on common 58 mm heads


def _style(font: int, bold: bool, tall: bool) -> bytes:
    # ESC ! n: bit 0 font B, bit 3 emphasised, bit 4 double height (width unchanged).
    return ESC + b"!" + bytes((font | (0x08 if bold else 0) | (0x10 if tall else 0),))


def _logo(printer, path: str, profile: PrinterProfile, report: FoldReport) -> None:
    try:
        from PIL import Image  # lazy: Pillow only for a logo

        with Image.open(path) as img:
            img = img.convert("L")
            max_w = profile.dots // 2
            if img.width > max_w:
                img = img.resize((max_w, max(1, img.height * max_w // img.width)))
            printer._raw(ESC + b"a\x01")
            printer.image(img, impl="bitImageRaster")
            printer._raw(ESC + b"a\x00")
    except (OSError, ValueError) as err:  # a missing or broken logo must not stop the slip
        report.notes.append(f"logo not printed: {err}")


def render_escpos(slip: Slip, profile: PrinterProfile, columns: int | None = None,
                  codepage: str | None = None, *, drawer_kick: bool = False,
                  tz: tzinfo | None = None, report: FoldReport | None = None) -> bytes:
    """The whole slip, from `ESC @` to the cut (or the feed, without a cutter)."""
    columns = columns or profile.columns[0]
    codepage = (codepage or profile.default_codepage).upper()
    font = profile.font_for(columns)
    page = profile.codepage_number(codepage)
    report = report if report is not None else FoldReport()
    blocks = layout_slip(slip, columns, codepage, tz=tz, report=report)

    printer = escpos_printer().Dummy(profile=profile.escpos_profile)
    printer._raw(INIT + ESC + b"t" + bytes((page,)) + ESC + b"M" + bytes((font,)))
    style = None
    for block in blocks:
        if isinstance(block, Text):
            wanted = (block.bold, block.tall)
            if wanted != style:
                printer._raw(_style(font, *wanted))
                style = wanted
            printer._raw(encode(block.text, codepage) + b"\n")
        elif isinstance(block, Qr) and block.data:
            if profile.native_qr:
                printer._raw(ESC + b"a\x01")
                printer.qr(block.data, size=6 if profile.paper_mm == 80 else 4, native=True)
                printer._raw(b"\n" + ESC + b"a\x00")
            else:
                printer.qr(block.data, size=4 if profile.paper_mm == 80 else 3, native=False,
                           center=True)
        elif isinstance(block, Logo):
            _logo(printer, block.path, profile, report)
    printer._raw(_style(font, False, False))
    if profile.cutter:
        printer.cut(mode="PART" if profile.cutter == "partial" else "FULL")
    else:
        printer.print_and_feed(FEED_LINES_NO_CUTTER)
    if drawer_kick:
        printer.cashdraw(2)
    return bytes(printer.output)
