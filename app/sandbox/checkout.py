"""Checkout sessions: ``/api/v1/checkout-sessions`` and the buyer's side under
``/api/v1/public/checkout/sessions/{id}``.

Statuses as the SDK names them: ``open`` -> ``completed`` (a gateway's
``charge``), ``open`` -> ``pending_review`` (the buyer's claim on the manual
adapter) -> ``completed`` (the merchant's ``confirm``); ``open`` or
``pending_review`` -> ``canceled``; ``open`` -> ``expired`` once ``expiresAt``
has passed (settled on the next read of the session, like ``past_due``).
Each move is an event ``plugipay.checkout_session.<what>.v1`` in the feed.
"""

from __future__ import annotations

import base64
import struct
from html import escape
import zlib
from datetime import datetime, timedelta

from .adapters import AdapterState, qris_payload
from .common import (
    existing,
    ACCOUNT_ID,
    check_fields,
    check_int,
    check_metadata,
    check_str,
    conflict,
    new_id,
    query_filters,
    validation,
)
from .context import Ctx, Reply, page_reply
from .store import Store

STATUSES = ("open", "pending", "pending_review", "completed", "failed", "expired", "canceled")
CURRENCIES = ("IDR", "USD")
CREATE_FIELDS = {"amount", "currency", "customerId", "methods", "lineItems", "successUrl",
                 "cancelUrl", "expiresInSec", "metadata", "templateId"}
DEFAULT_EXPIRY = 30 * 60
MAX_EXPIRY = 24 * 3600
MAX_PROOF_URL = 6_000_000  # a data: URL of a proof image of at most 4 MB
EVENT_TYPES = {
    "plugipay.checkout_session.created.v1": "A checkout session was opened.",
    "plugipay.checkout_session.claimed.v1": "A buyer says they paid (manual adapter): "
                                            "the session awaits the merchant's review.",
    "plugipay.checkout_session.completed.v1": "A checkout session was paid.",
    "plugipay.checkout_session.expired.v1": "A checkout session expired unpaid.",
    "plugipay.checkout_session.canceled.v1": "A checkout session was canceled.",
}
PUBLIC_FIELDS = ("id", "status", "amount", "currency", "methods", "adapter", "lineItems",
                 "expiresAt", "completedAt", "workspaceName", "qrPayload", "hostedUrl")


def _iso_after(now_iso: str, seconds: int) -> str:
    t = datetime.fromisoformat(now_iso.replace("Z", "+00:00")) + timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _save(store: Store, doc: dict, now_iso: str, event: str | None = None) -> dict:
    doc["updatedAt"] = now_iso
    store.update("checkout_sessions", doc, status=doc["status"])
    if event:
        store.add_event(f"plugipay.checkout_session.{event}.v1", doc, now_iso)
    return doc


def load(store: Store, session_id: str, now_iso: str) -> dict:
    """The session, expired first if its time ran out while it was open."""
    with store.transaction():
        doc = existing(store, "checkout_sessions", "checkout session", session_id)
        if doc["status"] == "open" and doc["expiresAt"] <= now_iso:
            doc["status"] = "expired"
            _save(store, doc, now_iso, "expired")
        return doc


def _line_items(raw) -> list[dict]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > 250:
        raise validation("lineItems must be a list of at most 250 items")
    items = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise validation(f"lineItems[{i}] must be an object")
        check_fields(item, {"name", "description", "quantity", "unitAmount", "amount"},
                     f"lineItems[{i}]")
        items.append({k: item[k] for k in ("name", "description", "quantity", "unitAmount",
                                           "amount") if k in item})
    return items


def create_session(store: Store, adapters: AdapterState, body: dict, now_iso: str,
                   base_url: str) -> dict:
    check_fields(body, CREATE_FIELDS, "checkout session")
    amount = check_int(body, "amount", minimum=1)
    if amount is None:
        raise validation("amount is required: a positive integer in the smallest unit")
    currency = body.get("currency")
    if currency not in CURRENCIES:
        raise validation(f"currency must be one of {', '.join(CURRENCIES)}")
    methods = body.get("methods")
    if not isinstance(methods, list) or not methods or not all(isinstance(m, str) for m in methods):
        raise validation("methods must be a non-empty list of method names, e.g. [\"qris\"]")
    expires = check_int(body, "expiresInSec", minimum=1)
    if expires is not None and expires > MAX_EXPIRY:
        raise validation(f"expiresInSec must be at most {MAX_EXPIRY}")
    session_id = new_id("cs")
    adapter = adapters.active
    gateway = adapters.is_gateway()
    doc = {
        "id": session_id, "arn": f"arn:plugipay:checkout-session:{session_id}",
        "accountId": ACCOUNT_ID, "workspaceName": "Kasir Sandbox",
        "customerId": check_str(body, "customerId", 200), "customer": None, "mode": "test",
        "status": "open", "amount": amount, "currency": currency, "methods": methods,
        "paymentMethod": None, "adapter": adapter, "lineItems": _line_items(body.get("lineItems")),
        "successUrl": check_str(body, "successUrl", 2000),
        "cancelUrl": check_str(body, "cancelUrl", 2000),
        "hostedUrl": f"{base_url}/c/{session_id}",
        "expiresAt": _iso_after(now_iso, expires or DEFAULT_EXPIRY),
        "completedAt": None, "paymentId": None,
        "metadata": check_metadata(body) or {},
        "qrPayload": qris_payload(amount=amount if gateway else None,
                                  reference=session_id if gateway else None, acquirer=adapter),
        "buyerClaim": None, "createdAt": now_iso, "updatedAt": now_iso,
    }
    with store.transaction():
        store.insert("checkout_sessions", doc, created_at=now_iso, status="open",
                     customer_id=doc["customerId"])
        store.add_event("plugipay.checkout_session.created.v1", doc, now_iso)
    return doc


def cancel_session(store: Store, session_id: str, now_iso: str) -> dict:
    with store.transaction():
        doc = load(store, session_id, now_iso)
        if doc["status"] == "canceled":
            return doc
        if doc["status"] not in ("open", "pending_review"):
            raise conflict(f"Checkout session {session_id} is {doc['status']}; "
                           "only an open session can be canceled")
        doc["status"] = "canceled"
        return _save(store, doc, now_iso, "canceled")


def _complete(store: Store, doc: dict, now_iso: str, method: str) -> dict:
    doc["status"] = "completed"
    doc["completedAt"] = now_iso
    doc["paymentMethod"] = method
    doc["paymentId"] = new_id("pay")
    return _save(store, doc, now_iso, "completed")


def confirm_session(store: Store, session_id: str, now_iso: str) -> dict:
    """The merchant saw the money (manual adapter): pending_review -> completed."""
    with store.transaction():
        doc = load(store, session_id, now_iso)
        if doc["status"] != "pending_review":
            raise conflict(f"Checkout session {session_id} is {doc['status']}; only a session "
                           "awaiting review (the buyer's claim) can be confirmed")
        return _complete(store, doc, now_iso, "qris")


def charge_session(store: Store, adapters: AdapterState, session_id: str, method: str,
                   now_iso: str) -> dict:
    """The buyer pays through the gateway: open -> completed at once."""
    with store.transaction():
        doc = load(store, session_id, now_iso)
        if doc["adapter"] == "manual":
            raise conflict("This session is collected by the manual adapter: send a "
                           "buyer-claim with the transfer's proof instead")
        if doc["status"] != "open":
            raise conflict(f"Checkout session {session_id} is {doc['status']}; it cannot be paid")
        if method not in doc["methods"]:
            raise validation(f"method must be one of {', '.join(doc['methods'])}")
        return _complete(store, doc, now_iso, method)


def claim_session(store: Store, session_id: str, proof_url: str | None, now_iso: str) -> dict:
    """The buyer says they paid the static QRIS (manual adapter): open -> pending_review."""
    with store.transaction():
        doc = load(store, session_id, now_iso)
        if doc["adapter"] != "manual":
            raise conflict("This session is paid through the gateway: use charge")
        if doc["status"] != "open":
            raise conflict(f"Checkout session {session_id} is {doc['status']}; it cannot be claimed")
        doc["status"] = "pending_review"
        doc["buyerClaim"] = {"proofUrl": proof_url, "claimedAt": now_iso}
        return _save(store, doc, now_iso, "claimed")


def hosted_page(store: Store, session_id: str, now_iso: str) -> str | None:
    """A tiny HTML page for ``hostedUrl`` (what `kasir invoice collect` prints)."""
    if not session_id.startswith("cs_") or store.get("checkout_sessions", session_id) is None:
        return None
    doc = load(store, session_id, now_iso)
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>Checkout {escape(doc['id'])}</title></head><body>"
        f"<h1>Pay {escape(doc['currency'])} {doc['amount']}</h1>"
        f"<p>Status: <b>{escape(doc['status'])}</b> &middot; expires {escape(doc['expiresAt'])}"
        f"</p><p>QR: <code>{escape(doc['qrPayload'])}</code></p>"
        f"<p>Pay it as a buyer would: <code>kasir sandbox pay-session {escape(doc['id'])}</code>"
        "</p><p><i>Plugipay sandbox</i></p></body></html>"
    )


def public_view(doc: dict) -> dict:
    return {k: doc.get(k) for k in PUBLIC_FIELDS}


# ── a proof image for the sandbox's buyer: a tiny PNG, stdlib only ───────
def sample_proof_png(width: int = 48, height: int = 64) -> bytes:
    """A green "transfer receipt" rectangle with a darker band, as PNG bytes."""
    rows = []
    for y in range(height):
        shade = (20, 120, 60) if 10 <= y < 20 else (200, 235, 210)
        rows.append(b"\x00" + bytes(shade) * width)
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


def sample_proof_url() -> str:
    return "data:image/png;base64," + base64.b64encode(sample_proof_png()).decode()


# ── routes ────────────────────────────────────────────────────────
def routes(adapters: AdapterState) -> list:
    def create(ctx: Ctx) -> Reply:
        return Reply(create_session(ctx.store, adapters, ctx.body, ctx.now_iso, ctx.base_url),
                     status=201)

    def get(ctx: Ctx) -> Reply:
        return Reply(load(ctx.store, ctx.params[0], ctx.now_iso))

    def list_(ctx: Ctx) -> Reply:
        if ctx.query.get("status") and ctx.query["status"] not in STATUSES:
            raise validation(f"status must be one of {', '.join(STATUSES)}")
        where, params = query_filters(ctx.query, equal={"status": "status",
                                                        "customerId": "customer_id"},
                                      after={"createdAfter": "created_at"},
                                      before={"createdBefore": "created_at"})
        items, cursor, more = ctx.store.page("checkout_sessions", where, params,
                                             **ctx.list_args())
        return page_reply(items, cursor, more)

    def cancel(ctx: Ctx) -> Reply:
        return Reply(cancel_session(ctx.store, ctx.params[0], ctx.now_iso))

    def confirm(ctx: Ctx) -> Reply:
        return Reply(confirm_session(ctx.store, ctx.params[0], ctx.now_iso))

    def public_get(ctx: Ctx) -> Reply:
        return Reply(public_view(load(ctx.store, ctx.params[0], ctx.now_iso)))

    def charge(ctx: Ctx) -> Reply:
        method = check_str(ctx.body, "method", 40)
        if not method:
            raise validation("method is required, e.g. \"qris\"")
        doc = charge_session(ctx.store, adapters, ctx.params[0], method, ctx.now_iso)
        return Reply(public_view(doc))

    def claim(ctx: Ctx) -> Reply:
        check_fields(ctx.body, {"proofUrl"}, "buyer claim")
        proof = check_str(ctx.body, "proofUrl", MAX_PROOF_URL)
        return Reply(public_view(claim_session(ctx.store, ctx.params[0], proof, ctx.now_iso)))

    return [
        ("POST", r"/api/v1/checkout-sessions", create),
        ("GET", r"/api/v1/checkout-sessions", list_),
        ("GET", r"/api/v1/checkout-sessions/([^/]+)", get),
        ("POST", r"/api/v1/checkout-sessions/([^/]+)/cancel", cancel),
        ("POST", r"/api/v1/checkout-sessions/([^/]+)/confirm", confirm),
        ("GET", r"/api/v1/public/checkout/sessions/([^/]+)", public_get),
        ("POST", r"/api/v1/public/checkout/sessions/([^/]+)/charge", charge),
        ("POST", r"/api/v1/public/checkout/sessions/([^/]+)/buyer-claim", claim),
    ]
