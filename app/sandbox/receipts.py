"""Receipts: ``/api/v1/receipts`` and issuing one when an invoice is paid."""

from __future__ import annotations


from .common import existing, ACCOUNT_ID, new_id, query_filters, validation
from .context import Ctx, Reply, page_reply
from .store import Store

SOURCE_TYPES = ("checkout_session", "invoice")


def issue_receipt(
    store: Store, invoice: dict, now_iso: str, *, method: str = "manual", reference: str | None = None
) -> dict:
    """Called inside the paying transaction."""
    year = now_iso[:4]
    receipt = {
        "id": new_id("rcpt"),
        "accountId": ACCOUNT_ID,
        "number": f"RCP-{year}-{store.next_counter(f'receipt:{year}'):04d}",
        "sourceType": "invoice",
        "sourceId": invoice["id"],
        "invoiceNumber": invoice.get("number"),
        "customerId": invoice["customerId"],
        "amount": invoice["amountPaid"],
        "currency": invoice["currency"],
        "method": method,
        "reference": reference,
        "adapter": "manual",
        "issuedAt": now_iso,
        "emailedAt": None,
        "emailedTo": None,
    }
    store.insert(
        "receipts", receipt, issued_at=now_iso, source_type="invoice",
        source_id=invoice["id"], customer_id=invoice["customerId"],
    )
    store.add_event("plugipay.receipt.created.v1", receipt, now_iso)
    return receipt


def _get(ctx: Ctx) -> Reply:
    doc = existing(ctx.store, "receipts", "receipt", ctx.params[0])
    return Reply(doc)


def _list(ctx: Ctx) -> Reply:
    q = ctx.query
    if q.get("sourceType") and q["sourceType"] not in SOURCE_TYPES:
        raise validation(f"sourceType must be one of {', '.join(SOURCE_TYPES)}")
    where, params = query_filters(q, equal={"sourceType": "source_type",
                                            "customerId": "customer_id"},
                                  after={"issuedAfter": "issued_at"},
                                  before={"issuedBefore": "issued_at"})
    items, cursor, more = ctx.store.page("receipts", where, params, **ctx.list_args())
    return page_reply(items, cursor, more)


ROUTES = [
    ("GET", r"/api/v1/receipts", _list),
    ("GET", r"/api/v1/receipts/([^/]+)", _get),
]
