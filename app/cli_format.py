"""Human-readable text for the command line."""

from __future__ import annotations

from app.domain.money import format_money
from app.domain.records import CustomerRecord, HistoryRecord, InvoiceRecord, ReceiptRecord

STATUS_LABELS = {
    "draft": "Draft", "open": "Open", "past_due": "Past due", "paid": "Paid",
    "void": "Void", "uncollectible": "Written off",
}


def _date(dt) -> str:
    return dt.astimezone().strftime("%Y-%m-%d %H:%M") if dt else "-"


def customer_line(c: CustomerRecord) -> str:
    extra = "  ".join(x for x in (c.email, c.phone) if x)
    return f"{c.id:>6}  {c.name}" + (f"  ({extra})" if extra else "")


def customer_text(c: CustomerRecord) -> str:
    rows = [("Customer", f"#{c.id} {c.name}"), ("Email", c.email or "-"), ("Phone", c.phone or "-"),
            ("Tax id", c.tax_id or "-"), ("Notes", c.notes or "-"),
            ("Plugipay", c.plugipay_id or "not synced yet")]
    return "\n".join(f"{k:<10} {v}" for k, v in rows)


def invoice_line(inv: InvoiceRecord) -> str:
    return (f"{inv.id:>7}  {inv.display_number:<14} {STATUS_LABELS[inv.status]:<11} "
            f"{format_money(inv.total, inv.currency):>18}  due {format_money(inv.amount_due, inv.currency):>16}"
            f"  {inv.customer_name}")


def invoice_text(inv: InvoiceRecord) -> str:
    m = lambda a: format_money(a, inv.currency)  # noqa: E731
    head = [
        ("Invoice", f"{inv.display_number}  (id {inv.id})"),
        ("Plugipay", inv.number or "not synced yet"),
        ("Status", STATUS_LABELS[inv.status]),
        ("Customer", f"{inv.customer_name} (#{inv.customer_id})"),
        ("Currency", inv.currency),
        ("Issued", _date(inv.issued_at)),
        ("Due", _date(inv.due_at)),
    ]
    if inv.paid_at:
        head.append(("Paid", _date(inv.paid_at)))
    if inv.voided_at:
        head.append(("Voided", _date(inv.voided_at)))
    if inv.written_off_at:
        head.append(("Written off", _date(inv.written_off_at)))
    if inv.reason:
        head.append(("Reason", inv.reason))
    if inv.memo:
        head.append(("Memo", inv.memo))
    head.append(("Sync", inv.sync_state))
    out = [f"{k:<11} {v}" for k, v in head]
    out.append("")
    for l in inv.lines:
        out.append(f"  {l.description}")
        out.append(f"      {l.quantity} x {m(l.unit_amount):>16} = {m(l.amount):>18}")
    out.append("")
    for label, value in (("Subtotal", inv.subtotal), ("Discount", -inv.discount), ("Tax", inv.tax),
                         ("Total", inv.total), ("Amount paid", inv.amount_paid),
                         ("Amount due", inv.amount_due)):
        out.append(f"{label:<12} {m(value):>20}")
    return "\n".join(out)


def receipt_text(r: ReceiptRecord) -> str:
    return (f"Receipt {r.number}: {format_money(r.amount, r.currency)} by {r.method}"
            + (f", ref {r.reference}" if r.reference else "") + f", {_date(r.issued_at)}")


def history_text(entries: list[HistoryRecord]) -> str:
    out = []
    for h in entries:
        line = f"{_date(h.at)}  {h.operator:<12} {h.action}"
        if h.approved_by:
            line += f" (approved by {h.approved_by})"
        if h.note:
            line += f"  — {h.note}"
        out.append(line)
    return "\n".join(out) or "No history."
