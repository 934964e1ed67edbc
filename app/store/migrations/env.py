"""Alembic environment: runs on the engine Kasir hands over, never on a URL in a file."""

from alembic import context

from app.store.models_all import Base

config = context.config
engine = config.attributes.get("engine")


def run() -> None:
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run()
