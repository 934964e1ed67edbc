"""The tamper tests' workbench: a finished shop database held in memory, a fresh
copy of it for each trial, and the app's own verifier run over that copy."""

from __future__ import annotations

import sqlite3

from sqlalchemy import create_engine
from sqlalchemy.pool import StaticPool

from app.trust.chain import verify_connection


def into_memory(path) -> sqlite3.Connection:
    """The database file at `path`, copied whole into memory (the file's store is closed)."""
    mem = sqlite3.connect(":memory:")
    disk = sqlite3.connect(path)
    disk.backup(mem)
    disk.close()
    return mem


def fresh_copy(pristine: sqlite3.Connection) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    pristine.backup(conn)
    return conn


def verify_copy(conn: sqlite3.Connection):
    engine = create_engine("sqlite://", creator=lambda: conn, poolclass=StaticPool)
    with engine.connect() as c:
        return verify_connection(c)
