"""The outbox as one push pass sees it: the unfinished operations, loaded in one
query, in lanes (one per aggregate, oldest first). A batch is the oldest head
of each lane that is free to go, so per-aggregate order holds by construction:
a lane never has two operations out at once, and a held lane (waiting for its
retry time, refused, offline) holds back only itself.

Every head handed out by `take` must come back through exactly one of
`advance` (finished: the next one of its lane may go), `hold` (nothing more
from this lane in this pass), `park` (waits on another lane: ready again after
the next progress) or `again` (ready again now).

Operations queued while a pass runs are left for the next pass; the claim
transaction re-reads every operation, so one cancelled or resolved meanwhile
is never sent on the strength of this snapshot.
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.store.models import OutboxOperation

from .conflicts import UNFINISHED


@dataclass(frozen=True)
class QueuedOp:
    id: int
    aggregate: str
    operation: str
    state: str
    due: datetime | None


class Lanes:
    def __init__(self, ops):
        self._lanes: dict[str, deque[QueuedOp]] = {}
        for op in sorted(ops, key=lambda o: o.id):
            self._lanes.setdefault(op.aggregate, deque()).append(op)
        self._ready = [(lane[0].id, agg) for agg, lane in self._lanes.items()]
        heapq.heapify(self._ready)
        self._parked: list[str] = []
        # operations that may go in this pass (not those held by a conflict)
        self.count = sum(op.state == "pending" for lane in self._lanes.values() for op in lane)

    @classmethod
    def load(cls, store) -> "Lanes":
        o = OutboxOperation
        with store.reader() as uow:
            rows = uow.session.execute(
                select(o.id, o.aggregate, o.operation, o.state, o.next_attempt_at)
                .where(o.state.in_(UNFINISHED)).order_by(o.id)).all()
        return cls(QueuedOp(*row) for row in rows)

    def __bool__(self) -> bool:
        return bool(self._ready)

    def head(self, aggregate: str) -> QueuedOp:
        return self._lanes[aggregate][0]

    def take(self, n: int) -> list[QueuedOp]:
        """Up to `n` lane heads, oldest first; each is out until given back."""
        out = []
        while self._ready and len(out) < n:
            _, agg = heapq.heappop(self._ready)
            out.append(self._lanes[agg][0])
        return out

    def advance(self, aggregate: str) -> None:
        lane = self._lanes[aggregate]
        lane.popleft()
        if lane:
            heapq.heappush(self._ready, (lane[0].id, aggregate))

    def hold(self, aggregate: str) -> None:
        pass  # simply never handed out again in this pass

    def park(self, aggregate: str) -> None:
        self._parked.append(aggregate)

    def again(self, aggregate: str) -> None:
        heapq.heappush(self._ready, (self._lanes[aggregate][0].id, aggregate))

    def unpark(self) -> None:
        """Something moved: what waited on another lane may go now."""
        for agg in self._parked:
            self.again(agg)
        self._parked.clear()
