"""Human-readable text for the command line, in the chosen language."""

from __future__ import annotations

import json

from app.domain.labels import STATUS_LABELS, method_label, status_label  # noqa: F401 (re-exported)
from app.domain.records import CustomerRecord, HistoryRecord, InvoiceRecord, ReceiptRecord
from app.domain.formatting import format_amount
from app.domain.validation import UNSAFE_MULTILINE
from app.i18n import _


def printable(text: str) -> str:
    """Text for a terminal: control characters, terminal escapes, bidi overrides and lone
    surrogates shown as escapes (\\x1b, \\u202e), never sent raw. Validation refuses them
    now; rows stored before that (or arriving from Plugipay) are printed this way."""
    return UNSAFE_MULTILINE.sub(lambda m: ascii(m.group())[1:-1], text)


def printable_json(payload, indent: int | None = None) -> str:
    """JSON as before (non-ASCII letters kept), with the characters `printable` escapes
    written as \\uXXXX: the same data for a program, nothing a terminal would obey."""
    text = json.dumps(payload, ensure_ascii=False, indent=indent)
    return UNSAFE_MULTILINE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _date(dt) -> str:
    return dt.astimezone().strftime("%Y-%m-%d %H:%M") if dt else "-"


format_date = _date  # for the other command modules


def _rows(rows: list[tuple[str, str]], minimum: int = 10) -> list[str]:
    width = max([minimum] + [len(k) for k, _v in rows])
    return [f"{k:<{width}} {v}" for k, v in rows]


def customer_line(c: CustomerRecord) -> str:
    extra = "  ".join(x for x in (c.email, c.phone) if x)
    return f"{c.id:>6}  {c.name}" + (f"  ({extra})" if extra else "")


def customer_text(c: CustomerRecord) -> str:
    rows = [(_("Customer"), f"#{c.id} {c.name}"), (_("Email"), c.email or "-"),
            (_("Phone"), c.phone or "-"), (_("Tax id"), c.tax_id or "-"),
            (_("Notes"), c.notes or "-"),
            ("Plugipay", c.plugipay_id or _("not synced yet"))]
    return "\n".join(_rows(rows))


def invoice_line(inv: InvoiceRecord) -> str:
    return (f"{inv.id:>7}  {inv.display_number:<14} {status_label(inv.status):<11} "
            f"{format_amount(inv.total, inv.currency):>18}  "
            + _("due {amount}", amount=f"{format_amount(inv.amount_due, inv.currency):>16}")
            + f"  {inv.customer_name}")


def invoice_text(inv: InvoiceRecord) -> str:
    m = lambda a: format_amount(a, inv.currency)  # noqa: E731
    head = [
        (_("Invoice"), _("{number}  (id {id})", number=inv.display_number, id=inv.id)),
        ("Plugipay", inv.number or _("not synced yet")),
        (_("Status"), status_label(inv.status)),
        (_("Customer"), f"{inv.customer_name} (#{inv.customer_id})"),
        (_("Currency"), inv.currency),
        (_("Issued"), _date(inv.issued_at)),
        (_("Due"), _date(inv.due_at)),
    ]
    if inv.paid_at:
        head.append((_("Paid"), _date(inv.paid_at)))
    if inv.voided_at:
        head.append((_("Voided"), _date(inv.voided_at)))
    if inv.written_off_at:
        head.append((_("Written off"), _date(inv.written_off_at)))
    if inv.reason:
        head.append((_("Reason"), inv.reason))
    if inv.memo:
        head.append((_("Memo"), inv.memo))
    head.append((_("Sync"), inv.sync_state))
    out = _rows(head, 11)
    out.append("")
    for l in inv.lines:
        out.append(f"  {l.description}")
        out.append(f"      {l.quantity} x {m(l.unit_amount):>16} = {m(l.amount):>18}")
    out.append("")
    totals = [(_("Subtotal"), inv.subtotal), (_("Discount"), -inv.discount), (_("Tax"), inv.tax),
              (_("Total"), inv.total), (_("Amount paid"), inv.amount_paid),
              (_("Amount due"), inv.amount_due)]
    width = max([12] + [len(k) for k, _v in totals])
    for label, value in totals:
        out.append(f"{label:<{width}} {m(value):>20}")
    return "\n".join(out)


def receipt_text(r: ReceiptRecord) -> str:
    amount = format_amount(r.amount, r.currency)
    if r.reference:
        return _("Receipt {number}: {amount} by {method}, ref {reference}, {at}", number=r.number,
                 amount=amount, method=method_label(r.method), reference=r.reference, at=_date(r.issued_at))
    return _("Receipt {number}: {amount} by {method}, {at}", number=r.number, amount=amount,
             method=method_label(r.method), at=_date(r.issued_at))


def history_text(entries: list[HistoryRecord]) -> str:
    out = []
    for h in entries:
        line = f"{_date(h.at)}  {h.operator:<12} {h.action}"
        if h.approved_by:
            line += " " + _("(approved by {name})", name=h.approved_by)
        if h.note:
            line += f"  — {h.note}"
        out.append(line)
    return "\n".join(out) or _("No history.")
