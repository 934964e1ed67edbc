"""Alembic migrations, shipped in the package and applied at start-up."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from sqlalchemy import Engine, inspect

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine):
    from alembic.config import Config  # lazy: Alembic only when migrations run

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


_REV = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+)$", re.M)


def head_revisions() -> set[str]:
    """Features add their migrations on their own branches; all heads are applied.

    Read from the revision files' own lines rather than through Alembic, whose
    import would cost a third of a second on every start-up with nothing to do."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict((k, ast.literal_eval(v.strip())) for k, v in _REV.findall(path.read_text()))
        if "revision" not in found:
            continue
        revisions.add(found["revision"])
        down = found.get("down_revision")
        if isinstance(down, str):
            parents.add(down)
        elif down:
            parents.update(down)
    return revisions - parents


def current_revisions(engine: Engine) -> set[str]:
    if not inspect(engine).has_table("alembic_version"):
        return set()
    with engine.connect() as conn:
        return {r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}


def needs_upgrade(engine: Engine) -> bool:
    return current_revisions(engine) != head_revisions()


def upgrade(engine: Engine, revision: str = "heads") -> None:
    from alembic import command  # lazy: Alembic only when migrations run

    command.upgrade(alembic_config(engine), revision)
