"""Invoice actions: create and edit drafts, issue, mark paid, void, write off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.domain.labels import METHOD_LABELS
from app.i18n import _
from app.domain.errors import NotFoundError, ValidationError
from app.domain.lifecycle import Action, Status, check_transition, effective_status
from app.domain.records import InvoiceRecord, PaymentRecord, ReceiptRecord
from app.domain.tenders import Tender, clean_tender
from app.domain.validation import (MAX_ID, DraftInput, Problems, clean_text, validate_draft,
                                   validate_reason)
from app.store.models import Invoice
from app.services.roles import require_role

from .audit import enqueue, record_history
from .context import Context
from .customers import WALK_IN_KEY, load_customer, walk_in_customer
from .mappers import invoice_record, payment_record, receipt_record
from .numbering import next_number
from .pricing import price_lines
from .payments import settlement_for, tenders_json, tenders_note
from . import sale_rows
from .retry import retrying

PAYMENT_METHODS = METHOD_LABELS  # code -> English label (N_); show it with method_label(code)
MAX_REFERENCE = 200
# A clock on the till may run a little ahead of the one on another till.
FUTURE_TOLERANCE = timedelta(minutes=5)


def load_invoice(session: Session, ref, *, lock: bool = False) -> Invoice:
    """Find an invoice by its id, local number, Plugipay id or Plugipay number."""
    where, text = sale_rows.where_ref(ref)
    stmt = select(Invoice).options(selectinload(Invoice.lines)).where(where)
    if lock:
        stmt = stmt.with_for_update()
    inv = session.execute(stmt).scalars().first()
    if inv is None:
        raise NotFoundError(_("There is no invoice {ref}.", ref=text), field="id")
    return inv


def snapshot(inv: Invoice) -> dict:
    """What history keeps of an invoice before and after a change."""
    return {
        "status": inv.status, "localNumber": inv.local_number, "customerId": inv.customer_id,
        "currency": inv.currency, "subtotal": inv.subtotal, "discount": inv.discount,
        "tax": inv.tax, "total": inv.total, "amountPaid": inv.amount_paid,
        "dueAt": inv.due_at.isoformat() if inv.due_at else None, "memo": inv.memo,
        "reason": inv.reason or None,
        "lines": [[l.description, l.quantity, l.unit_amount] for l in inv.lines],
        **_rates_snapshot(inv),
    }


def _rates_snapshot(inv: Invoice) -> dict:
    """Issue 14: each line's tax rate and shelf price, only when rates were used."""
    if all(l.tax_rate is None for l in inv.lines):
        return {}
    return {"lineRates": [[l.tax_rate, l.shelf_unit_amount] for l in inv.lines]}


def _apply_draft(s: Session, ctx: Context, inv: Invoice, data: DraftInput) -> None:
    """Lines and totals from `data` (cleaned); no customer means the walk-in customer."""
    customer = _sale_customer(s, ctx, data.customer_id)
    priced = price_lines(s, data)
    inv.customer_id = customer.id
    inv.currency = data.currency
    inv.lines = priced.lines
    inv.subtotal, inv.discount, inv.tax, inv.total = (
        priced.subtotal, priced.discount, priced.tax, priced.total)
    inv.amount_paid = 0
    inv.due_at = data.due_at
    inv.memo = data.memo


def _record(session: Session, ctx: Context, inv: Invoice) -> InvoiceRecord:
    session.flush()
    return invoice_record(inv, ctx.now())


def _sale_customer(s: Session, ctx: Context, ref) -> "sale_rows.Row":
    """The sale's customer (id, name, email): a local id or the walk-in customer read
    with Core statements (issue 18); any other spelling, a refusal, and the walk-in
    customer's first use go through the customer services."""
    conn = s.connection()
    text = str(ref).strip() if ref else ""
    found = None
    if not ref:
        found = sale_rows.customer_by_setting(conn, WALK_IN_KEY)
    elif text.isdigit() and int(text) <= MAX_ID:
        found = sale_rows.customer_of(conn, int(text))
    if found is None:
        c = load_customer(s, ref) if ref else walk_in_customer(s, ctx)
        found = sale_rows.Row(id=c.id, name=c.name, email=c.email)
    return found


def _new_invoice(s: Session, ctx: Context, data: DraftInput, now: datetime):
    """A draft from `data` (cleaned), written with its history entry; no customer
    means the walk-in customer. Rows by app/services/sale_rows.py (issue 18)."""
    customer = _sale_customer(s, ctx, data.customer_id)
    priced = price_lines(s, data)
    values = dict(
        till_code=ctx.till, local_number=None, plugipay_id=None, number=None, hosted_url=None,
        customer_id=customer.id, currency=data.currency, status=Status.DRAFT.value,
        subtotal=priced.subtotal, discount=priced.discount, tax=priced.tax, total=priced.total,
        amount_paid=0, amount_refunded=0, due_at=data.due_at, issued_at=None, paid_at=None,
        voided_at=None, written_off_at=None, reason="", memo=data.memo, sync_state="local",
        created_by=ctx.operator, created_at=now, updated_at=now)
    inv = sale_rows.new_invoice(sale_rows.fresh_for_core(s), values, priced.lines, customer)
    record_history(s, ctx, "invoice", inv.id, "create", None, snapshot(inv))
    return inv


@retrying
def create_draft(ctx: Context, data: DraftInput) -> InvoiceRecord:
    data = validate_draft(data, customer_required=False)
    with ctx.store.unit_of_work() as uow:
        inv = _new_invoice(uow.session, ctx, data, ctx.now())
        rec = invoice_record(inv, ctx.now())
        uow.commit()
    return rec


@retrying
def edit_draft(ctx: Context, ref, data: DraftInput) -> InvoiceRecord:
    data = validate_draft(data, customer_required=False)
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        inv = load_invoice(s, ref, lock=True)
        check_transition(Action.EDIT, effective_status(inv.status, inv.due_at, ctx.now()))
        before = snapshot(inv)
        _apply_draft(s, ctx, inv, data)
        inv.updated_at = ctx.now()
        s.flush()
        record_history(s, ctx, "invoice", inv.id, "edit", before, snapshot(inv))
        rec = _record(s, ctx, inv)
        uow.commit()
    return rec


def _issue_payload(inv: Invoice) -> dict:
    return {
        "invoiceId": inv.id, "customerId": inv.customer_id, "localNumber": inv.local_number,
        "currency": inv.currency,
        "lines": [{"description": l.description, "quantity": l.quantity,
                   "unitAmount": l.unit_amount} for l in inv.lines],
        "discount": inv.discount, "tax": inv.tax,
        "dueAt": inv.due_at.isoformat().replace("+00:00", "Z") if inv.due_at else None,
        "memo": inv.memo,
    }


def _issue_in(s: Session, ctx: Context, inv, target: Status = Status.OPEN) -> None:
    """Number and open `inv` (a sale_rows.Row), with its history and outbox entries."""
    now = ctx.now()
    before = snapshot(inv)
    sale_rows.update_invoice(
        s.connection(), inv, local_number=next_number(s, ctx.till, "invoice"),
        till_code=ctx.till, status=target.value, issued_at=now, updated_at=now,
        sync_state="pending")
    sale_rows.expire_invoice(s, inv.id)
    record_history(s, ctx, "invoice", inv.id, "issue", before, snapshot(inv))
    enqueue(s, ctx, f"invoice:{inv.id}", "invoice.issue", _issue_payload(inv))


@retrying
def issue(ctx: Context, ref) -> InvoiceRecord:
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        inv = sale_rows.load(sale_rows.fresh_for_core(s), ref, lock=True)
        now = ctx.now()
        target = check_transition(Action.ISSUE, effective_status(inv.status, inv.due_at, now))
        if inv.due_at is not None and inv.due_at < now:
            raise ValidationError(
                _("The due date is already past. Change it before issuing."), field="due_at")
        _issue_in(s, ctx, inv, target)
        rec = invoice_record(inv, ctx.now())
        uow.commit()
    return rec


@dataclass(frozen=True)
class PaymentInput:
    """`method` alone pays in full; `tenders` (issue 14) split the payment, cash
    beyond the amount due being change (app/domain/tenders.py)."""

    method: str = "cash"
    reference: str = ""
    paid_at: datetime | None = None
    tenders: tuple[Tender, ...] = ()


def validate_payment(data: PaymentInput, now: datetime) -> PaymentInput:
    p = Problems()
    method = (data.method or "").strip().lower()
    if method not in PAYMENT_METHODS and not data.tenders:
        p.add("method", _("{method} is not a payment method. Choose one of: {choices}.",
                          method=repr(data.method), choices=", ".join(PAYMENT_METHODS)))
    reference = clean_text(data.reference, "reference", _("Reference"), MAX_REFERENCE, p)
    paid_at = data.paid_at or now
    if paid_at.tzinfo is None:
        p.add("paid_at", _("The payment time needs a time zone."))
    elif paid_at > now + FUTURE_TOLERANCE:
        p.add("paid_at", _("The payment date is in the future. Record a payment once it has "
                            "landed."))
    p.raise_if_any()
    tenders = tuple(clean_tender(t, n) for n, t in enumerate(data.tenders or (), start=1))
    return PaymentInput(method, reference, paid_at, tenders)


def pay_in_session(s: Session, ctx: Context, ref, data: PaymentInput = PaymentInput()):
    """Mark paid inside a caller's transaction (no commit): for actions that pay
    several invoices at once, such as a reconciled bank transfer. Returns the
    invoice, receipt and payment as rows (app/services/sale_rows.py); a model of
    the invoice the session holds is expired, so it reads the payment too."""
    now = ctx.now()
    data = validate_payment(data, now)
    conn = sale_rows.fresh_for_core(s)
    inv = sale_rows.load(conn, ref, lock=True)
    target = check_transition(Action.PAY, effective_status(inv.status, inv.due_at, now))
    before = snapshot(inv)
    amount = inv.total - inv.amount_paid
    settled = settlement_for(amount, data.method, data.reference, data.tenders)
    method, reference = ((settled.method, settled.reference) if data.tenders
                         else (data.method, data.reference))
    pay = sale_rows.new_payment(conn, dict(
        invoice_id=inv.id, amount=amount, currency=inv.currency, method=method,
        reference=reference, operator=ctx.operator, paid_at=data.paid_at, recorded_at=now,
        cash_received=settled.cash_received, change=settled.change), settled.tenders)
    receipt = sale_rows.new_receipt(conn, dict(
        number=next_number(s, ctx.till, "receipt"), invoice_id=inv.id, payment_id=pay.id,
        amount=amount, currency=inv.currency, issued_at=now))
    sale_rows.update_invoice(conn, inv, amount_paid=inv.total, status=target.value,
                             paid_at=data.paid_at, updated_at=now, sync_state="pending")
    sale_rows.expire_invoice(s, inv.id)
    tenders = tenders_json(settled)
    if data.tenders:
        note = tenders_note(settled)
    else:
        note = PAYMENT_METHODS[method] + (f", ref {reference}" if reference else "")
    record_history(s, ctx, "invoice", inv.id, "pay", before,
                   {**snapshot(inv), "payment": {"method": method,
                    "reference": reference, "amount": amount,
                    "receipt": receipt.number, **tenders}}, note)
    enqueue(s, ctx, f"invoice:{inv.id}", "invoice.pay", {
        "invoiceId": inv.id, "method": method, "reference": reference,
        "amount": amount, "paidAt": data.paid_at.isoformat(), "receiptNumber": receipt.number,
        **tenders,
    })
    return inv, receipt, pay


@retrying
def mark_paid(ctx: Context, ref, data: PaymentInput = PaymentInput()
              ) -> tuple[InvoiceRecord, ReceiptRecord]:
    """Open or past-due → paid, with method, reference, operator and time; issues a receipt."""
    rec, rrec, _pay = pay_with_tenders(ctx, ref, data)
    return rec, rrec


@retrying
def pay_with_tenders(ctx: Context, ref, data: PaymentInput
                     ) -> tuple[InvoiceRecord, ReceiptRecord, PaymentRecord]:
    """Mark paid with tenders (or one method); the payment record carries the
    tenders, cash received and change (its `to_json` is the CLI's payment JSON)."""
    validate_payment(data, ctx.now())  # refuse bad input before taking the write lock
    with ctx.store.unit_of_work() as uow:
        inv, receipt, pay = pay_in_session(uow.session, ctx, ref, data)
        rec = invoice_record(inv, ctx.now())
        rrec = receipt_record(receipt, pay)
        prec = payment_record(pay)
        uow.commit()
    return rec, rrec, prec


def _retire(s: Session, ctx: Context, ref, action: Action, reason: str
            ) -> tuple[Invoice, str, dict]:
    """What voiding and writing off share: the transition, its time and reason.
    Returns the invoice, its stored status before, and its snapshot before."""
    inv = load_invoice(s, ref, lock=True)
    now = ctx.now()
    was = inv.status
    target = check_transition(action, effective_status(inv.status, inv.due_at, now))
    before = snapshot(inv)
    inv.status = target.value
    if action is Action.VOID:
        inv.voided_at = now
    else:
        inv.written_off_at = now
    inv.reason = reason
    inv.updated_at = now
    return inv, was, before


@retrying
def void(ctx: Context, ref, reason: str = "") -> InvoiceRecord:
    reason = validate_reason(reason)
    require_role(ctx, "void")  # a cashier needs a manager's PIN on the spot
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        inv, was, before = _retire(s, ctx, ref, Action.VOID, reason)
        if was == Status.DRAFT.value:
            # Plugipay never heard of a draft: nothing to tell it.
            note = _("Draft voided; it was never sent to Plugipay.")
        else:
            inv.sync_state = "pending"
            note = ""
            enqueue(s, ctx, f"invoice:{inv.id}", "invoice.void",
                    {"invoiceId": inv.id, "reason": reason})
        s.flush()
        record_history(s, ctx, "invoice", inv.id, "void", before, snapshot(inv), note)
        rec = _record(s, ctx, inv)
        uow.commit()
    return rec


@retrying
def write_off(ctx: Context, ref, reason: str = "") -> InvoiceRecord:
    reason = validate_reason(reason)
    require_role(ctx, "write_off")  # a cashier needs a manager's PIN on the spot
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        inv, _was, before = _retire(s, ctx, ref, Action.WRITE_OFF, reason)
        s.flush()
        record_history(s, ctx, "invoice", inv.id, "write_off", before, snapshot(inv),
                       _("Written off at this till only: Plugipay has no write-off route, "
                         "so it still shows the invoice as open there."))
        rec = _record(s, ctx, inv)
        uow.commit()
    return rec


@retrying
def create_and_issue(ctx: Context, data: DraftInput) -> InvoiceRecord:
    """A sale made at once: the draft and its issue are one transaction, so a
    refusal (say, a due date already past) leaves no stray draft behind."""
    data = validate_draft(data, customer_required=False)
    now = ctx.now()
    if data.due_at is not None and data.due_at < now:
        raise ValidationError(_("The due date is already past. Choose a later date."),
                              field="due_at")
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        inv = _new_invoice(s, ctx, data, now)
        _issue_in(s, ctx, inv)
        rec = invoice_record(inv, ctx.now())
        uow.commit()
    return rec
