"""Developer-only code stays out of what shops run: nothing the app ships imports
the benchmark or the sandbox's test runner, and the bundle leaves both out."""

import sys
from pathlib import Path

from tests.app.import_graph import module_edges, module_files

ROOT = Path(__file__).resolve().parents[2]
DEVELOPER_ONLY = ("app.bench", "app.sandbox.testing")


def _is_dev(name: str) -> bool:
    return any(name == d or name.startswith(d + ".") for d in DEVELOPER_ONLY)


def test_no_shipped_module_imports_developer_only_code():
    edges = module_edges(module_files(ROOT, ("app", "ui")), lazy=True)
    leaks = sorted((s, t) for s, t in edges if _is_dev(t) and not _is_dev(s))
    assert not leaks, leaks


def test_the_bundle_leaves_developer_only_code_out():
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        import kasir_bundle
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    assert set(DEVELOPER_ONLY) <= set(kasir_bundle.EXCLUDES)
