"""What a route handler gets (``Ctx``) and what it answers (``Reply``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .common import iso, validation
from .store import DEFAULT_LIMIT, MAX_LIMIT, Store


@dataclass
class Ctx:
    store: Store
    method: str
    params: tuple[str, ...]
    query: dict[str, str]
    body: dict[str, Any]
    now: float
    base_url: str

    @property
    def now_iso(self) -> str:
        return iso(self.now)

    def list_args(self, default_order: str = "desc") -> dict[str, Any]:
        """``limit``, ``cursor`` and ``order`` from the query string, checked."""
        raw_limit = self.query.get("limit")
        limit = DEFAULT_LIMIT
        if raw_limit not in (None, ""):
            try:
                limit = int(raw_limit)
            except ValueError:
                raise validation("limit must be an integer") from None
            if not 1 <= limit <= MAX_LIMIT:
                raise validation(f"limit must be between 1 and {MAX_LIMIT}")
        order = self.query.get("order") or default_order
        if order not in ("asc", "desc"):
            raise validation("order must be asc or desc")
        return {"limit": limit, "order": order, "cursor": self.query.get("cursor") or None}


@dataclass
class Reply:
    data: Any
    status: int = 200
    meta: dict[str, Any] = field(default_factory=dict)
    html: str | None = None


def page_reply(items: list[Any], cursor: str | None, has_more: bool) -> Reply:
    return Reply(items, meta={"cursor": cursor, "hasMore": has_more})
