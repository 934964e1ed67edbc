"""Engine factory: SQLite by default (WAL, synchronous=FULL, foreign keys,
IMMEDIATE write transactions), or any SQLAlchemy URL such as PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event

from .db_file import check_database_path

READ = "read"
SINGLE_READ = "single_read"  # one SELECT: atomic by itself, no transaction needed


def default_db_path() -> Path:
    return Path(user_data_dir("kasir", "Kasir")) / "kasir.db"


def to_url(db: str | os.PathLike | None) -> str:
    """A path (or None for the default file) becomes a SQLite URL; URLs pass through."""
    if db is None:
        db = default_db_path()
    text = str(db)
    if "://" in text:
        return text
    path = Path(text).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def sqlite_path(db: str | os.PathLike | None) -> Path | None:
    """The file a path or `sqlite:///` URL names (None for other URLs and memory)."""
    text = str(default_db_path() if db is None else db)
    if "://" not in text:
        return Path(text).expanduser().resolve()
    if text.startswith("sqlite:///") and not text.startswith("sqlite:///:memory:"):
        return Path(text[len("sqlite:///"):].split("?", 1)[0])
    return None


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(db: str | os.PathLike | None = None, *, echo: bool = False) -> Engine:
    """The engine for `db`. A SQLite file is checked first (app/store/db_file.py): one that
    is not Kasir's database is refused with a DatabaseUnusableError and left untouched."""
    path = sqlite_path(db)
    if path is not None:
        check_database_path(path)
    url = to_url(db)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False}
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Take transaction control from the driver so that we can BEGIN IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Writers take the lock up front, so two tills never both read a
        # counter and then fail to upgrade; readers stay deferred.
        mode = conn.get_execution_options().get("kasir_mode")
        if mode == SINGLE_READ:
            return
        if mode == READ:
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
