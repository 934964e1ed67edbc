"""End of day: a shift per till and operator, its Z report, and closing it.
A closed shift's report is frozen in its row and nothing changes it; whatever
happens after the close (a later payment, a void) falls in the next shift."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from app.i18n import _
from app.domain.currency import get_currency
from app.domain.errors import ConflictError, NotFoundError, ValidationError
from app.domain.records import iso
from app.services.audit import record_history, seal
from app.store.history_chain import session_head, short_code
from app.services.context import Context
from app.services.roles import require_role
from app.store.models import HistoryEntry, Invoice, Payment, PaymentTender, Receipt
from app.store.reconcile_models import Shift, StatementMatch
from app.services.refunds import refunds_by_method

EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


def _history(s, till, operator, start, end, actions):
    q = select(HistoryEntry).where(
        HistoryEntry.entity_type == "invoice", HistoryEntry.action.in_(actions),
        HistoryEntry.till_code == till, HistoryEntry.operator == operator,
        HistoryEntry.at >= start)
    if end is not None:
        q = q.where(HistoryEntry.at < end)
    return list(s.execute(q.order_by(HistoryEntry.id)).scalars())


def build_report(s, till: str, operator: str, start: datetime, end: datetime | None,
                 opening_float: dict, counted: dict | None = None, *,
                 now: datetime | None = None) -> dict:
    """The shift's figures from `start` up to `end` (excluded; None: up to now)."""
    totals: dict[str, dict[str, int]] = defaultdict(
        lambda: {"issued": 0, "paid": 0, "voided": 0, "writtenOff": 0, "refunded": 0})
    issued = []
    for h in _history(s, till, operator, start, end, ("issue",)):
        a = h.after or {}
        issued.append({"invoiceId": h.entity_id, "number": a.get("localNumber"),
                       "currency": a.get("currency"), "total": int(a.get("total", 0))})
        totals[a.get("currency", "IDR")]["issued"] += int(a.get("total", 0))
    cancelled = select(StatementMatch.payment_id).where(StatementMatch.state == "undone",
                                                        StatementMatch.payment_id.is_not(None))
    # A payment without tender rows (one Plugipay reported paid online) counts as
    # one tender of its method.
    q = (select(Payment.id, Payment.currency, Payment.amount, Payment.cash_received,
                Payment.change, func.coalesce(PaymentTender.method, Payment.method),
                func.coalesce(PaymentTender.amount, Payment.amount))
         .join(Receipt, Receipt.payment_id == Payment.id)
         .outerjoin(PaymentTender, PaymentTender.payment_id == Payment.id)
         .where(Payment.operator == operator, Payment.recorded_at >= start,
                Receipt.number.like(f"{till}-R%"), Payment.id.not_in(cancelled))
         .order_by(Payment.id, PaymentTender.position))
    if end is not None:
        q = q.where(Payment.recorded_at < end)
    # Per tender method: how many tenders and their total; cash counts what was
    # kept (received − change), so the methods add up to what was paid.
    by_method: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    drawer: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # cash received, change
    seen = set()
    for pid, cur, amount, received, change, method, tendered in s.execute(q):
        by_method[(cur, method)][0] += 1
        by_method[(cur, method)][1] += tendered
        if pid not in seen:
            seen.add(pid)
            totals[cur]["paid"] += amount
            drawer[cur][0] += received or 0
            drawer[cur][1] += change or 0
            if change:
                by_method[(cur, "cash")][1] -= change
    payments = [{"currency": c, "method": m, "count": v[0], "amount": v[1]}
                for (c, m), v in sorted(by_method.items())]
    undone = _history(s, till, operator, start, end, ("unpay",))

    def changes(action, key):
        out = []
        for h in _history(s, till, operator, start, end, (action,)):
            a = h.after or {}
            out.append({"invoiceId": h.entity_id, "number": a.get("localNumber"),
                        "currency": a.get("currency"), "total": int(a.get("total", 0)),
                        "amountDue": int(a.get("total", 0)) - int(a.get("amountPaid", 0)),
                        "reason": a.get("reason") or "", "at": iso(h.at)})
            totals[a.get("currency", "IDR")][key] += int(a.get("total", 0))
        return out

    voids, write_offs = changes("void", "voided"), changes("write_off", "writtenOff")
    refunded = refunds_by_method(s, start, end, till=till, operator=operator)
    for (cur, _method), amount in refunded.items():
        totals[cur]["refunded"] += amount  # every method: money given back this shift
    currencies = set(totals) | set(opening_float or {}) | set(counted or {})
    cash = {}
    for cur in sorted(currencies):
        fl = int((opening_float or {}).get(cur, 0))
        received, change = drawer.get(cur, (0, 0))
        kept = received - change
        given_back = refunded.get((cur, "cash"), 0)  # cash refunds left the drawer
        row = {"float": fl, "cashPayments": kept, "cashReceived": received, "change": change,
               "cashRefunds": given_back, "expected": fl + kept - given_back,
               "counted": None, "difference": None}
        if counted is not None:
            row["counted"] = int(counted.get(cur, 0))
            row["difference"] = row["counted"] - row["expected"]
        cash[cur] = row
        totals[cur]  # every currency of the drawer shows in the totals
    numbers = {i: n for i, n in s.execute(select(Invoice.id, Invoice.local_number).where(
        Invoice.id.in_([v["invoiceId"] for v in voids + write_offs] or [0])))}
    for v in voids + write_offs:
        v["number"] = v["number"] or numbers.get(v["invoiceId"])
    return {"till": till, "operator": operator, "from": iso(start), "to": iso(end or now),
            "invoicesIssued": len(issued), "invoices": issued, "payments": payments,
            "voids": voids, "writeOffs": write_offs, "paymentsUndone": len(undone),
            "refunds": [{"currency": c, "method": m, "amount": a}
                        for (c, m), a in sorted(refunded.items())],
            "totals": {c: totals[c] for c in sorted(totals)}, "cash": cash}


def _amounts(values: dict | None, label: str) -> dict:
    out = {}
    for cur, amount in (values or {}).items():
        code = get_currency(cur).code
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise ValidationError(_("{label} in {code} must be a whole number, not negative, in "
                                    "the smallest unit.", label=label, code=code), field=label.lower().replace(" ", "_"))
        out[code] = amount
    return out


def _open_row(s, ctx: Context):
    return s.execute(select(Shift).where(Shift.till_code == ctx.till,
                                         Shift.operator == ctx.operator,
                                         Shift.state == "open")).scalar()


def _last_close(s, ctx: Context) -> datetime:
    last = s.execute(select(func.max(Shift.closed_at)).where(
        Shift.till_code == ctx.till, Shift.operator == ctx.operator)).scalar()
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=timezone.utc)
    return last or EPOCH


def _unopened_start(s, ctx: Context) -> datetime:
    """Where a shift nobody opened starts. Kasir never refuses a sale for want of
    a shift (the window asks for one at the first sale of a day: shift_is_open),
    so closing without an opened shift must still count every sale: it starts at
    this till and operator's previous close, or, before any close, at their first
    recorded action here (never "2000-01-01"); it has no float."""
    last = _last_close(s, ctx)
    if last != EPOCH:
        return last
    first = s.execute(select(func.min(HistoryEntry.at)).where(
        HistoryEntry.till_code == ctx.till, HistoryEntry.operator == ctx.operator)).scalar()
    if first is not None and first.tzinfo is None:
        first = first.replace(tzinfo=timezone.utc)
    return first or ctx.now()


def shift_is_open(ctx: Context) -> bool:
    """Has this operator an open shift on this till? (The window asks for a float
    at the first sale when not.)"""
    with ctx.store.reader() as uow:
        return _open_row(uow.session, ctx) is not None


def open_shift(ctx: Context, opening_float: dict | None = None) -> dict:
    fl = _amounts(opening_float, "Opening float")
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        if _open_row(s, ctx) is not None:
            raise ConflictError(_("{operator} already has an open shift on till {till}.",
                                  operator=ctx.operator, till=ctx.till),
                                field="shift")
        row = Shift(till_code=ctx.till, operator=ctx.operator, state="open",
                    opened_at=max(ctx.now(), _last_close(s, ctx)), opening_float=fl)
        s.add(row)
        s.flush()
        record_history(s, ctx, "shift", row.id, "open", None, {"openingFloat": fl})
        out = _summary(row)
        uow.commit()
    return out


def _summary(row) -> dict:
    return {"shiftId": row.id, "till": row.till_code, "operator": row.operator,
            "state": row.state, "openedAt": iso(row.opened_at), "closedAt": iso(row.closed_at),
            "closedBy": row.closed_by or None, "openingFloat": row.opening_float}


def shift_report(ctx: Context, shift_id=None) -> dict:
    """The frozen report of a closed shift, or the running one of the open shift."""
    with ctx.store.reader() as uow:
        s = uow.session
        if shift_id is not None:
            row = s.get(Shift, int(shift_id))
            if row is None:
                raise NotFoundError(_("There is no shift {shift_id}.", shift_id=shift_id), field="shift")
        else:
            row = _open_row(s, ctx)
        if row is not None and row.state == "closed":
            return {**_summary(row), **row.report}
        if row is not None:
            rep = build_report(s, row.till_code, row.operator, row.opened_at, None,
                               row.opening_float, now=ctx.now())
            return {**_summary(row), **rep}
        start = _unopened_start(s, ctx)
        rep = build_report(s, ctx.till, ctx.operator, start, None, {}, now=ctx.now())
        return {"shiftId": None, "till": ctx.till, "operator": ctx.operator, "state": "open",
                "openedAt": iso(start), "closedAt": None,
                "closedBy": None, "openingFloat": {}, **rep}


def close_shift(ctx: Context, counted: dict | None, note: str = "") -> dict:
    """Freeze the Z report of this till and operator's shift. Counted cash is required
    for every currency the drawer held (zero is a valid count)."""
    cnt = _amounts(counted, "Counted cash")
    require_role(ctx, "shift_close")
    # The close takes in everything up to and including this instant.
    now = ctx.now() + timedelta(microseconds=1)
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        row = _open_row(s, ctx)
        if row is None:
            row = Shift(till_code=ctx.till, operator=ctx.operator, state="open",
                        opened_at=min(_unopened_start(s, ctx), now), opening_float={})
            s.add(row)
            s.flush()
        rep = build_report(s, row.till_code, row.operator, row.opened_at, now,
                           row.opening_float, cnt)
        missing = [c for c, v in rep["cash"].items()
                   if c not in cnt and (v["expected"] or v["float"])]
        if missing:
            raise ValidationError(_("Count the cash in the drawer first: give the counted "
                                    "amount for {currencies}.", currencies=", ".join(missing)),
                                  field="counted")
        row.state, row.closed_at, row.closed_by = "closed", now, ctx.operator
        row.counted, row.note = cnt, note.strip()[:500]
        row.report = rep
        s.flush()
        record_history(s, ctx, "shift", row.id, "close", None,
                       {"cash": rep["cash"], "totals": rep["totals"]}, row.note)
        # Sealed in the history chain: a later change to anything before it shows.
        rep = {**rep, "seal": seal(s, ctx, "shift", row.id, {"report": rep})}
        rep["chain"] = short_code(session_head(s))  # issue 17: printed as the Z report's anchor
        row.report = rep  # a new dict, so the JSON column sees the change
        out = {**_summary(row), **rep}
        uow.commit()
    return out


def list_shifts(ctx: Context, limit: int = 50) -> list[dict]:
    with ctx.store.reader() as uow:
        rows = uow.session.execute(select(Shift).where(Shift.till_code == ctx.till)
                                   .order_by(Shift.id.desc()).limit(limit)).scalars()
        return [_summary(r) for r in rows]
