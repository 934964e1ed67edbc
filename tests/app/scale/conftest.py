"""A real PostgreSQL server for the several-tills tests, started once per session.

Outside CI a machine without PostgreSQL skips these tests with the reason; in
CI (CI=true) a server that cannot start fails them instead."""

from __future__ import annotations

import itertools
import os

import pytest

from app.bench.pg_server import PostgresServer, PostgresUnavailable, find_bin_dir

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def pg_server():
    if IN_CI:
        import psycopg  # noqa: F401  (CI must have the driver: fail, don't skip)
    else:
        pytest.importorskip("psycopg", reason="psycopg 3 is not installed "
                            "(pip install 'psycopg[binary]')")
    if find_bin_dir() is None and not IN_CI:
        pytest.skip("PostgreSQL is not installed here (apt-get install postgresql); "
                    "CI runs these tests.")
    server = PostgresServer()
    try:
        server.start()
    except PostgresUnavailable as err:
        server.stop()
        if IN_CI:
            pytest.fail(f"PostgreSQL would not start: {err}")
        pytest.skip(f"PostgreSQL would not start: {err}")
    yield server
    server.stop()


_names = itertools.count(1)


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database on the shared server for each test."""
    return pg_server.create_database(f"kasir_t{next(_names)}")


def pytest_collection_modifyitems(config, items):
    """The soaks here take minutes: run them only when asked (`-m slow` or
    KASIR_SLOW=1), so the default suite stays short."""
    if "slow" in (config.getoption("-m") or "") or os.environ.get("KASIR_SLOW") == "1":
        return
    here = os.path.dirname(__file__)
    skip = pytest.mark.skip(reason="a long soak: run with -m slow or KASIR_SLOW=1")
    for item in items:
        if item.get_closest_marker("slow") and str(item.fspath).startswith(here):
            item.add_marker(skip)
