from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app.store.engine import make_engine
from app.store.migrate import current_revisions, head_revisions, needs_upgrade, upgrade
from app.store.models_all import Base
from app.store.search import SHADOW_TABLES


def test_empty_database_upgrades_to_heads_and_models_match(tmp_path):
    engine = make_engine(tmp_path / "m.db")
    assert needs_upgrade(engine)
    upgrade(engine)
    assert current_revisions(engine) == head_revisions()
    assert not needs_upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={
            "compare_type": True,
            "include_object": lambda o, name, t, r, c: not (t == "table" and name in SHADOW_TABLES)}),
            Base.metadata)
    assert diff == []
    tables = set(inspect(engine).get_table_names())
    assert {"invoices", "invoice_lines", "customers", "receipts", "payments", "history",
            "outbox", "number_series", "items", "settings"} <= tables
    engine.dispose()


def test_sqlite_pragmas(tmp_path):
    engine = make_engine(tmp_path / "p.db")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_write_transactions_begin_immediate(tmp_path):
    """Two writers never both read the number counter: the second waits for the lock."""
    import sqlite3

    from app.services.context import open_store
    store = open_store(tmp_path / "l.db")
    with store.unit_of_work() as uow:
        uow.session.connection()  # BEGIN IMMEDIATE taken here
        other = sqlite3.connect(tmp_path / "l.db", timeout=0.1)
        try:
            other.execute("BEGIN IMMEDIATE")
            raise AssertionError("second writer got the lock")
        except sqlite3.OperationalError as err:
            assert "locked" in str(err)
        finally:
            other.close()
    with store.reader() as uow:  # readers do not take the write lock
        uow.session.connection()
        other = sqlite3.connect(tmp_path / "l.db", timeout=0.1)
        other.execute("BEGIN IMMEDIATE")
        other.rollback()
        other.close()
    store.dispose()


def test_fast_head_reading_agrees_with_alembic():
    from alembic.script import ScriptDirectory

    from app.store.migrate import alembic_config
    assert head_revisions() == set(ScriptDirectory.from_config(alembic_config(None)).get_heads())
