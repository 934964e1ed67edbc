"""Printer profiles: paper width, columns per font, cutter, QR and code pages.

Each profile names the python-escpos capability profile it builds on; the
column counts and the code-page numbers (`ESC t n`) are the printer's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import _
from app.domain.errors import ValidationError

# Code pages Kasir can print in, best first: all hold the Latin-1 letters of
# Indonesian and European names; CP858 and CP1252 also hold the euro sign.
CODEC_NAMES = {"CP858": "cp858", "CP1252": "cp1252", "CP850": "cp850", "CP437": "cp437"}


@dataclass(frozen=True)
class PrinterProfile:
    name: str  # what settings and --profile use
    label: str
    escpos_profile: str  # the python-escpos capabilities profile
    paper_mm: int  # 58 or 80
    dots: int  # printable width in dots
    fonts: tuple[tuple[int, int], ...]  # (columns, ESC M font number), font A first
    cutter: str  # "full", "partial" or "" (no cutter: feed to the tear bar)
    native_qr: bool  # GS ( k QR codes; otherwise the QR goes as a raster image
    codepages: tuple[tuple[str, int], ...]  # (name, ESC t number), best first
    answers_status: bool = True  # replies to DLE EOT n

    @property
    def columns(self) -> tuple[int, ...]:
        return tuple(c for c, _ in self.fonts)

    def font_for(self, columns: int) -> int:
        for c, font in self.fonts:
            if c == columns:
                return font
        raise ValidationError(
            _("The {printer} prints {choices} columns, not {columns}.", printer=self.label,
              choices=f" {_('or')} ".join(map(str, self.columns)), columns=columns),
            field="columns")

    def codepage_number(self, name: str) -> int:
        for cp, n in self.codepages:
            if cp == name.upper():
                return n
        raise ValidationError(
            _("The {printer} has no code page {codepage}. Choose one of: {choices}.",
              printer=self.label, codepage=repr(name),
              choices=", ".join(cp for cp, _n in self.codepages)), field="codepage")

    @property
    def default_codepage(self) -> str:
        return self.codepages[0][0]


_EPSON_PAGES = (("CP858", 19), ("CP1252", 16), ("CP850", 2), ("CP437", 0))

PROFILES: dict[str, PrinterProfile] = {p.name: p for p in (
    PrinterProfile("POS-5890", "POS-5890 (58 mm)", "POS-5890", 58, 384, ((32, 0), (42, 1)),
                   "", False, (("CP858", 19), ("CP1252", 16), ("CP850", 2), ("CP437", 0))),
    PrinterProfile("TM-T20II", "Epson TM-T20II (80 mm)", "TM-T20II", 80, 576,
                   ((48, 0), (64, 1)), "partial", True, _EPSON_PAGES),
    PrinterProfile("TM-T88V", "Epson TM-T88V (80 mm)", "TM-T88V", 80, 512,
                   ((42, 0), (56, 1)), "partial", True, _EPSON_PAGES),
    PrinterProfile("generic-58", "Generic 58 mm", "POS-5890", 58, 384, ((32, 0), (42, 1)),
                   "", False, (("CP437", 0), ("CP850", 2), ("CP858", 19), ("CP1252", 16)),
                   answers_status=False),
    PrinterProfile("generic-80", "Generic 80 mm", "TM-T20II", 80, 576, ((48, 0), (64, 1)),
                   "full", True, (("CP437", 0), ("CP850", 2), ("CP858", 19), ("CP1252", 16)),
                   answers_status=False),
)}

DEFAULT_PROFILE = {58: "generic-58", 80: "generic-80"}


def get_profile(name: str) -> PrinterProfile:
    for key, profile in PROFILES.items():
        if key.lower() == str(name or "").strip().lower():
            return profile
    raise ValidationError(_("Unknown printer profile {name}. Choose one of: {choices}.",
                            name=repr(name), choices=", ".join(PROFILES)), field="profile")


def profile_for_width(paper_mm: int) -> PrinterProfile:
    if paper_mm not in DEFAULT_PROFILE:
        raise ValidationError(_("The paper width is 58 or 80 (mm)."), field="width")
    return PROFILES[DEFAULT_PROFILE[paper_mm]]
