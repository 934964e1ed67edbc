"""A digest of every table of a store: a refused action must leave it unchanged."""

import hashlib

from sqlalchemy import inspect, text


def digest(store) -> dict[str, str]:
    out = {}
    with store.engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            rows = conn.execute(text(f'SELECT * FROM "{table}" ORDER BY 1')).all()
            out[table] = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
    return out
