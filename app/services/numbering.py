"""Per-till gapless numbers, taken inside the transaction that uses them."""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlalchemy.orm import Session

from app.store.models import NumberSeries

PREFIXES = {"invoice": "", "receipt": "R", "refund": "F"}

_T = NumberSeries.__table__
# One statement takes the number and locks the row until the transaction ends
# (issue 18: the ORM's select-then-flush cost a sale two round trips and a flush).
_TAKE = (_T.update().where(_T.c.till_code == bindparam("b_till"), _T.c.kind == bindparam("b_kind"))
         .values(last_value=_T.c.last_value + 1).returning(_T.c.last_value))
_START = _T.insert().values(last_value=1)


def next_number(session: Session, till: str, kind: str) -> str:
    """`T1-000042` (invoice) or `T1-R000042` (receipt). Rolled back with the action,
    so a number is either used or never taken: no gaps. A series starts at 1 on
    first use; two tills starting one at once collide on its key and the loser's
    action is retried (app/services/retry.py)."""
    conn = session.connection()
    value = conn.execute(_TAKE, {"b_till": till, "b_kind": kind}).scalar()
    if value is None:
        conn.execute(_START, {"till_code": till, "kind": kind})
        value = 1
    return f"{till}-{PREFIXES[kind]}{value:06d}"
