"""What the status bar shows about sync: how many operations wait to be sent."""

from __future__ import annotations

from sqlalchemy import func, select

from app.store.models import OutboxOperation

from .context import Context


def pending_operations(ctx: Context) -> int:
    with ctx.store.reader() as uow:
        return int(uow.session.execute(
            select(func.count()).select_from(OutboxOperation)
            .where(OutboxOperation.state == "pending")).scalar_one())
