"""No import cycles in app/ and ui/, between modules or between packages.

A cycle means a responsibility sits in the wrong place (DESIGN.md, Layout).
The graph is read with `ast` (tests/app/import_graph.py): module-level imports
count, imports inside functions and under `if TYPE_CHECKING:` do not."""

from pathlib import Path

import pytest

from tests.app.import_graph import cycle_path, cycles, module_edges, module_files, package_edges

ROOT = Path(__file__).resolve().parents[2]

# Module-level imports have no cycle left, and counting the imports inside
# functions too (a lazy import must buy start-up time, not dodge a cycle) only
# this edge closes a loop, on purpose: `kasir` with no command opens the window,
# so app/cli/parser.py imports ui.app inside run_window(). The command line never
# loads Qt (tests/app/test_no_qt_in_core.py) and the window imports the core.
KNOWN_LAZY_EDGES = {
    ("app", "ui"),
}


def _graph(root: Path, packages: tuple[str, ...], lazy: bool = False):
    edges = module_edges(module_files(root, packages), lazy=lazy)
    return edges, package_edges(edges)


def _describe(edges, found) -> str:
    return "\n".join(" -> ".join(cycle_path(edges, c)) for c in found)


@pytest.fixture(scope="module")
def graph():
    return _graph(ROOT, ("app", "ui"))


@pytest.fixture(scope="module")
def lazy_graph():
    return _graph(ROOT, ("app", "ui"), lazy=True)


def test_no_module_imports_itself_round_a_loop(graph):
    edges, _ = graph
    found = cycles(edges)
    assert not found, "import cycles between modules:\n" + _describe(edges, found)


def test_no_package_imports_itself_round_a_loop(graph):
    _, packages = graph
    found = cycles(packages)
    assert not found, "import cycles between packages:\n" + _describe(packages, found)


def test_no_cycle_hides_behind_an_import_inside_a_function(lazy_graph):
    edges, packages = lazy_graph
    found = cycles(edges - KNOWN_LAZY_EDGES)
    assert not found, "cycles through function-level imports:\n" + _describe(edges, found)
    found = cycles(packages - KNOWN_LAZY_EDGES)
    assert not found, "package cycles through function-level imports:\n" + \
        _describe(packages, found)


def test_known_exceptions_still_exist_else_delete_their_line(lazy_graph):
    edges, packages = lazy_graph
    gone = sorted(KNOWN_LAZY_EDGES - edges - packages)
    assert not gone, f"these known cycle edges are gone: delete them from this test: {gone}"


def test_the_graph_sees_the_real_layers(graph):
    edges, packages = graph
    assert ("app.services.invoices", "app.store.uow") in edges or \
        any(s == "app.services.invoices" and t.startswith("app.store") for s, t in edges)
    assert ("app.services", "app.store") in packages
    assert ("ui", "app") in packages


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_cycle_between_two_modules_is_found(tmp_path):
    _write(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": "from pkg import b\n",
                      "pkg/b.py": "from .a import x\n"})
    edges, _ = _graph(tmp_path, ("pkg",))
    assert cycles(edges) == [["pkg.a", "pkg.b"]]


def test_a_cycle_between_packages_is_found_though_no_two_modules_loop(tmp_path):
    # services.audit -> trust.chain and trust.staff -> services.context: no module
    # cycle, but the packages depend on each other (the cycle this branch removed).
    _write(tmp_path, {"app/__init__.py": "", "app/services/__init__.py": "",
                      "app/trust/__init__.py": "",
                      "app/services/audit.py": "from app.trust.chain import append\n",
                      "app/services/context.py": "",
                      "app/trust/chain.py": "",
                      "app/trust/staff.py": "import app.services.context\n"})
    edges, packages = _graph(tmp_path, ("app",))
    assert cycles(edges) == []
    assert cycles(packages) == [["app.services", "app.trust"]]


def test_imports_in_functions_and_under_type_checking_do_not_count(tmp_path):
    _write(tmp_path, {"pkg/__init__.py": "",
                      "pkg/a.py": "from pkg import b\n",
                      "pkg/b.py": ("from typing import TYPE_CHECKING\n"
                                   "if TYPE_CHECKING:\n    from pkg.a import X\n"
                                   "def f():\n    from pkg import a\n")})
    edges, _ = _graph(tmp_path, ("pkg",))
    assert edges == {("pkg.a", "pkg.b")}
    assert cycles(edges) == []


def test_from_package_import_name_is_an_edge_to_the_submodule_or_the_package(tmp_path):
    _write(tmp_path, {"pkg/__init__.py": "VALUE = 1\n", "pkg/sub.py": "",
                      "pkg/user.py": "from pkg import sub, VALUE\n"})
    edges, _ = _graph(tmp_path, ("pkg",))
    assert edges == {("pkg.user", "pkg.sub"), ("pkg.user", "pkg")}
