"""Alembic environment: runs on the engine Kasir hands over, never on a URL in a file."""

from alembic import context

from app.store.models_all import Base
from app.store.search import SHADOW_TABLES

config = context.config
engine = config.attributes.get("engine")


def include_object(obj, name, type_, reflected, compare_to):
    """The search index is raw FTS5, outside the models: leave it to its migration."""
    return not (type_ == "table" and name in SHADOW_TABLES)


def _sqlite_foreign_keys(connection, on: bool) -> None:
    """Set outside any transaction (SQLite ignores it inside one), on the driver's
    connection: a table rebuilt in batch mode (copy, drop, rename) must not take
    the rows of other tables that point at it with it."""
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _check_foreign_keys(connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"migration left rows pointing at nothing: {broken[:5]}")


def run() -> None:
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, False)
        try:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=sqlite,
                compare_type=True,
                include_object=include_object,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    _check_foreign_keys(connection)
            connection.commit()
        finally:
            if sqlite:
                connection.rollback()
                _sqlite_foreign_keys(connection, True)


run()
