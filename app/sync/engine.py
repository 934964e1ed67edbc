"""One sync pass: push the outbox, pull the events feed, reconcile invoice lists,
queue due reminders. `kasir sync` runs one; the background runner runs them
on a schedule.

    engine = SyncEngine(store, till="T1")          # credentials from env/keyring
    report = engine.run_pass(reconcile=True)
    print(report.summary())
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from app.domain.records import iso
from app.i18n import _, _n
from app.services.context import Context, utcnow
from app.services.settings import get_setting
from app.store.models import OutboxOperation
from app.store.sync_models import SyncConflict, SyncCursor

from . import credentials as creds_mod
from .emails import queue_reminders
from .gateway import AuthFailed, Gateway, Unavailable
from .mapping import OPERATOR
from .outbox import Backoff, PushStats, Sender
from .puller import PullStats, Puller
from .window import DEFAULT_WINDOW, RATE_SETTING, WINDOW_SETTING, Pacer, clamp_window

log = logging.getLogger("kasir.sync")
LAST_PASS = "last_pass"
LAST_RECONCILE = "last_reconcile"
RECONCILE_EVERY = timedelta(minutes=15)


@dataclass
class PassReport:
    online: bool = False
    connected: bool = True          # False: no credentials
    pushed: int = 0                 # operations Plugipay accepted
    sent: int = 0                   # requests for operations, retries included
    retried: int = 0
    refused: int = 0
    events: int = 0
    imported: int = 0
    updated: int = 0
    reminders: int = 0
    pending: int = 0                # still queued after the pass
    conflicts: int = 0              # open conflicts after the pass
    retry_after: float | None = None
    clock_offset: float = 0.0
    error: str = ""
    reconciled: bool = False
    changed_invoices: set = field(default_factory=set)
    started_at: datetime | None = None
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {
            "online": self.online, "connected": self.connected, "pushed": self.pushed,
            "sent": self.sent, "retried": self.retried, "refused": self.refused,
            "events": self.events, "imported": self.imported, "updated": self.updated,
            "reminders": self.reminders, "pending": self.pending, "conflicts": self.conflicts,
            "retryAfter": self.retry_after, "clockOffset": round(self.clock_offset, 1),
            "reconciled": self.reconciled, "error": self.error or None,
            "startedAt": iso(self.started_at), "seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        if not self.connected:
            return _("Not synced: {error}", error=self.error)
        sent = (_n("Online: sent {n} change to Plugipay", "Online: sent {n} changes to Plugipay",
                   self.pushed) if self.online
                else _n("Offline: sent {n} change to Plugipay",
                        "Offline: sent {n} changes to Plugipay", self.pushed))
        lines = [sent + (" " + _("({count} to retry)", count=self.retried)
                         if self.retried else "") + "."]
        if self.refused:
            lines.append(_("Plugipay refused {count}: see 'kasir sync conflicts'.",
                           count=self.refused))
        if self.online:
            lines.append(_n("Pulled {n} event: new invoices at this till {imported}, "
                            "changed {updated}.", "Pulled {n} events: new invoices at this "
                            "till {imported}, changed {updated}.", self.events,
                            imported=self.imported, updated=self.updated)
                         + (" " + _("Invoice lists reconciled.") if self.reconciled else ""))
        if self.reminders:
            lines.append(_n("Queued {n} payment reminder.", "Queued {n} payment reminders.",
                             self.reminders))
        if abs(self.clock_offset) >= 2:
            seconds = f"{abs(self.clock_offset):.0f}"
            lines.append(_("This computer's clock is {seconds} s behind Plugipay's; requests are "
                           "signed with Plugipay's time.", seconds=seconds)
                         if self.clock_offset > 0 else
                         _("This computer's clock is {seconds} s ahead of Plugipay's; requests "
                           "are signed with Plugipay's time.", seconds=seconds))
        if self.error:
            lines.append(self.error)
        lines.append(_("Waiting: {pending}. Open conflicts: {conflicts}.", pending=self.pending,
                       conflicts=self.conflicts))
        return "\n".join(lines)


def queue_counts(ctx: Context) -> tuple[int, int]:
    """(operations waiting, open conflicts)."""
    with ctx.store.reader() as uow:
        s = uow.session
        pending = s.execute(select(func.count()).select_from(OutboxOperation)
                            .where(OutboxOperation.state == "pending")).scalar_one()
        conflicts = s.execute(select(func.count()).select_from(SyncConflict)
                              .where(SyncConflict.state == "open")).scalar_one()
    return int(pending), int(conflicts)


class SyncEngine:
    """Owns a gateway (built from credentials on first use) and runs passes.
    Not thread-safe: one thread runs passes (see runner.py)."""

    def __init__(self, store, *, till: str = "T1", clock=utcnow, credentials=None,
                 backoff: Backoff | None = None, timeout: float = 15.0,
                 remind: bool = True, window: int | None = None,
                 max_rate: float | None = None, on_progress=None):
        """`window`: requests in flight at most (default: the `sync.window`
        setting, else 8); `max_rate`: requests per second at most (default: the
        `sync.max_rate` setting, else no limit but what Plugipay's 429s teach);
        `on_progress(DrainProgress)` after every batch of a push (sync thread)."""
        self.ctx = Context(store, operator=OPERATOR, till=till, clock=clock)
        self._window, self._max_rate = window, max_rate
        self.pacer = Pacer(DEFAULT_WINDOW if window is None else window)
        self.on_progress = on_progress
        self._credentials = credentials
        self.backoff = backoff or Backoff()
        self.timeout = timeout
        self.remind = remind
        self.gateway: Gateway | None = None
        self.paused_until: float = 0.0  # monotonic; set by 429 Retry-After

    def close(self) -> None:
        if self.gateway is not None:
            self.gateway.close()
            self.gateway = None

    def _gateway(self) -> Gateway:
        creds = self._credentials or creds_mod.require()
        if self.gateway is not None and (self.gateway.client.key_id != creds.key_id
                                         or self.gateway.base_url != creds.base_url):
            self.close()
        if self.gateway is None:
            self.gateway = Gateway(creds, timeout=self.timeout)
        return self.gateway

    def _mark(self, name: str) -> None:
        with self.ctx.store.unit_of_work() as uow:
            row = uow.session.get(SyncCursor, name)
            now = self.ctx.now()
            if row is None:
                uow.session.add(SyncCursor(name=name, value=now.isoformat(), updated_at=now))
            else:
                row.value, row.updated_at = now.isoformat(), now
            uow.commit()

    def _reconcile_due(self) -> bool:
        with self.ctx.store.reader() as uow:
            row = uow.session.get(SyncCursor, LAST_RECONCILE)
            return row is None or row.updated_at + RECONCILE_EVERY <= self.ctx.now()

    def run_pass(self, *, reconcile: bool | None = None, pull: bool = True,
                 max_sends: int | None = None) -> PassReport:
        """Push, then pull. `reconcile=None`: when the last one is 15 min old."""
        started = time.monotonic()
        report = PassReport(started_at=self.ctx.now())
        try:
            gw = self._gateway()
        except creds_mod.CredentialsError as err:
            report.connected, report.error = False, err.message
            report.pending, report.conflicts = queue_counts(self.ctx)
            return report
        if self.remind:
            report.reminders = queue_reminders(self.ctx)
        wait = self.paused_until - time.monotonic()
        if wait > 0:
            report.online, report.retry_after = True, wait
            report.error = _("Plugipay asked to wait {seconds} s before the next request.",
                             seconds=f"{wait:.0f}")
        else:
            self._run(gw, report, reconcile, pull, max_sends)
        report.clock_offset = gw.clock_offset
        report.pending, report.conflicts = queue_counts(self.ctx)
        report.seconds = time.monotonic() - started
        return report

    def _configure_pacer(self) -> None:
        """The window and rate for this pass: the engine's own, else the settings."""
        window, rate = self._window, self._max_rate
        if window is None:
            window = get_setting(self.ctx, WINDOW_SETTING)
        if rate is None:
            rate = get_setting(self.ctx, RATE_SETTING)
        try:
            rate = max(0.0, float(rate or 0))
        except (TypeError, ValueError):
            rate = 0.0
        self.pacer.configure(window=clamp_window(window), max_rate=rate)

    def _run(self, gw: Gateway, report: PassReport, reconcile, pull, max_sends) -> None:
        self._configure_pacer()
        try:
            push: PushStats = Sender(self.ctx, gw, self.backoff, self.pacer,
                                     self.on_progress).push(max_sends=max_sends)
        except Unavailable as err:  # only from lookups outside an operation
            report.error = err.message
            return
        report.pushed, report.sent, report.retried = push.done, push.sent, push.retried
        report.refused = push.refused
        report.online = not push.offline and not push.auth_error
        if push.auth_error:
            report.error = push.auth_error + " " + _("Check the key with 'kasir login'.")
            return
        if push.retry_after is not None:
            self.paused_until = time.monotonic() + push.retry_after
            report.retry_after = push.retry_after
            report.error = _("Plugipay asked to wait {seconds} s (rate limit).",
                             seconds=f"{push.retry_after:.0f}")
            return
        if push.offline:
            report.error = _("Plugipay cannot be reached; sales wait in the queue.")
            return
        if not pull:
            return
        puller = Puller(self.ctx, gw)
        try:
            stats: PullStats = puller.pull_events()
            report.events = stats.events
            report.imported, report.updated = stats.imported, stats.updated
            report.changed_invoices |= stats.changed_invoices
            if reconcile or (reconcile is None and self._reconcile_due()):
                rstats = puller.reconcile()
                report.imported += rstats.imported
                report.updated += rstats.updated
                report.changed_invoices |= rstats.changed_invoices
                report.reconciled = True
                self._mark(LAST_RECONCILE)
            self._mark(LAST_PASS)
            report.online = True
        except Unavailable as err:
            report.error = f"Pulling from Plugipay stopped: {err.message}"
            if err.status == 429 and err.retry_after:
                self.paused_until = time.monotonic() + err.retry_after
                report.retry_after = err.retry_after
            report.online = err.status != 0
        except AuthFailed as err:
            report.online = False
            report.error = err.message + " Check the key with 'kasir login'."

    def drain(self, *, max_passes: int = 1000, sleep=time.sleep, reconcile: bool = True) -> list[PassReport]:
        """Passes until nothing is waiting (for tests, demos and `kasir sync --drain`)."""
        reports = []
        for _pass in range(max_passes):
            r = self.run_pass(reconcile=reconcile)
            reports.append(r)
            if r.pending == 0 and r.online and not r.error:
                break
            if not r.connected or (r.error and "refused the key" in r.error):
                break
            sleep(min(r.retry_after or self._next_due(), 5.0))
        return reports

    def _next_due(self) -> float:
        with self.ctx.store.reader() as uow:
            due = uow.session.execute(select(func.min(OutboxOperation.next_attempt_at)).where(
                OutboxOperation.state == "pending")).scalar_one()
        if due is None:
            return 0.0
        if isinstance(due, str):
            due = datetime.fromisoformat(due)
        if due.tzinfo is None:
            due = due.replace(tzinfo=timezone.utc)
        return max(0.0, (due - self.ctx.now()).total_seconds())
