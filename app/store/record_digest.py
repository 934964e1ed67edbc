"""The state a history entry commits to: a digest of the record it changed, as it
stands after the change (issue 17). An invoice is digested with its lines,
payments (with their tenders) and receipts; a customer, item, staff account or
till on its own. The canonical form is sorted-key JSON of the fields that
matter, amounts as ints and times as UTC text, so the same record read back
from the file digests to the same value.

Fields left out on purpose: what sync writes back without a history entry
(Plugipay's id, number and hosted URL, sync state), the ORM's version counter,
`updated_at`, and a staff account's failed-PIN counter. app/trust/README.md
says so to the shop owner. Changing a field list changes every digest: add a
new one as a new `DIGEST_VERSION`, never edit one in place."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import datetime, timezone
from typing import Callable, Iterable

from sqlalchemy import Boolean, Integer, Text, bindparam, select, type_coerce

from .models import Customer, Invoice, InvoiceLine, Item, Payment, PaymentTender, Receipt, Till
from .refund_models import Refund, RefundLine
from .trust_models import StaffAccount
from .types import UTCDateTime

DIGEST_VERSION = "1"

FIELDS = {
    "invoice": (Invoice, ("id", "till_code", "local_number", "customer_id", "currency", "status",
                          "subtotal", "discount", "tax", "total", "amount_paid",
                          "amount_refunded", "due_at",
                          "issued_at", "paid_at", "voided_at", "written_off_at", "reason",
                          "memo", "created_by", "created_at")),
    "customer": (Customer, ("id", "name", "email", "phone", "tax_id", "notes", "created_at")),
    "item": (Item, ("id", "code", "name", "unit_amount", "currency", "active", "tax_rate",
                    "created_at")),
    "staff": (StaffAccount, ("id", "name", "display_name", "role", "pin_hash", "active",
                             "created_at")),
    "till": (Till, ("id", "code", "name", "created_at")),
}
LINE_FIELDS = ("id", "position", "description", "quantity", "unit_amount", "amount", "tax_rate",
               "shelf_unit_amount")
PAYMENT_FIELDS = ("id", "amount", "currency", "method", "reference", "operator", "paid_at",
                  "recorded_at", "cash_received", "change")
TENDER_FIELDS = ("id", "position", "method", "amount", "reference")
RECEIPT_FIELDS = ("id", "number", "payment_id", "amount", "currency", "issued_at")

# Entity types whose every record must have a history entry: one without is named
# as a problem. The others (customers, items, tills) may come from bulk imports
# or older versions without one; they are named in the report's notes.
STRICT = ("invoice", "staff")

# Parts of an invoice's state beyond its lines and payments: name -> a function
# (connection-or-session, invoice ids) -> {invoice id: [canonical dicts]}.
# Refunds (issue 15) add theirs here: register_invoice_part("refunds", fn).
INVOICE_PARTS: dict[str, Callable] = {}


def register_invoice_part(name: str, collect: Callable) -> None:
    INVOICE_PARTS[name] = collect


def _value(v):
    """Times as SQLite stores them (naive UTC, SQLAlchemy's spelling), booleans as 0/1."""
    if isinstance(v, datetime):
        if v.tzinfo is not None:
            v = v.astimezone(timezone.utc).replace(tzinfo=None)
        return v.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, bool):
        return int(v)
    return v


def _col(t, name):
    """A column read as stored: times as their text (a respelling or garbage shows
    instead of being parsed away or raising), booleans as the stored integer."""
    c = t.c[name]
    if isinstance(c.type, UTCDateTime):
        return type_coerce(c, Text).label(name)
    if isinstance(c.type, Boolean):
        return type_coerce(c, Integer).label(name)
    return c


def _pick(obj, names) -> dict:
    get = obj.get if isinstance(obj, dict) else (lambda n: getattr(obj, n))
    return {n: _value(get(n)) for n in names}


def digest(state: dict) -> str:
    text = json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{DIGEST_VERSION}\n{text}".encode("utf-8")).hexdigest()


# ------------------------------------------------------------- reading children

_STATEMENTS: dict = {}


def _statement(table, where_col: str, names, single: bool = False):
    """Built once: composing a SELECT costs more than running it on a sale's few rows.
    `single`: for one owner (`= :id`), which skips expanding an IN list per call."""
    key = (table, where_col, names, single)
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        t = table.__table__
        owner = t.c[where_col]
        match = (owner == bindparam("id")) if single else owner.in_(
            bindparam("ids", expanding=True))
        stmt = _STATEMENTS[key] = select(owner.label("_owner"),
                                         *[_col(t, n) for n in names]).where(match)
    return stmt


def _rows(conn, table, where_col, ids: list[int], names) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = defaultdict(list)
    if not ids:
        return out
    if len(ids) == 1:
        chunks = [(_statement(table, where_col, names, single=True), {"id": ids[0]})]
    else:
        stmt = _statement(table, where_col, names)
        chunks = [(stmt, {"ids": ids[start:start + 500]}) for start in range(0, len(ids), 500)]
    for stmt, params in chunks:
        for r in conn.execute(stmt, params):
            m = r._mapping
            out[m["_owner"]].append(_pick(m, names))
    return out


def invoice_children(conn, ids: list[int]) -> dict[int, dict]:
    """Payments (with tenders), receipts and registered parts of these invoices."""
    pays = _rows(conn, Payment, "invoice_id", ids, PAYMENT_FIELDS)
    pay_ids = [p["id"] for rows in pays.values() for p in rows]
    tenders = _rows(conn, PaymentTender, "payment_id", pay_ids, TENDER_FIELDS)
    receipts = _rows(conn, Receipt, "invoice_id", list(pays), RECEIPT_FIELDS)
    out: dict[int, dict] = {}
    for iid in ids:
        ps = sorted(pays.get(iid, ()), key=lambda p: p["id"])
        for p in ps:
            p["tenders"] = sorted(tenders.get(p["id"], ()), key=lambda t: t["id"])
        extra = {"payments": ps,
                 "receipts": sorted(receipts.get(iid, ()), key=lambda r: r["id"])}
        out[iid] = extra
    for name, collect in INVOICE_PARTS.items():
        found = collect(conn, ids)
        for iid in ids:
            out[iid][name] = found.get(iid, [])
    return out


def invoice_state(inv, lines: Iterable, children: dict) -> dict:
    _model, names = FIELDS["invoice"]
    state = _pick(inv, names)
    state["lines"] = sorted((_pick(l, LINE_FIELDS) for l in lines),
                            key=lambda l: l["id"] or 0)
    state.update(children)
    return state


def invoice_digest(inv, lines: Iterable, payments: Iterable, receipts: Iterable) -> str:
    """The same digest for writers that build rows without the ORM (the bulk
    loader): `inv`, lines, receipts as dicts or objects with the FIELDS names;
    each payment a dict with its `tenders`."""
    pays = []
    for p in payments:
        d = _pick(p, PAYMENT_FIELDS)
        d["tenders"] = sorted((_pick(t, TENDER_FIELDS) for t in p["tenders"]),
                              key=lambda t: t["id"])
        pays.append(d)
    children = {"payments": sorted(pays, key=lambda p: p["id"]),
                "receipts": sorted((_pick(r, RECEIPT_FIELDS) for r in receipts),
                                   key=lambda r: r["id"])}
    children.update({name: [] for name in INVOICE_PARTS})
    return digest(invoice_state(inv, lines, children))


REFUND_FIELDS = ("id", "till_code", "local_number", "amount", "currency", "method", "reason",
                 "note", "by_lines", "source", "operator", "approved_by", "created_at")
REFUND_LINE_FIELDS = ("id", "line_position", "description", "quantity", "unit_amount")


def _refunds(conn, ids: list[int]) -> dict[int, list[dict]]:
    """Issue 15's refunds of these invoices, with their lines (Plugipay's id and the
    sync state are left out, like an invoice's)."""
    refunds = _rows(conn, Refund, "invoice_id", ids, REFUND_FIELDS)
    lines = _rows(conn, RefundLine, "refund_id", [r["id"] for rs in refunds.values() for r in rs],
                  REFUND_LINE_FIELDS)
    for rs in refunds.values():
        rs.sort(key=lambda r: r["id"])
        for r in rs:
            r["lines"] = sorted(lines.get(r["id"], ()), key=lambda l: l["id"])
    return refunds


register_invoice_part("refunds", _refunds)


# ------------------------------------------------------------- at write time

def digest_in_session(session, entity_type: str, entity_id) -> str | None:
    """The digest of a record as it stands in this transaction, the session's
    changes flushed. An invoice is read back from the file with its children,
    exactly as `audit verify` will read it; other records are digested from the
    session's object. None for entity types that carry no digest, or a record
    that is gone."""
    spec = FIELDS.get(entity_type)
    if spec is None or not isinstance(entity_id, int):
        return None
    if entity_type == "invoice":
        return stored_invoice_digest(session.connection(), entity_id)
    obj = session.get(spec[0], entity_id)
    return None if obj is None else digest(_pick(obj, spec[1]))


def stored_invoice_digest(conn, invoice_id: int) -> str | None:
    """The digest of one invoice as the file holds it now (None: no such invoice)."""
    return stored_invoice_digests(conn, [invoice_id]).get(invoice_id)


def stored_invoice_digests(conn, ids) -> dict[int, str]:
    """{id: digest} of these invoices as the file holds them now, read together:
    a batch of sync answers digests its invoices in a few statements, not a few
    per invoice (issue 18). Ids with no invoice are left out."""
    ids = sorted(set(ids))
    out: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        out.update(_invoice_digests(conn, lambda c: _invoice_rows(c, chunk)))
    return out


_INVOICES: dict = {}


def _invoice_rows(conn, ids: list[int]) -> list:
    single = len(ids) == 1
    stmt = _INVOICES.get(single)
    if stmt is None:
        model, names = FIELDS["invoice"]
        t = model.__table__
        match = (t.c.id == bindparam("id")) if single else t.c.id.in_(
            bindparam("ids", expanding=True))
        stmt = _INVOICES[single] = select(*[_col(t, n) for n in names]).where(match)
    params = {"id": ids[0]} if single else {"ids": ids}
    return [r._mapping for r in conn.execute(stmt, params)]


# ------------------------------------------------------------- at check time

def current_digests(conn, entity_type: str, chunk: int = 2000):
    """(id, digest) of every record of a type, read in chunks from the file."""
    model, names = FIELDS[entity_type]
    t = model.__table__
    last = None
    while True:
        q = select(*[_col(t, n) for n in names]).order_by(t.c.id).limit(chunk)
        if last is not None:
            q = q.where(t.c.id > last)
        rows = [r._mapping for r in conn.execute(q)]
        if not rows:
            return
        last = rows[-1]["id"]
        if entity_type == "invoice":
            yield from _invoice_digests(conn, lambda _conn: rows)
        else:
            for r in rows:
                yield r["id"], digest(_pick(r, names))


def _invoice_digests(conn, read_rows):
    """(id, digest) of the invoice rows `read_rows(conn)` gives, with their lines and children."""
    rows = read_rows(conn)
    if not rows:
        return
    ids = [r["id"] for r in rows]
    lines = _rows(conn, InvoiceLine, "invoice_id", ids, LINE_FIELDS)
    children = invoice_children(conn, ids)
    for r in rows:
        yield r["id"], digest(invoice_state(r, lines.get(r["id"], ()), children[r["id"]]))
