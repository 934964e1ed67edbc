"""The puller: what changed in Plugipay while the till was doing other things.

- The events feed, oldest first, from a cursor kept in the database (saved in
  the same transaction as the changes a page brought).
- A reconciliation of Plugipay's invoice list, which catches anything the
  feed could not tell (a till that was offline longer than events are kept).

An invoice with operations still queued at this till is left alone: the
sender settles it first (and records a conflict if Plugipay refuses).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from app.domain.labels import status_label
from app.i18n import _
from app.services.context import Context
from app.store.models import Customer, Invoice, OutboxOperation, Receipt
from app.store.sync_models import SyncCursor

from .conflicts import UNFINISHED, record_conflict, refresh_invoice_state
from .gateway import Gateway
from .mapping import apply_remote, import_invoice, is_own, local_customer_for, remote_status
from .refund_sync import apply_remote_refund
from .refusals import local_state, remote_summary

EVENTS_CURSOR = "events"
MAX_PAGES = 50  # per pass; the rest comes next pass


@dataclass
class PullStats:
    events: int = 0
    imported: int = 0
    updated: int = 0
    refunds: int = 0  # refunds made elsewhere, recorded at the till
    pages: int = 0
    changed_invoices: set = field(default_factory=set)


def get_cursor(ctx: Context, name: str) -> str | None:
    with ctx.store.reader() as uow:
        row = uow.session.get(SyncCursor, name)
        return row.value if row and row.value else None


def _set_cursor(s, ctx: Context, name: str, value: str | None) -> None:
    if not value:
        return
    row = s.get(SyncCursor, name)
    if row is None:
        s.add(SyncCursor(name=name, value=value, updated_at=ctx.now()))
    else:
        row.value, row.updated_at = value, ctx.now()


class Puller:
    def __init__(self, ctx: Context, gateway: Gateway):
        self.ctx = ctx
        self.gw = gateway
        self._customers: dict[str, dict] = {}

    def _fetch_customer(self, customer_id: str) -> dict:
        if customer_id not in self._customers:
            self._customers[customer_id] = self.gw.get_customer(customer_id)
        return self._customers[customer_id]

    # ── one remote invoice ────────────────────────────────────────
    def _busy(self, s, invoice_id: int) -> bool:
        return s.execute(select(OutboxOperation.id).where(
            OutboxOperation.aggregate == f"invoice:{invoice_id}",
            OutboxOperation.state.in_(UNFINISHED)).limit(1)).first() is not None

    def _local_for(self, s, remote: dict) -> Invoice | None:
        inv = s.execute(select(Invoice).where(Invoice.plugipay_id == remote["id"])).scalar_one_or_none()
        if inv is not None:
            return inv
        kid = str((remote.get("metadata") or {}).get("kasirInvoiceId") or "")
        if kid.isdigit():
            candidate = s.get(Invoice, int(kid))
            if is_own(candidate, remote) and candidate.plugipay_id in (None, remote["id"]):
                return candidate
        return None

    def _prefetch(self, remote: dict) -> None:
        """Network reads happen before the write transaction opens."""
        with self.ctx.store.reader() as uow:
            known = self._local_for(uow.session, remote) is not None
            if not known:
                known_customer = uow.session.execute(select(Customer.id).where(
                    Customer.plugipay_id == remote.get("customerId"))).first()
        if not known and not known_customer and remote.get("customerId"):
            self._fetch_customer(remote["customerId"])

    def _apply(self, s, remote: dict, stats: PullStats) -> None:
        if remote.get("status") == "draft":
            return  # not a sale yet; it comes again when finalized
        inv = self._local_for(s, remote)
        if inv is None:
            customer = local_customer_for(s, self.ctx, remote["customerId"], self._fetch_customer)
            inv = import_invoice(s, self.ctx, remote, customer)
            stats.imported += 1
            stats.changed_invoices.add(inv.id)
            return
        if self._busy(s, inv.id):
            return
        before = local_state(inv)
        was = inv.status
        moved = apply_remote(s, self.ctx, inv, remote)
        if moved:
            stats.updated += 1
            stats.changed_invoices.add(inv.id)
            if was == "uncollectible" and moved == "paid":
                record_conflict(
                    s, self.ctx, aggregate=f"invoice:{inv.id}", operation="pull",
                    kind="paid_after_write_off",
                    message=_("Written off at the till, but the customer paid it in Plugipay. "
                              "It is paid now; check the write-off."),
                    local_state=before, remote_state=remote_summary(remote))
        elif remote_status(remote) != inv.status and inv.plugipay_id:
            # Plugipay shows another settled state than the till, and nothing is
            # queued to explain it: never overwrite silently.
            if _RANKS_DIFFER(inv.status, remote_status(remote)):
                record_conflict(
                    s, self.ctx, aggregate=f"invoice:{inv.id}", operation="pull",
                    kind="diverged",
                    message=_("The till shows this invoice as {local} but Plugipay shows "
                              "{remote}. Check which is right.", local=status_label(inv.status),
                              remote=status_label(remote_status(remote))),
                    local_state=before, remote_state=remote_summary(remote))
        refresh_invoice_state(s, inv.id)

    def _receipt(self, s, doc: dict) -> None:
        if doc.get("sourceType") != "invoice":
            return
        inv = s.execute(select(Invoice).where(Invoice.plugipay_id == doc.get("sourceId"))).scalar_one_or_none()
        if inv is None:
            return
        if s.execute(select(Receipt.id).where(Receipt.plugipay_id == doc["id"])).first():
            return
        r = s.execute(select(Receipt).where(Receipt.invoice_id == inv.id, Receipt.plugipay_id.is_(None))
                      .order_by(Receipt.id.desc()).limit(1)).scalar_one_or_none()
        if r is not None:
            r.plugipay_id = doc["id"]

    def _refund(self, s, doc: dict, stats: PullStats) -> None:
        if apply_remote_refund(s, self.ctx, doc) == "recorded":
            stats.refunds += 1
            inv = s.execute(select(Invoice.id).where(
                Invoice.plugipay_id == (doc.get("invoiceId") or doc.get("sourceId")))).scalar()
            stats.changed_invoices.add(inv)

    # ── the feed ──────────────────────────────────────────────────
    def pull_events(self) -> PullStats:
        stats = PullStats()
        cursor = get_cursor(self.ctx, EVENTS_CURSOR)
        for _page in range(MAX_PAGES):
            events, next_cursor, more = self.gw.list_events(cursor)
            stats.pages += 1
            latest: dict[str, dict] = {}  # per invoice, the newest snapshot in this page
            for e in events:
                if e.get("type", "").startswith("plugipay.invoice.") and isinstance(e.get("data"), dict):
                    latest[e["data"]["id"]] = e["data"]
            for remote in latest.values():
                self._prefetch(remote)
            with self.ctx.store.unit_of_work() as uow:
                s = uow.session
                for e in events:
                    stats.events += 1
                    data = e.get("data") if isinstance(e.get("data"), dict) else {}
                    if e.get("type", "").startswith("plugipay.invoice.") and data.get("id") in latest:
                        self._apply(s, latest.pop(data["id"]), stats)
                        s.flush()
                    elif e.get("type") == "plugipay.receipt.created.v1":
                        s.flush()
                        self._receipt(s, data)
                    elif e.get("type", "").startswith("plugipay.refund."):
                        s.flush()
                        self._refund(s, data, stats)
                _set_cursor(s, self.ctx, EVENTS_CURSOR, next_cursor)
                uow.commit()
            cursor = next_cursor or cursor
            if not more:
                break
        return stats

    def reconcile(self) -> PullStats:
        """Walk Plugipay's whole invoice list."""
        stats = PullStats()
        cursor = None
        while True:
            items, cursor, more = self.gw.list_invoices(cursor)
            stats.pages += 1
            for remote in items:
                self._prefetch(remote)
            with self.ctx.store.unit_of_work() as uow:
                for remote in items:
                    self._apply(uow.session, remote, stats)
                    uow.session.flush()
                uow.commit()
            if not more or not cursor:
                break
        self.reconcile_refunds(stats)
        return stats

    def reconcile_refunds(self, stats: PullStats | None = None) -> PullStats:
        """Walk Plugipay's refund list: a refund the feed could not tell (events
        expired while the till was away) is recorded all the same, once."""
        stats = stats or PullStats()
        cursor = None
        while True:
            items, cursor, more = self.gw.list_refunds(cursor)
            stats.pages += 1
            with self.ctx.store.unit_of_work() as uow:
                for doc in reversed(items):  # oldest first, as they were made
                    self._refund(uow.session, doc, stats)
                    uow.session.flush()
                uow.commit()
            if not more or not cursor:
                break
        return stats


def _RANKS_DIFFER(local: str, remote: str) -> bool:
    settled = {"paid", "void"}
    return local in settled and remote in settled and local != remote
