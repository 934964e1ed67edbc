"""Measuring and wrapping text for the PDF: nothing may run past its column."""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth

ELLIPSIS = "\u2026"


def _break_word(word: str, font: str, size: float, width: float) -> list[str]:
    """Split one word that is wider than the column into pieces that fit."""
    pieces = []
    while word and stringWidth(word, font, size) > width:
        lo, hi = 1, len(word)  # the longest prefix that fits, at least one character
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if stringWidth(word[:mid], font, size) <= width:
                lo = mid
            else:
                hi = mid - 1
        pieces.append(word[:lo])
        word = word[lo:]
    if word:
        pieces.append(word)
    return pieces


def wrap(text: str, font: str, size: float, width: float,
         max_lines: int | None = None) -> list[str]:
    """Lines of `text` no wider than `width` points; long words are broken."""
    out: list[str] = []
    for para in (text or "").splitlines() or [""]:
        line = ""
        for word in para.split():
            candidate = f"{line} {word}" if line else word
            if stringWidth(candidate, font, size) <= width:
                line = candidate
                continue
            if line:
                out.append(line)
            pieces = _break_word(word, font, size, width)
            out.extend(pieces[:-1])
            line = pieces[-1] if pieces else ""
        out.append(line)
    if max_lines is not None and len(out) > max_lines:
        out = out[:max_lines]
        out[-1] = ellipsize(out[-1] + ELLIPSIS, font, size, width)
    return out


def ellipsize(text: str, font: str, size: float, width: float) -> str:
    """`text` cut with an ellipsis so that it fits on one line."""
    if stringWidth(text, font, size) <= width:
        return text
    base = text.rstrip(ELLIPSIS)
    while base and stringWidth(base + ELLIPSIS, font, size) > width:
        base = base[:-1]
    return base + ELLIPSIS


def fit_size(text: str, font: str, size: float, width: float, minimum: float = 5.5) -> float:
    """The largest size up to `size` at which `text` fits in `width` (amounts never wrap)."""
    w = stringWidth(text, font, size)
    if w <= width:
        return size
    return max(minimum, size * width / w)
