"""The TrueType font documents are set in, registered once per process.

reportlab's built-in Helvetica knows only Latin-1 and is not embedded, so names
with accents or other scripts would come out wrong. DejaVu Sans (Debian's
fonts-dejavu-core) covers far more; reportlab ships Bitstream Vera as a
fallback that is always there. Helvetica is the last resort.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

REGULAR = "KasirSans"
BOLD = "KasirSans-Bold"

# (family label, regular file, bold file) in order of preference.
_CANDIDATES = (
    ("DejaVu Sans", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("Bitstream Vera", "Vera.ttf", "VeraBd.ttf"),
)


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str
    family: str  # which font was found, for reports and tests
    embedded: bool


def font_dirs() -> list[Path]:
    """Where to look: $KASIR_FONT_DIR, the repo's resources/fonts (DejaVu Sans, so that
    documents look the same on every machine), the usual system folders, reportlab's own."""
    dirs = []
    if os.environ.get("KASIR_FONT_DIR"):
        dirs.append(Path(os.environ["KASIR_FONT_DIR"]))
    dirs.append(Path(__file__).resolve().parents[2] / "resources" / "fonts")  # shipped in the repo
    dirs += [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/TTF"),
             Path("/usr/share/fonts/dejavu"), Path("/usr/local/share/fonts"),
             Path.home() / "Library/Fonts", Path("/Library/Fonts")]
    windir = os.environ.get("WINDIR")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    import reportlab  # lazy: reportlab (~0.3 s) only when a PDF is made

    dirs.append(Path(reportlab.__file__).parent / "fonts")
    return dirs


def find_font_files(dirs: list[Path] | None = None) -> tuple[str, Path, Path] | None:
    for family, regular, bold in _CANDIDATES:
        for d in dirs if dirs is not None else font_dirs():
            r, b = d / regular, d / bold
            if r.is_file() and b.is_file():
                return family, r, b
    return None


@lru_cache(maxsize=1)
def document_fonts() -> FontSet:
    """Register the best font found (once) and return the names to draw with."""
    from reportlab.pdfbase import pdfmetrics  # lazy: reportlab only when a PDF is made
    from reportlab.pdfbase.ttfonts import TTFont

    found = find_font_files()
    if found:
        family, regular, bold = found
        try:
            pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
            pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
            return FontSet(REGULAR, BOLD, family, True)
        except Exception as exc:  # a damaged font file must not stop a sale
            log.warning("Could not load the font %s (%s); using Helvetica.", regular, exc)
    else:
        log.warning("No DejaVu or Vera font found; documents use Helvetica (Latin-1 only).")
    return FontSet("Helvetica", "Helvetica-Bold", "Helvetica", False)
