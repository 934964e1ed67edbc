"""What goes into the PyInstaller bundle besides the code PyInstaller finds itself.

kasir.spec imports this module; it has no PyInstaller import of its own, so the
fast tests can check the list without building anything. Every path is built
with pathlib, and every destination is a folder *inside* the bundle written
with forward slashes, so the same list works on Linux, Windows and macOS.

Where things land, relative to the bundle's internal folder (sys._MEIPASS):

- ``app/store/migrations/...``  Alembic's env.py, script.py.mako and the
  revision files, as source files on disk. Alembic finds revisions by listing
  that folder and loads them with importlib from their paths, so they must not
  only be compiled into the archive. app/store/migrate.py finds the folder next
  to its own ``__file__``, which PyInstaller points at the same place.
- ``resources/...``  icons, style sheets, document templates, translations
  (``Path(__file__).resolve().parents[1] / "resources"`` from a module in
  ``app/`` or ``ui/`` finds them both in a checkout and in the bundle).
- ``escpos/capabilities.json``  python-escpos's printer database.
- ``babel/locale-data/{root,en,en_US,id,id_ID}.dat`` and ``babel/global.dat``
  (PyInstaller's babel hook collects all 1000+ locales, 32 MB; the rest are
  dropped by :func:`keep_data`).
- ``reportlab/fonts/Vera*.ttf``  the fallback document font where the system
  has no DejaVu Sans (Windows, minimal Linux installs).
- ``barcode/fonts/*``  python-barcode's font for barcodes printed as images.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
NAME = "kasir"

# Locales the app formats money and dates in (app/domain/currency.py), plus the
# parents Babel falls back through.
BABEL_LOCALES = ("root", "en", "en_US", "id", "id_ID")
# Qt's own translations (dialog buttons and the like) worth shipping.
QT_TRANSLATION_LANGS = ("id", "en")

# Python modules that must never be in the bundle (test tools, unused GUI kits).
EXCLUDES = (
    "tkinter", "_tkinter", "pytest", "_pytest", "pytestqt", "hypothesis", "IPython",
    "matplotlib", "numpy", "pandas", "PyInstaller", "setuptools", "pip", "pydoc_data",
    "app.bench",  # benchmark tooling, not for shops
    "app.sandbox.testing",  # runs the sandbox for tests and benchmarks, never for the app
    "app.store.migrations",  # loaded from files by Alembic, never imported as a package
)

# Files under a package that are never needed at run time.
_SKIP_SUFFIXES = (".pyc", ".pyo")
_SKIP_DIRS = ("__pycache__",)


def _dest(rel_parent: PurePosixPath | Path) -> str:
    text = PurePosixPath(*Path(rel_parent).parts).as_posix()
    return "." if text in ("", ".") else text


def _files_under(folder: Path):
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix not in _SKIP_SUFFIXES and not any(
                part in _SKIP_DIRS for part in path.relative_to(folder).parts):
            yield path


def _tree(folder: Path, dest_root: str) -> list[tuple[str, str]]:
    """Every file under `folder`, mirrored under `dest_root` in the bundle."""
    out = []
    for path in _files_under(folder):
        rel = path.relative_to(folder).parent
        out.append((str(path), _dest(PurePosixPath(dest_root) / PurePosixPath(*rel.parts))))
    return out


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"The package {name!r} is not installed; run pip install -e . first.")
    return Path(list(spec.submodule_search_locations)[0])


def migrations_dir(root: Path = ROOT) -> Path:
    return root / "app" / "store" / "migrations"


def app_datas(root: Path = ROOT) -> list[tuple[str, str]]:
    """Kasir's own files: migrations (as source), resources, package data."""
    datas = _tree(migrations_dir(root), "app/store/migrations")
    resources = root / "resources"
    if resources.is_dir():
        datas += _tree(resources, "resources")
    # Package data listed in pyproject (templates, style sheets, JSON) next to the code.
    patterns = {".json", ".qss", ".html", ".css", ".svg", ".png", ".ts", ".qm", ".ini", ".sql",
                ".mo"}  # the compiled translations (app/locale), read by gettext
    for pkg in ("app", "ui"):
        base = root / pkg
        if not base.is_dir():
            continue
        for path in _files_under(base):
            if path.suffix in patterns and migrations_dir(root) not in path.parents:
                rel = path.relative_to(root).parent
                datas.append((str(path), _dest(rel)))
    return datas


def third_party_datas() -> list[tuple[str, str]]:
    datas = [(str(package_dir("escpos") / "capabilities.json"), "escpos")]
    babel = package_dir("babel")
    datas.append((str(babel / "global.dat"), "babel"))
    for loc in BABEL_LOCALES:
        datas.append((str(babel / "locale-data" / f"{loc}.dat"), "babel/locale-data"))
    fonts = package_dir("reportlab") / "fonts"
    for path in sorted(fonts.glob("Vera*.ttf")) + [fonts / "bitstream-vera-license.txt"]:
        if path.is_file():
            datas.append((str(path), "reportlab/fonts"))
    barcode_fonts = package_dir("barcode") / "fonts"
    if barcode_fonts.is_dir():
        datas += _tree(barcode_fonts, "barcode/fonts")
    return datas


def datas(root: Path = ROOT) -> list[tuple[str, str]]:
    return app_datas(root) + third_party_datas()


def _modules_of(root: Path, pkg: str) -> list[str]:
    names = []
    base = root / pkg
    if not base.is_dir():
        return names
    for path in sorted(base.rglob("*.py")):
        rel = path.relative_to(root).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        if name == "app.store.migrations" or name.startswith("app.store.migrations."):
            continue
        names.append(name)
    return names


def imports_of_files(paths) -> set[str]:
    """Top-level and `from` imports of source files PyInstaller never sees (migrations)."""
    found: set[str] = set()
    for path in paths:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                # `from alembic import op`: op is a module, make sure it is collected.
                found.update(f"{node.module}.{alias.name}" for alias in node.names
                             if importlib.util.find_spec(node.module) is not None
                             and _is_submodule(node.module, alias.name))
    return {name for name in found if name != "__future__"}


def _is_submodule(package: str, name: str) -> bool:
    try:
        return importlib.util.find_spec(f"{package}.{name}") is not None
    except (ImportError, ValueError, AttributeError):
        return False


def hidden_imports(root: Path = ROOT) -> list[str]:
    """Modules imported by name at run time, which PyInstaller cannot see.

    - every module of app/ and ui/: the CLI imports its handlers' features and
      opens the window lazily;
    - what Alembic's env.py and the revision files import (loaded from disk);
    - Alembic's dialect implementations and SQLAlchemy's SQLite dialect;
    - QtSvg, so the SVG icon and images load in the window.
    """
    names = set(_modules_of(root, "app")) | set(_modules_of(root, "ui"))
    names |= imports_of_files(p for p in _files_under(migrations_dir(root)) if p.suffix == ".py")
    names |= {"alembic.ddl.sqlite", "alembic.ddl.postgresql", "alembic.runtime.migration",
              "alembic.script", "sqlalchemy.dialects.sqlite", "sqlalchemy.dialects.postgresql",
              "PySide6.QtSvg", "logging.config"}
    return sorted(n for n in names if not any(n == e or n.startswith(e + ".") for e in EXCLUDES))


def keep_data(dest_name: str) -> bool:
    """Filter for the spec's collected data files (destination paths in the bundle)."""
    parts = PurePosixPath(dest_name.replace("\\", "/")).parts
    if len(parts) >= 3 and parts[0] == "babel" and parts[1] == "locale-data":
        return parts[-1].endswith(".dat") and parts[-1][:-4] in BABEL_LOCALES
    if "translations" in parts and parts[-1].endswith(".qm") and "Qt" in parts:
        stem = parts[-1][:-3]  # qtbase_id, qt_help_en, ...
        return stem.rsplit("_", 1)[-1] in QT_TRANSLATION_LANGS
    return True


def entry_script(root: Path = ROOT) -> Path:
    return root / "packaging" / "kasir_entry.py"


def icon_for(system: str, root: Path = ROOT) -> str | None:
    """The executable icon for this platform (Linux takes its icon from the .desktop file)."""
    icons = root / "resources" / "icons"
    wanted = {"Windows": icons / "kasir.ico", "Darwin": icons / "kasir.icns"}.get(system)
    return str(wanted) if wanted is not None and wanted.is_file() else None
