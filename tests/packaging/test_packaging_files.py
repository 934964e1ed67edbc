"""Fast checks of the packaging files, without building anything.

The bundle itself is built and run by test_bundle.py (slow, opt-in).
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons"
RULES = PACKAGING / "udev" / "60-kasir-thermal-printers.rules"


def _load(name: str, path: Path):
    # By path: a folder called `packaging` must not shadow the PyPI package of that name.
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bundle():
    return _load("kasir_bundle", PACKAGING / "kasir_bundle.py")


@pytest.fixture(scope="module")
def build_script():
    return _load("kasir_build", PACKAGING / "build.py")


# ---------------------------------------------------------------- spec and bundle contents

def test_spec_is_python_and_uses_the_bundle_lists():
    source = (PACKAGING / "kasir.spec").read_text(encoding="utf-8")
    tree = ast.parse(source, filename="kasir.spec")
    called = {n.func.id for n in ast.walk(tree)
              if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert {"Analysis", "PYZ", "EXE", "COLLECT"} <= called
    for used in ("kasir_bundle.datas", "kasir_bundle.hidden_imports", "kasir_bundle.keep_data",
                 "kasir_bundle.EXCLUDES", "kasir_bundle.entry_script", "kasir_bundle.icon_for"):
        assert used in source
    # Same spec on Windows: no hard-coded POSIX paths or separators.
    assert "/usr/" not in source and "/tmp" not in source and "os.sep" not in source
    assert "exclude_binaries=True" in source  # one folder, not one file


def test_entry_script_runs_the_cli(bundle):
    entry = bundle.entry_script()
    assert entry.is_file()
    text = entry.read_text(encoding="utf-8")
    assert "from app.cli import main" in text and "sys.exit(main())" in text


def test_every_data_file_exists_and_lands_inside_the_bundle(bundle):
    datas = bundle.datas()
    assert datas
    for src, dest in datas:
        assert Path(src).is_file(), src
        assert "\\" not in dest and not PurePosixPath(dest).is_absolute(), dest
        assert ".." not in PurePosixPath(dest).parts, dest
        assert "__pycache__" not in src and not src.endswith(".pyc")


def test_migrations_ship_as_files_mirroring_the_package(bundle):
    shipped = {(Path(src).name, dest) for src, dest in bundle.datas()}
    versions = sorted((ROOT / "app/store/migrations/versions").glob("*.py"))
    assert versions
    for path in versions:
        assert (path.name, "app/store/migrations/versions") in shipped, path.name
    assert ("env.py", "app/store/migrations") in shipped
    assert ("script.py.mako", "app/store/migrations") in shipped


def test_alembic_upgrades_from_the_relocated_migrations(bundle, tmp_path):
    """Lay the data files out as the bundle does and migrate a new database from there."""
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect

    from app.store.engine import make_engine
    from app.store.migrate import current_revisions, head_revisions

    internal = tmp_path / "_internal"
    for src, dest in bundle.datas():
        if dest.startswith("app/store/migrations"):
            target = internal / dest
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
    location = internal / "app" / "store" / "migrations"
    engine = make_engine(tmp_path / "frozen.db")
    try:
        cfg = Config()
        cfg.set_main_option("script_location", str(location))
        cfg.attributes["engine"] = engine
        heads = set(ScriptDirectory.from_config(cfg).get_heads())
        assert heads == head_revisions()
        command.upgrade(cfg, "heads")
        assert current_revisions(engine) == heads
        assert {"invoices", "customers", "outbox"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_printer_fonts_and_locales_are_shipped(bundle):
    from app.domain.currency import CURRENCIES

    shipped = {(Path(src).name, dest) for src, dest in bundle.datas()}
    assert ("capabilities.json", "escpos") in shipped
    assert ("global.dat", "babel") in shipped
    assert ("Vera.ttf", "reportlab/fonts") in shipped and ("VeraBd.ttf", "reportlab/fonts") in shipped
    for currency in CURRENCIES.values():  # every locale money is formatted in
        assert currency.locale in bundle.BABEL_LOCALES
        assert (f"{currency.locale}.dat", "babel/locale-data") in shipped
        language = currency.locale.split("_")[0]
        assert (f"{language}.dat", "babel/locale-data") in shipped
    assert ("root.dat", "babel/locale-data") in shipped
    assert ("kasir.png", "resources/icons") in shipped


def test_keep_data_drops_other_locales_and_translations(bundle):
    keep = bundle.keep_data
    assert keep("babel/locale-data/id_ID.dat") and keep("babel/locale-data/en_US.dat")
    assert keep("babel/locale-data/root.dat") and keep("babel/global.dat")
    assert not keep("babel/locale-data/fr.dat") and not keep("babel/locale-data/id_ID_x.dat")
    assert not keep("babel/locale-data/LICENSE.unicode")
    assert not keep("babel\\locale-data\\de_DE.dat")  # Windows separators from a hook
    assert keep("PySide6/Qt/translations/qtbase_en.qm")
    assert not keep("PySide6/Qt/translations/qtbase_de.qm")
    assert keep("escpos/capabilities.json") and keep("app/store/migrations/env.py")


def test_hidden_imports_cover_what_is_imported_by_name(bundle):
    from app.cli.parser import FEATURE_GROUPS

    hidden = set(bundle.hidden_imports())
    for module in FEATURE_GROUPS:  # every command group ships
        assert module.__name__ in hidden, module.__name__
    assert "app.cli" in hidden
    if (ROOT / "ui" / "app.py").is_file():
        assert "ui.app" in hidden  # the window is imported lazily by app.cli
    # What Alembic's env.py and the revision files import: PyInstaller never reads them.
    assert {"alembic.op", "alembic.context", "app.store.types", "app.store.models_all",
            "sqlalchemy"} <= hidden
    assert not any(n.startswith("app.store.migrations") for n in hidden)
    assert not any(n.split(".")[0] in ("pytest", "_pytest", "hypothesis") for n in hidden)


def test_imports_of_files_finds_submodules(bundle, tmp_path):
    src = tmp_path / "rev.py"
    src.write_text("from __future__ import annotations\nimport sqlalchemy as sa\n"
                   "from alembic import op\nfrom app.store import types\nfrom . import x\n")
    found = bundle.imports_of_files([src])
    assert {"sqlalchemy", "alembic", "alembic.op", "app.store", "app.store.types"} <= found
    assert "__future__" not in found and "x" not in found


def test_executable_icon_per_platform(bundle):
    assert bundle.icon_for("Windows").endswith("kasir.ico")
    assert Path(bundle.icon_for("Windows")).is_file()
    assert bundle.icon_for("Linux") is None  # Linux takes it from the .desktop file


def test_build_script_knows_the_executable_name(build_script, monkeypatch):
    monkeypatch.setattr(build_script.platform, "system", lambda: "Windows")
    assert build_script.executable_path(Path("dist")) == Path("dist/kasir/kasir.exe")
    monkeypatch.setattr(build_script.platform, "system", lambda: "Linux")
    assert build_script.executable_path(Path("dist")) == Path("dist/kasir/kasir")
    assert build_script.SPEC.is_file()


def test_build_script_help_runs_without_pyinstaller():
    out = subprocess.run([sys.executable, str(PACKAGING / "build.py"), "--help"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "--dist" in out.stdout and "--clean" in out.stdout


# ---------------------------------------------------------------- desktop file and icon

def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read(PACKAGING / "kasir.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_file():
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Kasir"
    assert entry["Exec"].split()[0] == "kasir" and entry["TryExec"] == "kasir"
    assert entry["Icon"] == "kasir"  # looked up in the icon theme, where README installs it
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";") and "Office" in entry["Categories"].split(";")
    assert entry["Keywords"].endswith(";")
    for key in entry:
        assert re.fullmatch(r"[A-Za-z0-9-]+(\[[A-Za-z_@]+\])?", key), key
    assert (ICONS / f"{entry['Icon']}.png").is_file() and (ICONS / f"{entry['Icon']}.svg").is_file()


# The Desktop Entry Specification 1.5's keys (what desktop-file-validate checks the file
# against), by value type; checked here in Python, so no system tool is needed.
_DESKTOP_KEYS = {
    "string": {"Type", "Version", "Exec", "TryExec", "Path", "StartupWMClass", "URL"},
    "localestring": {"Name", "GenericName", "Comment", "Icon"},
    "boolean": {"NoDisplay", "Hidden", "DBusActivatable", "Terminal", "StartupNotify",
                "PrefersNonDefaultGPU", "SingleMainWindow"},
    "list": {"OnlyShowIn", "NotShowIn", "Actions", "MimeType", "Categories", "Implements",
             "Keywords"},
}
_MAIN_CATEGORIES = {"AudioVideo", "Audio", "Video", "Development", "Education", "Game",
                    "Graphics", "Network", "Office", "Science", "Settings", "System", "Utility"}


def test_desktop_file_follows_the_specification():
    lines = [l for l in (PACKAGING / "kasir.desktop").read_text(encoding="utf-8").splitlines()
             if l.strip() and not l.startswith("#")]
    assert lines[0] == "[Desktop Entry]"
    kinds = {key: kind for kind, keys in _DESKTOP_KEYS.items() for key in keys}
    seen = set()
    for line in lines[1:]:
        assert not line.startswith("["), f"only one group is expected: {line}"
        key, sep, value = line.partition("=")
        assert sep and key == key.strip() and value == value.strip(), line
        assert key not in seen, f"{key} given twice"
        seen.add(key)
        base, _, locale = key.partition("[")
        kind = kinds.get(base)
        assert kind or base.startswith("X-"), f"{base} is not a Desktop Entry key"
        if locale:
            assert kind in ("localestring", "list") and re.fullmatch(r"[a-z]{2,3}(_[A-Z]{2})?(@\w+)?\]",
                                                                    locale), key
        if kind == "boolean":
            assert value in ("true", "false"), line
        if kind == "list":
            assert value.endswith(";") and ";;" not in value, line
    assert {"Type", "Name", "Exec"} <= seen
    assert _desktop_entry()["Version"] in ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5")
    assert _MAIN_CATEGORIES & set(_desktop_entry()["Categories"].split(";"))


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_icons():
    assert _png_size(ICONS / "kasir.png") == (256, 256)
    svg = ET.parse(ICONS / "kasir.svg").getroot()
    assert svg.tag.endswith("svg") and svg.get("viewBox") == "0 0 256 256"
    ico = (ICONS / "kasir.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 4
    sizes = {ico[6 + 16 * i] or 256 for i in range(count)}  # width byte; 0 means 256
    assert {16, 32, 48, 256} <= sizes


# ---------------------------------------------------------------- udev rule

_TOKEN = re.compile(r'\s*([A-Z_]+(?:\{[^}]+\})?)\s*(==|!=|\+=|-=|:=|=)\s*"([^"]*)"\s*(,|$)')


def _rules() -> list[list[tuple[str, str, str]]]:
    rules = []
    for number, line in enumerate(RULES.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        tokens, pos = [], 0
        while pos < len(line):
            m = _TOKEN.match(line, pos)
            assert m, f"line {number} does not parse at {line[pos:]!r}"
            tokens.append(m.groups()[:3])
            pos = m.end()
        rules.append(tokens)
    return rules


def test_udev_rule_parses_and_grants_access():
    assert re.fullmatch(r"\d\d-[a-z0-9-]+\.rules", RULES.name)
    assert int(RULES.name[:2]) < 73  # uaccess tags are applied in 73-seat-late.rules
    labels = {v for rule in _rules() for k, op, v in rule if k == "LABEL"}
    granting = []
    for rule in _rules():
        keys = {k for k, _, _ in rule}
        if "GOTO" in keys:
            assert {v for k, _, v in rule if k == "GOTO"} <= labels
            continue
        if "LABEL" in keys:
            continue
        assert ("MODE", "=", "0660") in rule and ("GROUP", "=", "lp") in rule
        assert ("TAG", "+=", "uaccess") in rule
        granting.append(rule)
    vendors = {v for rule in granting for k, _, v in rule if k == "ATTR{idVendor}"}
    for vid in vendors | {v for rule in granting for k, _, v in rule if k == "ATTR{idProduct}"}:
        assert re.fullmatch(r"[0-9a-f]{4}", vid), vid
    assert {"0416", "04b8", "0fe6", "1fc9", "28e9"} <= vendors
    assert any(("ATTR{idVendor}", "==", "0416") in r and ("ATTR{idProduct}", "==", "5011") in r
               for r in granting)
    assert any(k == "ENV{ID_USB_INTERFACES}" and ":07" in v for r in granting for k, _, v in r)


def test_readme_documents_build_and_udev_install():
    text = (PACKAGING / "README.md").read_text(encoding="utf-8")
    for needed in ("python packaging/build.py", "/etc/udev/rules.d",
                   "udevadm control --reload-rules", "udevadm trigger", "usermod -aG lp",
                   RULES.name, "kasir.desktop", "KASIR_BUILD_BUNDLE=1"):
        assert needed in text, needed
