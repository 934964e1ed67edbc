"""Text for a thermal printer's code page: every character one byte, one column.

Characters the chosen code page lacks are replaced by a readable equivalent
(`“` → `"`, `€` → `EUR`, `é` → `e` where even that is missing). What has no
equivalent at all is reported back, never silently printed as `?`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from app.i18n import _
from app.domain.errors import ValidationError

from .profiles import CODEC_NAMES

# Replacements tried before anything else, when the code page lacks the character.
TRANSLIT = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": "<<", "\u00bb": ">>", "\u2039": "<", "\u203a": ">",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "--", "\u2015": "--",
    "\u2212": "-", "\u2026": "...", "\u2022": "*", "\u00b7": ".", "\u2027": ".",
    "\u20ac": "EUR", "\u00a3": "GBP", "\u00a5": "JPY", "\u20b9": "INR", "\u20a9": "KRW",
    "\u0e3f": "THB", "\u20ab": "VND", "\u00a2": "c", "\u20b1": "PHP", "\u20bd": "RUB",
    "\u2122": "(TM)", "\u00ae": "(R)", "\u00a9": "(C)", "\u2116": "No.",
    "\u2713": "v", "\u2714": "v", "\u2715": "x", "\u2716": "x", "\u2717": "x", "\u2718": "x",
    "\u00d7": "x", "\u00f7": "/", "\u2264": "<=", "\u2265": ">=", "\u2260": "!=",
    "\u00bd": "1/2", "\u00bc": "1/4", "\u00be": "3/4", "\u00b0": "o", "\u2030": "o/oo",
    "\u00df": "ss", "\u00c6": "AE", "\u00e6": "ae", "\u0152": "OE", "\u0153": "oe",
    "\u00d8": "O", "\u00f8": "o", "\u0141": "L", "\u0142": "l", "\u0110": "D", "\u0111": "d",
    "\u00de": "Th", "\u00fe": "th", "\u00d0": "D", "\u00f0": "d", "\u0131": "i",
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " ", "\u200b": "",
    "\u200c": "", "\u200d": "", "\ufeff": "", "\u00ad": "",
    "\t": " ", "\r": "", "\n": " ",
}

UNPRINTABLE = "?"


@dataclass
class FoldReport:
    """Characters that had no readable equivalent (printed as `?`)."""

    missing: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)  # other things left out (a broken logo)

    def note(self) -> str:
        parts = list(self.notes)
        if self.missing:
            chars = "".join(sorted(self.missing))
            parts.insert(0, f"{len(self.missing)} character(s) cannot be printed on this "
                            f"code page and show as '?': {chars}")
        return "; ".join(parts)


def codec_for(codepage: str) -> str:
    try:
        return CODEC_NAMES[codepage.upper()]
    except KeyError:
        raise ValidationError(_("Kasir cannot print in code page {codepage}. Choose one of: "
                                "{choices}.", codepage=repr(codepage),
                                choices=", ".join(CODEC_NAMES)), field="codepage") from None


@lru_cache(maxsize=4096)
def _fits(ch: str, codec: str) -> bool:
    if ch < " " or ch == "\x7f":
        return False
    try:
        encoded = ch.encode(codec)
    except UnicodeEncodeError:
        return False
    # C1 controls decode to themselves in some pages: never send them.
    return len(encoded) == 1 and not (0x80 <= ord(ch) < 0xA0)


def _fold_char(ch: str, codec: str, report: FoldReport | None) -> str:
    if _fits(ch, codec):
        return ch
    if ch in TRANSLIT:
        return "".join(c for c in TRANSLIT[ch] if _fits(c, codec) or c == "")
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if base and base != ch and all(_fits(c, codec) for c in base):
        return base
    if base and base != ch:
        return "".join(_fold_char(c, codec, report) for c in base)
    category = unicodedata.category(ch)
    if category.startswith("Z"):
        return " "
    if category in ("Cc", "Cf", "Mn", "Me"):
        return ""
    if category == "Pd":
        return "-"
    if category in ("Pi", "Pf"):
        return '"'
    if report is not None:
        report.missing.add(ch)
    return UNPRINTABLE


def fold(text: str, codepage: str, report: FoldReport | None = None) -> str:
    """`text` using only characters of `codepage`, each one byte wide."""
    codec = codec_for(codepage)
    text = unicodedata.normalize("NFC", str(text or ""))
    return "".join(_fold_char(ch, codec, report) for ch in text)


def encode(folded: str, codepage: str) -> bytes:
    """Bytes of already folded text (see `fold`); refuses anything unfolded."""
    return folded.encode(codec_for(codepage), errors="strict")
