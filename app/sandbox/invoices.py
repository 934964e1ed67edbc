"""Invoices: ``/api/v1/invoices`` and the state machine behind them.

The functions ``create_invoice``, ``finalize_invoice``, ``pay_invoice``,
``void_invoice``, ``mark_uncollectible`` and ``send_invoice_email`` are the
domain actions, shared by the API routes and the sandbox dashboard.
"""

from __future__ import annotations

import secrets
from html import escape
from typing import Any

from .common import (
    existing,
    ACCOUNT_ID,
    check_fields,
    check_int,
    check_metadata,
    check_str,
    conflict,
    is_int,
    new_id,
    not_found,
    parse_iso,
    query_filters,
    validation,
)
from .context import Ctx, Reply, page_reply
from .receipts import issue_receipt
from .store import Store

CURRENCIES = ("IDR", "USD")
STATUSES = ("draft", "open", "past_due", "paid", "void", "uncollectible")
CREATE_FIELDS = {
    "customerId", "currency", "lines", "discount", "tax", "dueAt", "status",
    "memo", "metadata", "templateId", "subscriptionId",
}
LINE_FIELDS = {"description", "quantity", "unitAmount", "priceId", "metadata"}
MAX_LINES = 250


def render(doc: dict, now_iso: str, base_url: str) -> dict:
    """The invoice as the API shows it: ``past_due`` derived from the clock,
    ``hostedInvoiceUrl`` on the address the client reached."""
    out = dict(doc)
    token = out.pop("_token", None)
    if out["status"] == "open" and out.get("dueAt") and out["dueAt"] < now_iso:
        out["status"] = "past_due"
    out["hostedInvoiceUrl"] = f"{base_url}/i/{token}" if token else None
    return out


def load(store: Store, invoice_id: str) -> dict:
    doc = existing(store, "invoices", "invoice", invoice_id)
    return doc


def _save(store: Store, doc: dict) -> None:
    store.update("invoices", doc, status=doc["status"], due_at=doc.get("dueAt"))


def _lines(raw: Any) -> list[dict]:
    if not isinstance(raw, list) or not raw:
        raise validation("lines must be a non-empty list")
    if len(raw) > MAX_LINES:
        raise validation(f"an invoice has at most {MAX_LINES} lines")
    lines = []
    for i, line in enumerate(raw):
        where = f"lines[{i}]"
        if not isinstance(line, dict):
            raise validation(f"{where} must be an object")
        check_fields(line, LINE_FIELDS, where)
        desc = line.get("description")
        if not isinstance(desc, str) or not desc.strip():
            raise validation(f"{where}.description is required")
        qty = line.get("quantity")
        if not is_int(qty) or qty < 1:
            raise validation(f"{where}.quantity must be a positive integer")
        unit = line.get("unitAmount")
        if not is_int(unit) or unit < 0:
            raise validation(f"{where}.unitAmount must be a non-negative integer")
        item = {
            "id": new_id("il"),
            "description": desc,
            "quantity": qty,
            "unitAmount": unit,
            "amount": qty * unit,
        }
        if line.get("priceId") is not None:
            item["priceId"] = check_str(line, "priceId", 200)
        if line.get("metadata") is not None:
            item["metadata"] = check_metadata(line)
        lines.append(item)
    return lines


def _assign_number(store: Store, doc: dict, now_iso: str) -> None:
    year = now_iso[:4]
    doc["number"] = f"INV-{year}-{store.next_counter(f'invoice:{year}'):03d}"
    doc["issuedAt"] = now_iso
    doc["status"] = "open"


def create_invoice(
    store: Store, body: dict[str, Any], now_iso: str, base_url: str
) -> dict:
    check_fields(body, CREATE_FIELDS, "invoice")
    customer_id = body.get("customerId")
    if not isinstance(customer_id, str) or not customer_id:
        raise validation("customerId is required")
    currency = body.get("currency")
    if currency not in CURRENCIES:
        raise validation(f"currency must be one of {', '.join(CURRENCIES)}")
    lines = _lines(body.get("lines"))
    discount = check_int(body, "discount") or 0
    tax = check_int(body, "tax") or 0
    due_at = parse_iso(body["dueAt"], "dueAt") if body.get("dueAt") is not None else None
    status = body.get("status") or "draft"
    if status not in ("draft", "open"):
        raise validation("status must be draft or open")
    memo = check_str(body, "memo", 5000)
    metadata = check_metadata(body) or {}
    check_str(body, "templateId", 200)
    subscription_id = check_str(body, "subscriptionId", 200)
    subtotal = sum(line["amount"] for line in lines)
    total = max(0, subtotal - discount + tax)
    doc = {
        "id": new_id("in"),
        "accountId": ACCOUNT_ID,
        "customerId": customer_id,
        "subscriptionId": subscription_id,
        "status": "draft",
        "number": None,
        "currency": currency,
        "subtotal": subtotal,
        "discount": discount,
        "tax": tax,
        "total": total,
        "amountPaid": 0,
        "amountDue": total,
        "dueAt": due_at,
        "issuedAt": None,
        "paidAt": None,
        "voidedAt": None,
        "lines": lines,
        "memo": memo,
        "metadata": metadata,
        "createdAt": now_iso,
        "updatedAt": now_iso,
        "_token": secrets.token_urlsafe(18),
    }
    with store.transaction():
        if store.get("customers", customer_id) is None:
            raise not_found("customer", customer_id)
        if status == "open":
            _assign_number(store, doc, now_iso)
        store.insert(
            "invoices", doc, created_at=now_iso, status=doc["status"], customer_id=customer_id,
            subscription_id=subscription_id, due_at=due_at, hosted_token=doc["_token"],
        )
        shown = render(doc, now_iso, base_url)
        store.add_event("plugipay.invoice.created.v1", shown, now_iso)
        if status == "open":
            store.add_event("plugipay.invoice.finalized.v1", shown, now_iso)
    return shown


def finalize_invoice(store: Store, invoice_id: str, now_iso: str, base_url: str) -> dict:
    with store.transaction():
        doc = load(store, invoice_id)
        if doc["status"] != "draft":
            raise conflict(f"Invoice {invoice_id} is {render(doc, now_iso, base_url)['status']}, not draft: only a draft can be finalized")
        _assign_number(store, doc, now_iso)
        doc["updatedAt"] = now_iso
        _save(store, doc)
        shown = render(doc, now_iso, base_url)
        store.add_event("plugipay.invoice.finalized.v1", shown, now_iso)
    return shown


def pay_invoice(
    store: Store, invoice_id: str, now_iso: str, base_url: str,
    method: str = "manual", reference: str | None = None,
) -> dict:
    with store.transaction():
        doc = load(store, invoice_id)
        if doc["status"] != "open":
            state = render(doc, now_iso, base_url)["status"]
            hint = " (finalize it first)" if state == "draft" else ""
            raise conflict(f"Invoice {invoice_id} is {state}: only an open or past_due invoice can be paid{hint}")
        doc["status"] = "paid"
        doc["amountPaid"] = doc["total"]
        doc["amountDue"] = 0
        doc["paidAt"] = now_iso
        doc["updatedAt"] = now_iso
        _save(store, doc)
        shown = render(doc, now_iso, base_url)
        store.add_event("plugipay.invoice.paid.v1", shown, now_iso)
        issue_receipt(store, shown, now_iso, method=method, reference=reference)
    return shown


def void_invoice(store: Store, invoice_id: str, now_iso: str, base_url: str) -> dict:
    with store.transaction():
        doc = load(store, invoice_id)
        if doc["status"] not in ("draft", "open"):
            raise conflict(f"Invoice {invoice_id} is {doc['status']}: only draft, open or past_due can be voided")
        doc["status"] = "void"
        doc["voidedAt"] = now_iso
        doc["updatedAt"] = now_iso
        _save(store, doc)
        shown = render(doc, now_iso, base_url)
        store.add_event("plugipay.invoice.voided.v1", shown, now_iso)
    return shown


def mark_uncollectible(store: Store, invoice_id: str, now_iso: str, base_url: str) -> dict:
    with store.transaction():
        doc = load(store, invoice_id)
        if doc["status"] != "open":
            state = render(doc, now_iso, base_url)["status"]
            raise conflict(f"Invoice {invoice_id} is {state}: only open or past_due can be marked uncollectible")
        doc["status"] = "uncollectible"
        doc["updatedAt"] = now_iso
        _save(store, doc)
        shown = render(doc, now_iso, base_url)
        store.add_event("plugipay.invoice.marked_uncollectible.v1", shown, now_iso)
    return shown


def send_invoice_email(
    store: Store, invoice_id: str, to: str | None, now_iso: str, base_url: str
) -> dict:
    with store.transaction():
        doc = load(store, invoice_id)
        if doc["status"] == "draft":
            raise conflict(f"Invoice {invoice_id} is a draft: finalize it before sending")
        if not to:
            customer = store.get("customers", doc["customerId"]) or {}
            to = customer.get("email")
        if not to:
            raise validation("The customer has no email address: pass `to`")
        shown = render(doc, now_iso, base_url)
        store.add_event("plugipay.invoice.sent.v1", {**shown, "sentTo": to}, now_iso)
    return {"sent": True, "to": to}


# ── routes ────────────────────────────────────────────────────────────
def _create(ctx: Ctx) -> Reply:
    return Reply(create_invoice(ctx.store, ctx.body, ctx.now_iso, ctx.base_url), status=201)


def _get(ctx: Ctx) -> Reply:
    return Reply(render(load(ctx.store, ctx.params[0]), ctx.now_iso, ctx.base_url))


def _list(ctx: Ctx) -> Reply:
    q = ctx.query
    where: list[str] = []
    params: list[Any] = []
    status = q.get("status")
    if status:
        if status not in STATUSES:
            raise validation(f"status must be one of {', '.join(STATUSES)}")
        if status == "open":
            where.append("status = 'open' AND (due_at IS NULL OR due_at >= ?)")
            params.append(ctx.now_iso)
        elif status == "past_due":
            where.append("status = 'open' AND due_at < ?")
            params.append(ctx.now_iso)
        else:
            where.append("status = ?")
            params.append(status)
    more_where, more_params = query_filters(q, equal={"customerId": "customer_id",
                                                      "subscriptionId": "subscription_id"})
    where += more_where
    params += more_params
    items, cursor, more = ctx.store.page("invoices", where, params, **ctx.list_args())
    return page_reply([render(d, ctx.now_iso, ctx.base_url) for d in items], cursor, more)


def _finalize(ctx: Ctx) -> Reply:
    return Reply(finalize_invoice(ctx.store, ctx.params[0], ctx.now_iso, ctx.base_url))


def _pay(ctx: Ctx) -> Reply:
    method = check_str(ctx.body, "method", 100) or "manual"
    reference = check_str(ctx.body, "reference", 500)
    return Reply(pay_invoice(ctx.store, ctx.params[0], ctx.now_iso, ctx.base_url, method, reference))


def _void(ctx: Ctx) -> Reply:
    return Reply(void_invoice(ctx.store, ctx.params[0], ctx.now_iso, ctx.base_url))


def _uncollectible(ctx: Ctx) -> Reply:
    return Reply(mark_uncollectible(ctx.store, ctx.params[0], ctx.now_iso, ctx.base_url))


def _send_email(ctx: Ctx) -> Reply:
    to = check_str(ctx.body, "to", 500)
    if to is not None and "@" not in to:
        raise validation("to is not an email address")
    return Reply(send_invoice_email(ctx.store, ctx.params[0], to, ctx.now_iso, ctx.base_url))


def _receipt(ctx: Ctx) -> Reply:
    load(ctx.store, ctx.params[0])
    receipt = ctx.store.find_one("receipts", "source_id = ?", (ctx.params[0],))
    if receipt is None:
        raise not_found("receipt for invoice", ctx.params[0])
    return Reply(receipt)


def hosted_page(store: Store, token: str, now_iso: str, base_url: str) -> str | None:
    """A tiny HTML page for ``hostedInvoiceUrl``."""
    doc = store.find_one("invoices", "hosted_token = ?", (token,))
    if doc is None:
        return None
    inv = render(doc, now_iso, base_url)
    rows = "".join(
        f"<tr><td>{escape(l['description'])}</td><td>{l['quantity']}</td>"
        f"<td>{l['unitAmount']}</td><td>{l['amount']}</td></tr>"
        for l in inv["lines"]
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>Invoice {escape(inv['number'] or inv['id'])}</title></head><body>"
        f"<h1>Invoice {escape(inv['number'] or '(draft)')}</h1>"
        f"<p>Status: <b>{inv['status']}</b></p><table>{rows}</table>"
        f"<p>Total: {inv['currency']} {inv['total']} &middot; Due: {inv['amountDue']}</p>"
        "<p><i>Plugipay sandbox</i></p></body></html>"
    )


ROUTES = [
    ("POST", r"/api/v1/invoices", _create),
    ("GET", r"/api/v1/invoices", _list),
    ("GET", r"/api/v1/invoices/([^/]+)", _get),
    ("POST", r"/api/v1/invoices/([^/]+)/finalize", _finalize),
    ("POST", r"/api/v1/invoices/([^/]+)/pay", _pay),
    ("POST", r"/api/v1/invoices/([^/]+)/void", _void),
    ("POST", r"/api/v1/invoices/([^/]+)/mark-uncollectible", _uncollectible),
    ("POST", r"/api/v1/invoices/([^/]+)/send-email", _send_email),
    ("GET", r"/api/v1/invoices/([^/]+)/receipt", _receipt),
]
