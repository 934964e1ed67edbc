"""Local rows <-> Plugipay documents.

Customers: `externalId` is the local id. Invoices: the local number goes into
the memo (so a bank transfer note can be matched) and, with the local id, into
`metadata`, so an invoice the till made is recognised when the puller meets it
before the till has heard back. Plugipay's id, number and hosted URL are stored
back on the invoice; its status wins once it has moved on.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import _
from app.services.audit import record_history
from app.services.context import Context
from app.services.invoices import snapshot
from app.services.numbering import next_number
from app.store.models import Customer, Invoice, InvoiceLine, Payment, Receipt

SOURCE_TILL = "WEB"  # till code of invoices made elsewhere (dashboard, subscriptions)
OPERATOR = "plugipay"
# How far along an invoice is: the puller never moves one backwards.
_RANK = {"draft": 0, "open": 1, "uncollectible": 2, "paid": 3, "void": 3}


def memo_text(local_number: str | None, memo: str) -> str:
    if not local_number:
        return memo or ""
    return f"{local_number} - {memo}" if memo else local_number


def customer_body(payload: dict, local_id: int, *, create: bool) -> dict:
    body = {}
    for src, dst in (("name", "name"), ("email", "email"), ("phone", "phone"), ("taxId", "taxId")):
        if payload.get(src) not in (None, ""):
            body[dst] = payload[src]
    if create:
        body["externalId"] = str(local_id)
        body["metadata"] = {"source": "kasir"}
        if payload.get("kasirChain"):  # issue 17: the chain head, an anchor outside the file
            body["metadata"]["kasirChain"] = payload["kasirChain"]
    return body


def invoice_body(payload: dict, customer_plugipay_id: str) -> dict:
    body = {
        "customerId": customer_plugipay_id,
        "currency": payload["currency"],
        "lines": [{"description": l["description"], "quantity": l["quantity"],
                   "unitAmount": l["unitAmount"]} for l in payload["lines"]],
        "discount": payload.get("discount") or 0,
        "tax": payload.get("tax") or 0,
        "status": "open",
        "memo": memo_text(payload.get("localNumber"), payload.get("memo") or ""),
        "metadata": {"kasirInvoiceId": str(payload["invoiceId"]),
                     "kasirLocalNumber": payload.get("localNumber") or "",
                     **({"kasirChain": payload["kasirChain"]} if payload.get("kasirChain") else {})},
    }
    if payload.get("dueAt"):
        body["dueAt"] = payload["dueAt"]
    return body


def parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def remote_status(remote: dict) -> str:
    status = remote.get("status") or "open"
    return "open" if status == "past_due" else status


def is_own(inv: Invoice | None, remote: dict) -> bool:
    """Did this till's database make `remote`? (metadata written at issue)"""
    meta = remote.get("metadata") or {}
    return (inv is not None and meta.get("kasirInvoiceId") == str(inv.id)
            and (meta.get("kasirLocalNumber") or None) == inv.local_number)


def link(inv: Invoice, remote: dict) -> bool:
    changed = False
    for attr, key in (("plugipay_id", "id"), ("number", "number"), ("hosted_url", "hostedInvoiceUrl")):
        value = remote.get(key)
        if value and getattr(inv, attr) != value:
            setattr(inv, attr, value)
            changed = True
    return changed


def _record_payment(s: Session, ctx: Context, inv: Invoice, remote: dict,
                    receipt_doc: dict | None) -> Receipt:
    paid_at = parse_time(remote.get("paidAt")) or ctx.now()
    amount = inv.total - inv.amount_paid
    ref = (_("Paid in Plugipay, receipt {number}", number=receipt_doc["number"])
           if receipt_doc and receipt_doc.get("number") else _("Paid in Plugipay"))
    pay = Payment(invoice_id=inv.id, amount=amount, currency=inv.currency, method="other",
                  reference=ref[:200], operator=OPERATOR, paid_at=paid_at, recorded_at=ctx.now())
    s.add(pay)
    s.flush()
    receipt = Receipt(number=next_number(s, ctx.till, "receipt"), invoice_id=inv.id,
                      payment_id=pay.id, amount=amount, currency=inv.currency,
                      issued_at=ctx.now(),
                      plugipay_id=(receipt_doc or {}).get("id"))
    s.add(receipt)
    inv.amount_paid = inv.total
    inv.paid_at = paid_at
    return receipt


def apply_remote(s: Session, ctx: Context, inv: Invoice, remote: dict, *, force: bool = False,
                 receipt_doc: dict | None = None, note: str = "") -> str | None:
    """Bring `inv` to Plugipay's state. Without `force` only forward moves are
    taken (an old event never undoes a newer change). Returns the new status
    if it changed. Writes history as operator "plugipay"."""
    before = snapshot(inv)
    linked = link(inv, remote)
    new = remote_status(remote)
    old = inv.status
    moved = None
    if new != old and new != "draft" and (force or _RANK.get(new, 0) > _RANK.get(old, 0)):
        now = ctx.now()
        if new == "paid":
            receipt = _record_payment(s, ctx, inv, remote, receipt_doc)
            note = note or _("Paid in Plugipay; receipt {number} issued at the till.",
                             number=receipt.number)
        elif new == "void":
            inv.voided_at = parse_time(remote.get("voidedAt")) or now
            inv.reason = inv.reason or _("Voided in Plugipay")
        elif new == "uncollectible":
            inv.written_off_at = now
            inv.reason = inv.reason or _("Marked uncollectible in Plugipay")
        inv.status = new
        inv.updated_at = now
        moved = new
    if moved or linked:  # (no flush needed: the invoice has its id; the commit writes it)
        action = f"sync_{moved}" if moved else "sync_link"
        if not note and not moved:
            note = (_("Plugipay number {number}", number=inv.number) if inv.number
                    else _("Linked to Plugipay"))
        record_history(s, ctx, "invoice", inv.id, action, before, snapshot(inv), note)
    return moved


def local_customer_for(s: Session, ctx: Context, remote_customer_id: str, fetch) -> Customer:
    """The local customer for a Plugipay customer id; `fetch(id) -> dict` is called
    only when it must be imported."""
    c = s.execute(select(Customer).where(Customer.plugipay_id == remote_customer_id)).scalar_one_or_none()
    if c is not None:
        return c
    doc = fetch(remote_customer_id)
    ext = str(doc.get("externalId") or "")
    if ext.isdigit():
        c = s.get(Customer, int(ext))
        if c is not None and c.plugipay_id is None:
            c.plugipay_id = remote_customer_id
            return c
    now = ctx.now()
    c = Customer(name=(doc.get("name") or doc.get("email") or remote_customer_id)[:200],
                 email=(doc.get("email") or "").lower()[:254], phone=(doc.get("phone") or "")[:50],
                 tax_id=(doc.get("taxId") or "")[:50], notes=_("Imported from Plugipay"),
                 plugipay_id=remote_customer_id, created_at=now, updated_at=now)
    s.add(c)
    s.flush()
    record_history(s, ctx, "customer", c.id, "import", None,
                   {"name": c.name, "email": c.email, "plugipayId": remote_customer_id},
                   _("Made in Plugipay"))
    return c


def import_invoice(s: Session, ctx: Context, remote: dict, customer: Customer,
                   receipt_doc: dict | None = None) -> Invoice:
    """A local copy of an invoice made elsewhere, with Plugipay's number."""
    now = ctx.now()
    created = parse_time(remote.get("createdAt")) or now
    inv = Invoice(till_code=SOURCE_TILL, local_number=None, customer_id=customer.id,
                  currency=remote["currency"], status="open",
                  subtotal=remote.get("subtotal", 0), discount=remote.get("discount", 0),
                  tax=remote.get("tax", 0), total=remote.get("total", 0), amount_paid=0,
                  due_at=parse_time(remote.get("dueAt")),
                  issued_at=parse_time(remote.get("issuedAt")) or created,
                  memo=(remote.get("memo") or "")[:5000], reason="", sync_state="synced",
                  created_by=OPERATOR, created_at=created, updated_at=now)
    inv.lines = [InvoiceLine(position=i, description=l.get("description", ""),
                             quantity=l.get("quantity", 1), unit_amount=l.get("unitAmount", 0),
                             amount=l.get("amount", l.get("quantity", 1) * l.get("unitAmount", 0)))
                 for i, l in enumerate(remote.get("lines") or [])]
    link(inv, remote)
    s.add(inv)
    s.flush()
    sub = remote.get("subscriptionId")
    record_history(s, ctx, "invoice", inv.id, "import", None, snapshot(inv),
                   _("Made in Plugipay (subscription {subscription}): {number}",
                     subscription=sub, number=inv.number or remote.get("id")) if sub else
                   _("Made in Plugipay: {number}", number=inv.number or remote.get("id")))
    apply_remote(s, ctx, inv, remote, receipt_doc=receipt_doc)
    return inv
