"""Render resources/icons/kasir.svg into the PNG and ICO files the packages need.

    python packaging/make_icon.py

kasir.png (256 px) is what the Linux .desktop file and the window use;
kasir.ico (16 to 256 px) is the Windows executable's icon. Both are checked in,
so a build does not need this script; run it again after changing the SVG.
Renders with Qt (offscreen, no display needed) and writes the ICO with Pillow.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SVG = ICONS / "kasir.svg"
PNG = ICONS / "kasir.png"
ICO = ICONS / "kasir.ico"
PNG_SIZE = 256
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_png(svg: Path = SVG, png: Path = PNG, size: int = PNG_SIZE) -> Path:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 (keeps Qt alive)
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG image.")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(png), "PNG"):
        raise SystemExit(f"Could not write {png}.")
    return png


def write_ico(png: Path = PNG, ico: Path = ICO) -> Path:
    from PIL import Image

    with Image.open(png) as img:
        img.save(ico, format="ICO", sizes=[(s, s) for s in ICO_SIZES])
    return ico


def main() -> int:
    print(render_png())
    print(write_ico())
    return 0


if __name__ == "__main__":
    sys.exit(main())
