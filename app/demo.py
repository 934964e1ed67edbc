"""Demo data: a small Indonesian shop's customers, catalogue and invoices, so a
new user (and the screenshots) see a till at work. The shop, catalogue and
customers go through the services; the invoices too on PostgreSQL, and in bulk
on a SQLite file (app/demo_bulk.py)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.demo_bulk import can_bulk_write, write_sales
from app.domain.validation import DraftInput, LineInput
from app.services.audit import record_history
from app.services.context import Context
from app.services.customers import CustomerInput, add_customer
from app.services.invoices import (PaymentInput, create_and_issue, create_draft, mark_paid,
                                   void, write_off)
from app.store.models import Invoice, Item

CUSTOMERS = [
    ("Budi Santoso", "budi.santoso@example.co.id", "+62 812 3456 7890", "09.254.294.3-407.000"),
    ("Siti Rahmawati", "siti.rahma@example.co.id", "+62 813 2233 4455", ""),
    ("CV Maju Jaya", "keuangan@majujaya.example.id", "+62 21 555 0101", "01.234.567.8-901.000"),
    ("Dewi Lestari", "dewi.l@example.com", "+62 857 1122 3344", ""),
    ("PT Sinar Abadi Sentosa", "ap@sinarabadi.example.id", "+62 22 423 8800", "02.345.678.9-012.000"),
    ("Agus Prasetyo", "", "+62 878 9900 1122", ""),
    ("Warung Bu Ningsih", "", "+62 819 5566 7788", ""),
    ("Rina Wijayanti", "rina.w@example.com", "", ""),
]

ITEMS = [
    ("8991002101234", "Kopi susu gula aren", 18000),
    ("8991002105678", "Es teh manis", 8000),
    ("8992761111111", "Roti bakar cokelat keju", 25000),
    ("8998866200011", "Nasi goreng spesial", 32000),
    ("8996001600122", "Air mineral 600 ml", 5000),
    ("KUE-LAPIS", "Kue lapis legit (potong)", 15000),
    ("JASA-SERVIS", "Jasa servis mesin kopi", 350000),
    ("BIJI-250", "Biji kopi Gayo 250 g", 95000),
]


def is_empty(ctx: Context) -> bool:
    with ctx.store.reader() as uow:
        return not uow.session.execute(select(func.count()).select_from(Invoice)).scalar()


def _add_items(ctx: Context) -> None:
    now = ctx.now()
    with ctx.store.unit_of_work() as uow:
        for code, name, price in ITEMS:
            if uow.session.execute(select(Item).where(Item.code == code)).scalar() is None:
                item = Item(code=code, name=name, unit_amount=price, currency="IDR",
                            active=True, created_at=now, updated_at=now)
                uow.session.add(item)
                uow.session.flush()  # issue 17: every record has its history entry
                record_history(uow.session, ctx, "item", item.id, "create", None,
                               {"code": code, "name": name, "unitAmount": price})
        uow.commit()


DEMO_SHOP = dict(name="Kopi Nusantara", address="Jl. Braga No. 12, Bandung 40111",
                 phone="+62 22 420 1234", tax_id="01.234.567.8-012.000",
                 footer="Terima kasih, sampai jumpa lagi!")


def _save_shop(ctx: Context) -> None:
    """The demo shop's profile (so the window's first-run wizard stays away)."""
    from app.services.settings import SHOP_KEY, ShopProfile, get_setting, save_shop

    if get_setting(ctx, SHOP_KEY) is None:
        save_shop(ctx, ShopProfile(**DEMO_SHOP))


@dataclass(frozen=True)
class Sale:
    """One demo sale, planned: what is sold when, and how it ends."""
    at: datetime
    data: DraftInput
    outcome: str  # draft | open | paid | void | write_off
    method: str = ""  # for paid: cash, transfer or edc
    reason: str = ""  # for void and write_off


VOID_REASON = "Salah input pesanan"
WRITE_OFF_REASON = "Pelanggan tidak dapat dihubungi"


def plan_sales(rng: random.Random, customer_ids: list[int], invoices: int,
               now: datetime) -> Iterator[Sale]:
    """The demo's invoices, one every 12 hours or so up to ten days ago: a mix of
    drafts, open, paid (mostly), voided and written-off sales."""
    start = now - timedelta(days=invoices // 2 + 10)
    for i in range(invoices):
        at = start + timedelta(hours=12 * i + rng.randint(0, 5))
        cust = rng.choice(customer_ids)
        lines = tuple(
            LineInput(name, rng.randint(1, 4), price)
            for _, name, price in rng.sample(ITEMS, rng.randint(1, 4)))
        subtotal = sum(l.quantity * l.unit_amount for l in lines)
        tax = subtotal * 11 // 100 if rng.random() < 0.4 else 0  # PPN 11%, rounded down
        discount = 5000 if subtotal > 100000 and rng.random() < 0.3 else 0
        due = at + timedelta(days=rng.choice((0, 7, 14, 30))) if rng.random() < 0.6 else None
        if due is not None and due <= at:
            due = at + timedelta(days=1)
        memo = rng.choice(("", "", "Pesanan meja 4", "Transfer ke BCA 123-456-7890",
                           "PO-2026-118", "Bawa pulang"))
        data = DraftInput(cust, "IDR", lines, discount, tax, due, memo)
        roll = rng.random()
        if roll < 0.08:
            yield Sale(at, data, "draft")
        elif roll < 0.6:
            yield Sale(at, data, "paid", rng.choice(("cash", "cash", "transfer", "edc")))
        elif roll < 0.66:
            yield Sale(at, data, "void", reason=VOID_REASON)
        elif roll < 0.69:
            yield Sale(at, data, "write_off", reason=WRITE_OFF_REASON)
        else:
            yield Sale(at, data, "open")


def _sell(ctx: Context, sale: Sale) -> None:
    """One planned sale through the services, an action at a time."""
    c = replace(ctx, clock=lambda at=sale.at: at)
    if sale.outcome == "draft":
        create_draft(c, sale.data)
        return
    inv = create_and_issue(c, sale.data)
    if sale.outcome == "paid":
        ref = f"TRF {inv.local_number}" if sale.method == "transfer" else ""
        paid = replace(c, clock=lambda at=sale.at: at + timedelta(minutes=3))
        mark_paid(paid, inv.id, PaymentInput(sale.method, ref))
    elif sale.outcome == "void":
        void(c, inv.id, sale.reason)
    elif sale.outcome == "write_off":
        write_off(c, inv.id, sale.reason)


def seed_demo(ctx: Context, invoices: int = 60, seed: int = 7, *, progress=None) -> int:
    """Create customers, items and `invoices` invoices in every state. Returns the count.
    On a SQLite file the invoices are written in bulk (app/demo_bulk.py: 20,000 in
    seconds, same rows, history chain and numbers as the services write); elsewhere
    (PostgreSQL) one action at a time. `progress(done, total)` is called as it goes."""
    rng = random.Random(seed)
    _save_shop(ctx)
    _add_items(ctx)
    customers = [add_customer(ctx, CustomerInput(n, e, p, t)) for n, e, p, t in CUSTOMERS]
    sales = plan_sales(rng, [c.id for c in customers], invoices, ctx.clock())
    if can_bulk_write(ctx):
        made = write_sales(ctx, sales, invoices, progress=progress)
    else:
        made = 0
        for sale in sales:
            _sell(ctx, sale)
            made += 1
            if progress:
                progress(made, invoices)
    # A couple of dollar invoices for the tourist trade.
    usd = create_and_issue(ctx, DraftInput(customers[4].id, "USD",
                                           (LineInput("Coffee tasting for two", 1, 2450),), 0, 0,
                                           None, "Paid by card"))
    mark_paid(ctx, usd.id, PaymentInput("edc", "EDC 004512"))
    create_and_issue(ctx, DraftInput(customers[2].id, "USD",
                                     (LineInput("Green beans, 1 kg", 3, 1899),), 0, 0,
                                     ctx.now() + timedelta(days=14), "Wire transfer"))
    return made + 2
