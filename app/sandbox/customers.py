"""Customers: ``/api/v1/customers``."""

from __future__ import annotations

from typing import Any

from .common import (
    existing,
    ACCOUNT_ID,
    check_fields,
    check_metadata,
    check_str,
    new_id,
    query_filters,
    validation,
)
from .context import Ctx, Reply, page_reply
from .store import Store

FIELDS = {"email", "name", "phone", "externalId", "taxId", "defaultPaymentTokenId", "metadata"}


def _checked(body: dict[str, Any]) -> dict[str, Any]:
    check_fields(body, FIELDS, "customer")
    out: dict[str, Any] = {}
    for name in ("email", "name", "phone", "externalId", "taxId", "defaultPaymentTokenId"):
        value = check_str(body, name, 500)
        if name in body:
            out[name] = value
    email = out.get("email")
    if email is not None and "@" not in email:
        raise validation("email is not an email address")
    if "metadata" in body:
        out["metadata"] = check_metadata(body) or {}
    return out


def create_customer(store: Store, body: dict[str, Any], now_iso: str) -> dict:
    fields = _checked(body)
    doc = {
        "id": new_id("cus"),
        "accountId": ACCOUNT_ID,
        "externalId": None,
        "email": None,
        "name": None,
        "phone": None,
        "taxId": None,
        "defaultPaymentTokenId": None,
        "metadata": {},
        "createdAt": now_iso,
        "updatedAt": now_iso,
    }
    doc.update(fields)
    with store.transaction():
        store.insert("customers", doc, created_at=now_iso, email=doc["email"], external_id=doc["externalId"])
        store.add_event("plugipay.customer.created.v1", doc, now_iso)
    return doc


def create(ctx: Ctx) -> Reply:
    return Reply(create_customer(ctx.store, ctx.body, ctx.now_iso), status=201)


def get(ctx: Ctx) -> Reply:
    doc = existing(ctx.store, "customers", "customer", ctx.params[0])
    return Reply(doc)


def update(ctx: Ctx) -> Reply:
    fields = _checked(ctx.body)
    with ctx.store.transaction() as store:
        doc = existing(store, "customers", "customer", ctx.params[0])
        doc.update(fields)
        doc["updatedAt"] = ctx.now_iso
        store.update("customers", doc, email=doc["email"], external_id=doc["externalId"])
        store.add_event("plugipay.customer.updated.v1", doc, ctx.now_iso)
    return Reply(doc)


def list_(ctx: Ctx) -> Reply:
    where, params = query_filters(ctx.query, equal={"email": "email", "externalId": "external_id"},
                                  after={"createdAfter": "created_at"})
    items, cursor, more = ctx.store.page("customers", where, params, **ctx.list_args())
    return page_reply(items, cursor, more)


ROUTES = [
    ("POST", r"/api/v1/customers", create),
    ("GET", r"/api/v1/customers", list_),
    ("GET", r"/api/v1/customers/([^/]+)", get),
    ("PATCH", r"/api/v1/customers/([^/]+)", update),
]
