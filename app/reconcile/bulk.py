"""Statement lines written in bulk: one executemany per batch on the database
driver's own cursor, in the session's transaction, the statement compiled once
per import. A line whose fingerprint is already stored is left out by the
database itself (ON CONFLICT DO NOTHING on SQLite and PostgreSQL; a look-up
first on any other). The SQL and its parameter style come from the dialect
the session runs on."""

from __future__ import annotations

from sqlalchemy import case, func, insert, select
from sqlalchemy.orm import Session

from app.store.reconcile_models import StatementLine

COLUMNS = ("statement_id", "bank", "account", "currency", "booked_on", "amount", "description",
           "balance", "bank_ref", "fingerprint", "state", "created_at")
FINGERPRINT = COLUMNS.index("fingerprint")
LOOKUP = 900  # fingerprints per IN (...) look-up, under every database's parameter limit


def _insert_ignoring_known(dialect_name: str):
    table = StatementLine.__table__
    if dialect_name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        return insert(table), False
    return dialect_insert(table).on_conflict_do_nothing(index_elements=["fingerprint"]), True


class LineWriter:
    """Inserts rows (tuples in the order of COLUMNS, values as the driver takes them:
    see `value`) as statement lines of one import."""

    def __init__(self, session: Session):
        self.session = session
        conn = session.connection()
        self._dialect = conn.dialect
        stmt, self._ignores = _insert_ignoring_known(self._dialect.name)
        compiled = stmt.compile(dialect=self._dialect, column_keys=list(COLUMNS))
        self._sql = str(compiled)
        self._order = None
        if compiled.positional:
            order = [COLUMNS.index(k) for k in compiled.positiontup]
            self._order = None if order == list(range(len(COLUMNS))) else order
            self._named = False
        else:
            self._named = True
        self._cursor = conn.connection.driver_connection.cursor()
        dbapi = self._dialect.dbapi
        # sqlite3 adapts dates and datetimes itself, per row: done here, once per value
        self._adapt = getattr(dbapi, "adapt", None) if self._dialect.name == "sqlite" else None

    def value(self, column: str, value):
        """`value` as the driver takes it for `column`: the column type's own bind
        conversion, then the driver's adapter if it has one."""
        proc = StatementLine.__table__.c[column].type.bind_processor(self._dialect)
        if proc is not None and value is not None:
            value = proc(value)
        if self._adapt is not None and value is not None:
            value = self._adapt(value, self._dialect.dbapi.PrepareProtocol, value)
        return value

    def values(self, column: str):
        """`value` for a column with few distinct values (a day), each converted once."""
        seen: dict = {}

        def convert(value):
            try:
                return seen[value]
            except KeyError:
                seen[value] = found = self.value(column, value)
                return found
        return convert

    def insert(self, rows: list[tuple]) -> None:
        if not self._ignores:
            rows = self._unknown(rows)
        if self._named:
            params = [dict(zip(COLUMNS, r)) for r in rows]
        elif self._order is not None:
            params = [tuple(r[i] for i in self._order) for r in rows]
        else:
            params = rows
        if params:
            self._cursor.executemany(self._sql, params)

    def _unknown(self, rows: list[tuple]) -> list[tuple]:
        """Without ON CONFLICT: the rows whose fingerprint is neither stored nor earlier in `rows`."""
        prints = [r[FINGERPRINT] for r in rows]
        seen: set = set()
        for i in range(0, len(prints), LOOKUP):
            seen.update(self.session.execute(
                select(StatementLine.fingerprint)
                .where(StatementLine.fingerprint.in_(prints[i:i + LOOKUP]))).scalars())
        out = []
        for r in rows:
            if r[FINGERPRINT] not in seen:
                seen.add(r[FINGERPRINT])
                out.append(r)
        return out

    def close(self) -> None:
        self._cursor.close()

    def added(self, statement_id: int) -> tuple[int, int]:
        """How many lines the statement got, and how many of them are credits."""
        n, credits = self.session.execute(
            select(func.count(), func.coalesce(func.sum(case((StatementLine.amount > 0, 1),
                                                             else_=0)), 0))
            .where(StatementLine.statement_id == statement_id)).one()
        return n, credits
