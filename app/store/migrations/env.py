"""Alembic environment: runs on the engine Kasir hands over, never on a URL in a file."""

from alembic import context

from app.store.models_all import Base
from app.store.search import SHADOW_TABLES

config = context.config
engine = config.attributes.get("engine")


def include_object(obj, name, type_, reflected, compare_to):
    """The search index is raw FTS5, outside the models: leave it to its migration."""
    return not (type_ == "table" and name in SHADOW_TABLES)


def run() -> None:
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run()
