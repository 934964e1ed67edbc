"""Refunds: ``/api/v1/refunds`` — money given back on a paid invoice.

``create_refund`` is the domain action, shared by the API route and the
sandbox dashboard. Validation as Plugipay does it: the source must exist
(404 ``not_found``) and be paid (409 ``conflict``); ``amount`` is a positive
integer no larger than what was paid less what was already refunded
(400 ``validation_error``; left out, it is everything that is left);
``reason`` is one of Plugipay's. A manual invoice payment is refunded at once:
the refund is ``succeeded`` when it is made. Idempotency and fault injection
are the dispatcher's, as for every route.
"""

from __future__ import annotations

from typing import Any

from .common import (ACCOUNT_ID, ApiError, check_fields, check_int, check_metadata, existing,
                     conflict, new_id, not_found, validation)
from .context import Ctx, Reply, page_reply
from .store import Store

SOURCE_TYPES = ("checkout_session", "invoice")
REASONS = ("duplicate", "fraudulent", "requested_by_customer", "other")
STATUSES = ("pending", "succeeded", "failed")
FIELDS = {"chargeId", "sourceType", "sourceId", "amount", "reason", "metadata"}


def refunded(store: Store, source_id: str) -> int:
    """What was already given back on a source (succeeded or pending refunds)."""
    row = store.conn.execute(
        "SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE source_id = ? AND status != 'failed'",
        (source_id,)).fetchone()
    return int(row[0])


def _source(store: Store, body: dict[str, Any]) -> dict:
    source_type = body.get("sourceType")
    source_id = body.get("sourceId")
    if source_type is None and body.get("chargeId"):
        raise validation("chargeId refunds need a provider charge; give sourceType and sourceId")
    if source_type not in SOURCE_TYPES:
        raise validation(f"sourceType must be one of {', '.join(SOURCE_TYPES)}")
    if not isinstance(source_id, str) or not source_id:
        raise validation("sourceId is required")
    if source_type == "checkout_session":
        raise not_found("checkout_session", source_id)  # refunds of a checkout session: not built yet
    invoice = existing(store, "invoices", "invoice", source_id)
    if invoice["status"] != "paid":
        raise conflict(f"Invoice {source_id} is {invoice['status']}: only a paid invoice can be "
                       "refunded")
    return invoice


def create_refund(store: Store, body: dict[str, Any], now_iso: str) -> dict:
    check_fields(body, FIELDS, "refund")
    amount = check_int(body, "amount", minimum=1)
    reason = body.get("reason")
    if reason is not None and reason not in REASONS:
        raise validation(f"reason must be one of {', '.join(REASONS)}")
    metadata = check_metadata(body) or {}
    with store.transaction():
        invoice = _source(store, body)
        left = invoice["amountPaid"] - refunded(store, invoice["id"])
        if left <= 0:
            raise validation(f"Invoice {invoice['id']} has already been refunded in full")
        if amount is None:
            amount = left
        if amount > left:
            raise ApiError(400, "validation_error",
                           f"amount {amount} exceeds what is left to refund ({left})")
        refund_id = new_id("re")
        doc = {
            "id": refund_id,
            "arn": f"arn:plugipay:refund:{ACCOUNT_ID}/{refund_id}",
            "accountId": ACCOUNT_ID,
            "chargeId": invoice["id"],  # a manual payment is its own charge
            "invoiceId": invoice["id"],
            "sourceType": "invoice",
            "sourceId": invoice["id"],
            "amount": amount,
            "currency": invoice["currency"],
            "reason": reason,
            "status": "succeeded",
            "failureCode": None,
            "failureMessage": None,
            "metadata": metadata,
            "createdAt": now_iso,
            "updatedAt": now_iso,
        }
        store.insert("refunds", doc, created_at=now_iso, source_id=invoice["id"],
                     status="succeeded", amount=amount)
        store.add_event("plugipay.refund.created.v1", doc, now_iso)
        store.add_event("plugipay.refund.succeeded.v1", doc, now_iso)
    return doc


# ── routes ────────────────────────────────────────────────────────────
def _create(ctx: Ctx) -> Reply:
    return Reply(create_refund(ctx.store, ctx.body, ctx.now_iso), status=201)


def _get(ctx: Ctx) -> Reply:
    doc = existing(ctx.store, "refunds", "refund", ctx.params[0])
    return Reply(doc)


def _list(ctx: Ctx) -> Reply:
    q = ctx.query
    where: list[str] = []
    params: list[Any] = []
    if q.get("status"):
        if q["status"] not in STATUSES:
            raise validation(f"status must be one of {', '.join(STATUSES)}")
        where.append("status = ?")
        params.append(q["status"])
    if q.get("chargeId"):
        where.append("source_id = ?")
        params.append(q["chargeId"])
    items, cursor, more = ctx.store.page("refunds", where, params, **ctx.list_args())
    return page_reply(items, cursor, more)


ROUTES = [
    ("POST", r"/api/v1/refunds", _create),
    ("GET", r"/api/v1/refunds", _list),
    ("GET", r"/api/v1/refunds/([^/]+)", _get),
]
