"""QR codes for the hosted payment link, as a plain module matrix.

reportlab's encoder does the encoding; the matrix is drawn as rectangles in the
PDF and as one SVG path in the HTML, so both show the very same code.
"""

from __future__ import annotations

from functools import lru_cache

QUIET_ZONE = 4  # modules of white border the QR standard asks for


@lru_cache(maxsize=64)
def qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    """Dark (True) and light modules, row by row, without the quiet zone."""
    from reportlab.graphics.barcode import qrencoder  # lazy: reportlab only when a QR is drawn

    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(text)
    qr.make()
    n = qr.getModuleCount()
    return tuple(tuple(bool(qr.isDark(r, c)) for c in range(n)) for r in range(n))


def dark_runs(matrix) -> list[tuple[int, int, int]]:
    """(row, first column, length) of each horizontal run of dark modules."""
    runs = []
    for r, row in enumerate(matrix):
        c, n = 0, len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return runs


def qr_svg(text: str, size_px: int = 132) -> str:
    """An inline SVG of the code (quiet zone included), safe to embed in HTML."""
    matrix = qr_matrix(text)
    n = len(matrix) + 2 * QUIET_ZONE
    path = "".join(f"M{c + QUIET_ZONE} {r + QUIET_ZONE}h{length}v1h-{length}z"
                   for r, c, length in dark_runs(matrix))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size_px}" height="{size_px}" '
            f'viewBox="0 0 {n} {n}" shape-rendering="crispEdges" role="img" '
            f'aria-label="QR code of the payment link">'
            f'<rect width="{n}" height="{n}" fill="#fff"/><path d="{path}" fill="#000"/></svg>')
