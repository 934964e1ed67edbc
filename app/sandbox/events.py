"""Events: ``/api/v1/events`` — the feed a client pulls to learn what changed."""

from __future__ import annotations


from .checkout import EVENT_TYPES as CHECKOUT_EVENT_TYPES
from .common import existing, query_filters
from .context import Ctx, Reply, page_reply

EVENT_TYPES = {
    "plugipay.customer.created.v1": "A customer was created.",
    "plugipay.customer.updated.v1": "A customer was changed.",
    "plugipay.invoice.created.v1": "An invoice was created (draft or open).",
    "plugipay.invoice.finalized.v1": "An invoice was finalized: it has a number and is open.",
    "plugipay.invoice.paid.v1": "An invoice was paid.",
    "plugipay.invoice.voided.v1": "An invoice was voided.",
    "plugipay.invoice.marked_uncollectible.v1": "An invoice was written off.",
    "plugipay.invoice.sent.v1": "An invoice was emailed to the customer.",
    "plugipay.receipt.created.v1": "A receipt was issued for a payment.",
    "plugipay.refund.created.v1": "A refund was made.",
    "plugipay.refund.succeeded.v1": "A refund reached the customer.",
    **CHECKOUT_EVENT_TYPES,
}


def _get(ctx: Ctx) -> Reply:
    doc = existing(ctx.store, "events", "event", ctx.params[0])
    return Reply(doc)


def _list(ctx: Ctx) -> Reply:
    where, params = query_filters(ctx.query, equal={"type": "type"},
                                  after={"occurredAfter": "occurred_at"},
                                  before={"occurredBefore": "occurred_at"})
    items, cursor, more = ctx.store.page("events", where, params, **ctx.list_args())
    return page_reply(items, cursor, more)


def _types(ctx: Ctx) -> Reply:
    return Reply([{"type": t, "description": d} for t, d in sorted(EVENT_TYPES.items())])


ROUTES = [
    ("GET", r"/api/v1/events", _list),
    ("GET", r"/api/v1/events/types", _types),
    ("GET", r"/api/v1/events/([^/]+)", _get),
]
