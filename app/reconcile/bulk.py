"""Statement lines written in bulk: one executemany on the database driver's own
cursor, in the session's transaction, with each column's conversion looked up
once (and done once per distinct value of the columns that repeat) instead of
per row by the ORM. Any dialect: the SQL and its parameter style come from
the dialect the session runs on."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.store.reconcile_models import StatementLine

COLUMNS = ("statement_id", "bank", "account", "currency", "booked_on", "amount", "description",
           "balance", "bank_ref", "fingerprint", "state", "created_at")
_REPEATING = {"booked_on", "created_at"}  # few distinct values in a file: convert each once


def _converters(dialect, table):
    out = []
    for name in COLUMNS:
        proc = table.c[name].type.bind_processor(dialect)
        if proc is not None and name in _REPEATING:
            proc = _once_per_value(proc)
        out.append(proc)
    return out


def _once_per_value(proc):
    seen: dict = {}

    def convert(value):
        try:
            return seen[value]
        except KeyError:
            seen[value] = found = proc(value)
            return found
    return convert


def insert_lines(session: Session, rows: list[tuple]) -> None:
    """Insert `rows`, tuples in the order of COLUMNS, as statement lines."""
    table = StatementLine.__table__
    conn = session.connection()
    dialect = conn.dialect
    compiled = table.insert().compile(dialect=dialect, column_keys=list(COLUMNS))
    converters = [(i, f) for i, f in enumerate(_converters(dialect, table)) if f is not None]
    converted = rows
    if converters:
        converted = []
        for row in rows:
            row = list(row)
            for i, f in converters:
                if row[i] is not None:
                    row[i] = f(row[i])
            converted.append(row)
    if compiled.positional:
        order = [COLUMNS.index(k) for k in compiled.positiontup]
        params = [tuple(r[i] for i in order) for r in converted]
    else:
        params = [dict(zip(COLUMNS, r)) for r in converted]
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.executemany(str(compiled), params)
    finally:
        cursor.close()
