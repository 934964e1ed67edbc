"""Per-till gapless numbers, taken inside the transaction that uses them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.models import NumberSeries

PREFIXES = {"invoice": "", "receipt": "R", "refund": "F"}


def next_number(session: Session, till: str, kind: str) -> str:
    """`T1-000042` (invoice) or `T1-R000042` (receipt). Rolled back with the action,
    so a number is either used or never taken: no gaps."""
    row = session.execute(
        select(NumberSeries).where(NumberSeries.till_code == till, NumberSeries.kind == kind)
        .with_for_update()
    ).scalar_one_or_none()
    if row is None:
        row = NumberSeries(till_code=till, kind=kind, last_value=0)
        session.add(row)
    row.last_value += 1
    session.flush()
    return f"{till}-{PREFIXES[kind]}{row.last_value:06d}"
