"""Emailing invoices through Plugipay: by hand (`kasir invoice send`, the app's
button) and as reminders for open invoices on a schedule. Each send is queued
in the outbox (so it waits while offline) and written to the history."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.i18n import _
from app.domain.errors import ConflictError, ValidationError
from app.domain.records import iso
from app.services.audit import enqueue, record_history
from app.services.context import Context
from app.services.invoices import load_invoice
from app.services.settings import set_setting
from app.store.models import Customer, Invoice, Setting
from app.store.sync_models import InvoiceEmail

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
REMINDERS_KEY = "sync.reminders"
DEFAULT_EVERY_DAYS = 3


@dataclass(frozen=True)
class EmailRecord:
    id: int
    invoice_id: int
    to: str
    reason: str
    operator: str
    queued_at: datetime
    sent_at: datetime | None
    sent_to: str

    def to_json(self) -> dict:
        return {"id": self.id, "invoiceId": self.invoice_id, "to": self.to or None,
                "reason": self.reason, "operator": self.operator,
                "queuedAt": iso(self.queued_at), "sentAt": iso(self.sent_at),
                "sentTo": self.sent_to or None, "state": "sent" if self.sent_at else "queued"}


def _record(m: InvoiceEmail) -> EmailRecord:
    return EmailRecord(m.id, m.invoice_id, m.to, m.reason, m.operator, m.queued_at,
                       m.sent_at, m.sent_to)


def _queue(s, ctx: Context, inv: Invoice, to: str, reason: str) -> InvoiceEmail:
    key = enqueue(s, ctx, f"invoice:{inv.id}", "invoice.send_email",
                  {"invoiceId": inv.id, "to": to or None, "reason": reason})
    mail = InvoiceEmail(invoice_id=inv.id, to=to, reason=reason, operator=ctx.operator,
                        idempotency_key=key, queued_at=ctx.now(), sent_at=None, sent_to="")
    s.add(mail)
    if inv.sync_state in ("synced", "local"):
        inv.sync_state = "pending"
    s.flush()
    who = to or inv.customer.email
    record_history(s, ctx, "invoice", inv.id, "email_queued", None, {"to": who, "reason": reason},
                   _("Reminder to {to} queued", to=who) if reason == "reminder"
                   else _("Email to {to} queued", to=who))
    return mail


def send_invoice(ctx: Context, ref, to: str | None = None) -> EmailRecord:
    """Queue an email of the invoice (to its customer, or to `to`)."""
    to = (to or "").strip().lower()
    if to and (len(to) > 254 or not _EMAIL.match(to)):
        raise ValidationError(_("{to} is not an email address (like name@example.com).",
                                to=repr(to)),
                              field="to")
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        inv = load_invoice(s, ref, lock=True)
        if inv.status == "draft":
            raise ConflictError(_("This invoice is still a draft. Issue it before emailing it."),
                                field="status")
        if inv.status == "void":
            raise ConflictError(_("This invoice is void; there is nothing to email."), field="status")
        if not to and not inv.customer.email:
            raise ValidationError(_("{name} has no email address on file. Add one to the "
                                    "customer, or give --to.", name=inv.customer.name), field="to")
        rec = _record(_queue(s, ctx, inv, to, "manual"))
        uow.commit()
    return rec


def invoice_emails(ctx: Context, ref) -> list[EmailRecord]:
    with ctx.store.reader() as uow:
        inv = load_invoice(uow.session, ref)
        rows = uow.session.execute(select(InvoiceEmail).where(InvoiceEmail.invoice_id == inv.id)
                                   .order_by(InvoiceEmail.id)).scalars()
        return [_record(m) for m in rows]


# ── reminders ─────────────────────────────────────────────────────────
def reminder_settings(ctx: Context) -> dict:
    with ctx.store.reader() as uow:
        row = uow.session.get(Setting, REMINDERS_KEY)
        value = row.value if row is not None and isinstance(row.value, dict) else {}
    return {"enabled": bool(value.get("enabled", True)),
            "everyDays": int(value.get("everyDays", DEFAULT_EVERY_DAYS))}


def set_reminders(ctx: Context, *, enabled: bool = True, every_days: int = DEFAULT_EVERY_DAYS) -> dict:
    if isinstance(every_days, bool) or not isinstance(every_days, int) or not 1 <= every_days <= 90:
        raise ValidationError(_("Reminders are sent every 1 to 90 days."), field="every_days")
    value = {"enabled": bool(enabled), "everyDays": every_days}
    set_setting(ctx, REMINDERS_KEY, value)
    return value


def queue_reminders(ctx: Context) -> int:
    """Queue a reminder for each open invoice with an email on file whose last
    email (or issue, if never emailed) is at least `everyDays` old."""
    cfg = reminder_settings(ctx)
    if not cfg["enabled"]:
        return 0
    now = ctx.now()
    cutoff = now - timedelta(days=cfg["everyDays"])
    last_mail = (select(InvoiceEmail.invoice_id, func.max(InvoiceEmail.queued_at).label("last"))
                 .group_by(InvoiceEmail.invoice_id).subquery())
    stmt = (select(Invoice.id).join(Customer, Customer.id == Invoice.customer_id)
            .outerjoin(last_mail, last_mail.c.invoice_id == Invoice.id)
            .where(Invoice.status == "open", Customer.email != "",
                   func.coalesce(last_mail.c.last, Invoice.issued_at) <= cutoff))
    count = 0
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        for (invoice_id,) in s.execute(stmt).all():
            _queue(s, ctx, s.get(Invoice, invoice_id), "", "reminder")
            count += 1
        uow.commit()
    return count
