"""Alembic migrations, shipped in the package and applied at start-up."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def head_revisions() -> set[str]:
    """Features add their migrations on their own branches; all heads are applied."""
    from alembic.script import ScriptDirectory

    cfg = alembic_config(None)  # type: ignore[arg-type]
    return set(ScriptDirectory.from_config(cfg).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    if not inspect(engine).has_table("alembic_version"):
        return set()
    with engine.connect() as conn:
        return {r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}


def needs_upgrade(engine: Engine) -> bool:
    return current_revisions(engine) != head_revisions()


def upgrade(engine: Engine, revision: str = "heads") -> None:
    from alembic import command

    command.upgrade(alembic_config(engine), revision)
