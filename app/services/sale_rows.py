"""A sale's rows, read and written with Core statements (issue 18).

Creating, issuing and paying an invoice are the till's hottest transactions.
Through the ORM's unit of work each cost several milliseconds of Python
(identity map, flush planning, events per attribute) for a handful of rows;
these statements write the same rows in a fraction of that. The rules stay in
app/services/invoices.py: this module only moves rows.

An invoice is handed around as a `Row` (attribute access, like a loaded model),
with its `lines` and its `customer` (name, email), so snapshots, payloads and
records read it as they read a model. Writes check text lengths against the
models (app/store/limits.py) as a flush would, and an invoice is updated only at
the version it was read at (a StaleDataError otherwise, which the action's
retry runs again), as the ORM's version counter does. A caller's session that
holds the invoice as a model is flushed before and has it expired after
(`fresh_for_core`, `expire_invoice`), so the two views never disagree."""

from __future__ import annotations

from types import SimpleNamespace as Row

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.domain.errors import NotFoundError
from app.i18n import _
from app.domain.validation import MAX_ID
from app.store.limits import check_values
from app.store.models import (Customer, Invoice, InvoiceLine, Payment, PaymentTender, Receipt,
                              Setting)

INV = Invoice.__table__
LINES = InvoiceLine.__table__
PAYMENTS = Payment.__table__
TENDERS = PaymentTender.__table__
RECEIPTS = Receipt.__table__
CUSTOMERS = Customer.__table__

INVOICE_COLUMNS = tuple(c.key for c in INV.columns)
LINE_COLUMNS = ("position", "description", "quantity", "unit_amount", "amount", "tax_rate",
                "shelf_unit_amount")

_LOAD = (select(INV, CUSTOMERS.c.name.label("_customer_name"),
                CUSTOMERS.c.email.label("_customer_email"))
         .join(CUSTOMERS, CUSTOMERS.c.id == INV.c.customer_id))
_LINES = (select(*[LINES.c[n] for n in ("id",) + LINE_COLUMNS])
          .where(LINES.c.invoice_id == bindparam("invoice_id")).order_by(LINES.c.position))
_CUSTOMER = select(CUSTOMERS.c.name, CUSTOMERS.c.email).where(CUSTOMERS.c.id == bindparam("cid"))
_SETTING = select(Setting.__table__.c.value).where(Setting.__table__.c.key == bindparam("key"))


_BY = {"id": INV.c.id, "plugipay_id": INV.c.plugipay_id, "number": INV.c.number,
       "local_number": INV.c.local_number}
# Built once per way of naming and locking: a statement composed per call would
# cost its cache key every time (issue 18).
_LOAD_BY = {(by, lock): (_LOAD.with_for_update(of=INV) if lock else _LOAD)
            .where(col == bindparam("ref")).limit(1)
            for by, col in _BY.items() for lock in (False, True)}


def parse_ref(ref) -> tuple[str, object, str]:
    """How a reference names an invoice: (column, value, the text as given) for
    its id, local number, Plugipay id or Plugipay number."""
    text = str(ref).strip() if ref is not None else ""
    if text.isdigit():
        if int(text) > MAX_ID:  # no row has such an id (and the driver could not bind it)
            raise NotFoundError(_("There is no invoice {ref}.", ref=text), field="id")
        return "id", int(text), text
    if text.startswith("in_"):
        return "plugipay_id", text, text
    if text.upper().startswith("INV-"):
        return "number", text.upper(), text
    if text:
        return "local_number", text.upper(), text
    raise NotFoundError(_("Give an invoice id or number."), field="id")


def where_ref(ref):
    """The WHERE clause for the invoice a reference names, and the text as given."""
    by, value, text = parse_ref(ref)
    return _BY[by] == value, text


def load(conn, ref, *, lock: bool = False) -> Row:
    """The invoice `ref` names, with its lines and customer, as a Row; `lock`: its
    row stays locked until the transaction ends (FOR UPDATE on PostgreSQL; a
    SQLite writer holds the whole file already)."""
    by, value, text = parse_ref(ref)
    row = conn.execute(_LOAD_BY[by, lock], {"ref": value}).first()
    if row is None:
        raise NotFoundError(_("There is no invoice {ref}.", ref=text), field="id")
    m = row._mapping
    inv = Row(**{k: m[k] for k in INVOICE_COLUMNS})
    inv.customer = Row(id=inv.customer_id, name=m["_customer_name"],
                       email=m["_customer_email"])
    inv.lines = [Row(**r._mapping) for r in conn.execute(_LINES, {"invoice_id": inv.id})]
    return inv


def new_invoice(conn, values: dict, lines, customer) -> Row:
    """Insert an invoice (every column in `values` but id and version) and its
    lines (objects with LINE_COLUMNS); returns it as a Row."""
    values = {**values, "version": 1}
    check_values(INV, values)
    inv = Row(**values)
    inv.id = conn.execute(INV.insert(), values).inserted_primary_key[0]
    rows = [{"invoice_id": inv.id, **{n: getattr(l, n) for n in LINE_COLUMNS}} for l in lines]
    for r in rows:
        check_values(LINES, r)
    if rows:
        conn.execute(LINES.insert(), rows)
    inv.lines = [Row(**r) for r in rows]
    inv.customer = customer
    return inv


def customer_of(conn, customer_id: int) -> Row | None:
    """The customer with this local id (name and email), or None."""
    row = conn.execute(_CUSTOMER, {"cid": customer_id}).first()
    return None if row is None else Row(id=customer_id, name=row[0], email=row[1])


def customer_by_setting(conn, key: str) -> Row | None:
    """The customer whose id a settings row holds (the walk-in customer), or None."""
    value = conn.execute(_SETTING, {"key": key}).scalar()
    return customer_of(conn, value) if type(value) is int else None


_UPDATES: dict = {}


def _update_statement(keys: tuple[str, ...]):
    stmt = _UPDATES.get(keys)
    if stmt is None:
        stmt = _UPDATES[keys] = (
            INV.update().where(INV.c.id == bindparam("b_id"),
                               INV.c.version == bindparam("b_version"))
            .values({**{k: bindparam(f"v_{k}", type_=INV.c[k].type) for k in keys},
                     "version": bindparam("b_next", type_=INV.c.version.type)}))
    return stmt


def update_invoice(conn, inv: Row, **changes) -> None:
    """Write `changes` to the invoice at the version it was read at; `inv` follows."""
    check_values(INV, changes)
    version = inv.version
    keys = tuple(sorted(changes))
    params = {f"v_{k}": changes[k] for k in keys}
    params.update(b_id=inv.id, b_version=version, b_next=version + 1)
    if conn.execute(_update_statement(keys), params).rowcount != 1:
        raise StaleDataError(f"invoice {inv.id} changed since it was read (version {version})")
    for k, v in changes.items():
        setattr(inv, k, v)
    inv.version = version + 1


def new_payment(conn, values: dict, tenders) -> Row:
    """Insert a payment and its tenders (objects with method, amount, reference)."""
    check_values(PAYMENTS, values)
    pay = Row(**values)
    pay.id = conn.execute(PAYMENTS.insert(), values).inserted_primary_key[0]
    rows = [{"payment_id": pay.id, "position": i, "method": t.method, "amount": t.amount,
             "reference": t.reference} for i, t in enumerate(tenders)]
    for r in rows:
        check_values(TENDERS, r)
    if rows:
        conn.execute(TENDERS.insert(), rows)
    pay.tenders = [Row(**r) for r in rows]
    return pay


def new_receipt(conn, values: dict) -> Row:
    values = {"plugipay_id": None, **values}
    check_values(RECEIPTS, values)
    receipt = Row(**values)
    receipt.id = conn.execute(RECEIPTS.insert(), values).inserted_primary_key[0]
    return receipt


def fresh_for_core(session: Session):
    """The session's connection, its pending changes written first."""
    session.flush()
    return session.connection()


def expire_invoice(session: Session, invoice_id: int) -> None:
    """A model of this invoice the session holds is read again on next use."""
    held = session.identity_map.get(session.identity_key(Invoice, invoice_id))
    if held is not None:
        session.expire(held)
