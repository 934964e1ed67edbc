"""ui/ by feature (issue 12): no flat modules left besides the shell, imports are
absolute, and the folders import one way (ui/README.md): common imports no other
folder, trust only common, setup no screen of the window."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "ui"
SHELL = {"__init__", "app", "main_window", "settings_page"}
# What each folder may import from ui/ (besides itself).
ALLOWED = {
    "common": set(),
    "trust": {"common"},
    "catalog": {"common", "trust"},
    "printing": {"common", "trust"},
    "sync": {"common", "trust"},
    "reconcile": {"common", "trust"},
    "invoices": {"common", "trust", "catalog", "printing"},
    "setup": {"common", "trust", "sync"},
    "display": {"common"},  # issue 16: the customer display
}


def ui_imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            yield node.level, node.module or ""
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield 0, alias.name


def test_only_the_shell_is_left_at_the_top():
    assert {p.stem for p in UI.glob("*.py")} == SHELL
    assert {p.name for p in UI.iterdir() if p.is_dir() and p.name != "__pycache__"} == set(ALLOWED)


def test_folders_import_one_way_and_absolutely():
    wrong = []
    for folder, allowed in ALLOWED.items():
        for path in (UI / folder).rglob("*.py"):
            for level, module in ui_imports(path):
                if level:
                    wrong.append(f"{path.relative_to(ROOT)}: relative import")
                    continue
                parts = module.split(".")
                if parts[0] == "ui" and len(parts) > 1 and parts[1] != folder \
                        and parts[1] not in allowed:
                    wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert wrong == []
