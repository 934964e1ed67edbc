"""The print queue as the app sees it: slips are stored on the DB worker, then
printed on a print worker of their own (a printer that is off can take seconds
to time out: never on the UI thread, never in front of a database read).

A printer that is off or out of paper leaves the job waiting with the reason;
a timer tries the due jobs again, and the status bar shows what waits.

    printing = PrintQueue(db_worker)
    printing.start(ctx)                      # once the store is open
    printing.enqueue(invoice_id, "receipt")  # stored, then printed
    printing.changed -> printing.pending, printing.last_error, printing.jobs
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from app.i18n import _, _n

from ui.common.qtcompat import emit
from ui.common.worker import DbWorker

RETRY_MS = 5000


@dataclass(frozen=True)
class QueueState:
    pending: int
    last_error: str
    jobs: tuple  # PrintJobRecord: waiting ones first, then the latest printed


# ── worker-thread functions (plain: testable without Qt) ─────────────
def queue_state(ctx, limit: int = 30) -> QueueState:
    # on a worker: the printing machinery stays off the start-up path
    from app.printing.queue import list_jobs

    waiting = list_jobs(ctx, "pending", limit=limit)
    recent = list_jobs(ctx, "printed", limit=10)
    error = next((j.last_error for j in waiting if j.last_error), "")
    return QueueState(len(waiting), error, tuple(waiting) + tuple(recent))


def print_after_action(ctx, inv, receipt=None, wanted: bool | None = None,
                       cash: bool | None = None):
    """After an issue or a payment: the till's print-on-issue / print-on-pay rule
    (`wanted=None`), or the cashier's choice for this sale (True / False).
    `cash` (the pay step's tenders): whether cash was taken, which opens the
    drawer even when a card paid the larger part; None: the receipt's method."""
    # on a worker: the printing machinery stays off the start-up path
    from app.printing.config import load_config
    from app.printing.queue import after_issue, after_payment, enqueue_slip

    if wanted is False:
        return None
    if receipt is not None and cash is not None:
        cfg = load_config(ctx)
        if not (wanted or cfg.print_on_pay):
            return None
        return enqueue_slip(ctx, inv.id, "receipt", receipt_number=receipt.number,
                            drawer_kick=cfg.drawer_kick and cash)
    job = after_payment(ctx, inv, receipt) if receipt else after_issue(ctx, inv)
    if job is None and wanted:
        cfg = load_config(ctx)
        if receipt is not None:
            job = enqueue_slip(ctx, inv.id, "receipt", receipt_number=receipt.number,
                               drawer_kick=cfg.drawer_kick and receipt.method == "cash")
        else:
            job = enqueue_slip(ctx, inv.id, "invoice")
    return job


def enqueue_for_invoice(ctx, invoice_id: int, kind: str, reprint: bool = False,
                        receipt_number: str | None = None):
    # on a worker: the printing machinery stays off the start-up path
    from app.printing.queue import enqueue_slip, list_jobs, reprint_job

    if reprint:
        done = [j for j in list_jobs(ctx, "printed", invoice_id=invoice_id, limit=20)
                if j.kind == kind]
        if done:  # the stored slip, as it was printed, marked REPRINT
            return reprint_job(ctx, done[0].id)
    return enqueue_slip(ctx, invoice_id, kind, reprint=reprint, receipt_number=receipt_number)


def run_queue(ctx, connector, force: bool):
    # on a worker: the printing machinery stays off the start-up path
    from app.printing.queue import process_queue

    return process_queue(ctx, connector, force=force), queue_state(ctx)


class PrintQueue(QObject):
    """`changed`: `pending`, `last_error`, `jobs` and `last_run` were updated.
    `printed(str)`: a sentence for the screen that asked (jobs printed or waiting)."""

    changed = Signal()

    def __init__(self, db_worker, *, connector=None, retry_ms: int = RETRY_MS,
                 printer_worker: DbWorker | None = None, parent=None):
        super().__init__(parent)
        self.db = db_worker
        self.worker = printer_worker or DbWorker(db_worker.ctx)
        self.connector = connector  # None: app.printing's own (USB, tcp, serial, file)
        self.pending = 0
        self.last_error = ""
        self.jobs: tuple = ()
        self.last_run = None
        self.message = ""
        self.timer = QTimer(self)
        self.timer.setInterval(retry_ms)
        self.timer.timeout.connect(self._tick)
        self._running = False

    # -- life
    def start(self, ctx=None) -> None:
        if ctx is not None:
            self.worker.ctx = ctx  # before any print task is queued
        self.timer.start()
        self.refresh()
        self.process()

    def stop(self) -> None:
        self.timer.stop()
        self.worker.stop()

    def is_idle(self) -> bool:
        return self.worker.is_idle() and not self._running

    # -- what the screens call
    def enqueue(self, invoice_id: int, kind: str = "invoice", *, reprint: bool = False,
                receipt_number: str | None = None, on_done=None, on_error=None) -> None:
        def stored(job):
            self.message = _("{title}: sent to the printer.", title=job.title)
            self.refresh()
            self.process()
            if on_done:
                on_done(job)

        self.db.submit(enqueue_for_invoice, invoice_id, kind, reprint, receipt_number,
                       on_done=stored, on_error=on_error)

    def after_action(self, inv, receipt=None, wanted: bool | None = None, on_error=None,
                     cash: bool | None = None) -> None:
        """Print-on-issue / print-on-pay (or the editor's box), then print."""
        def stored(job):
            if job is not None:
                self.refresh()
                self.process()

        self.db.submit(print_after_action, inv, receipt, wanted, cash, on_done=stored,
                       on_error=on_error or (lambda exc: self._error(exc)))

    def run_on_printer(self, fn, *args, on_done=None, on_error=None) -> None:
        """`fn(ctx, *args)` on the print worker: the test slip, a Z report, USB search."""
        self.worker.submit(fn, *args, on_done=on_done, on_error=on_error or self._error)

    def process(self, force: bool = False) -> None:
        """Print the due jobs (all waiting ones with `force`) on the print worker."""
        if self.worker.ctx is None:
            return
        self._running = True
        self.worker.submit(run_queue, self.connector, force, key="process",
                           on_done=self._processed, on_error=self._error)

    def retry_all(self) -> None:
        self.process(force=True)

    def cancel(self, job_id: int) -> None:
        # on a worker: the printing machinery stays off the start-up path
        from app.printing.queue import cancel_job

        self.db.submit(cancel_job, job_id, on_done=lambda _j: self.refresh(),
                       on_error=self._error)

    def refresh(self) -> None:
        if self.db.ctx is None:
            return
        self.db.submit(queue_state, key=f"{id(self)}:state", on_done=self._set_state,
                       on_error=lambda _e: None)

    # -- results (UI thread)
    def _tick(self) -> None:
        if self.pending and not self._running:
            self.process()

    def _processed(self, result) -> None:
        self._running = False
        run, state = result
        self.last_run = run
        if run.failed:
            self.message = _("Not printed yet: {reason}", reason=run.failed[0][1])
        elif run.printed:
            self.message = _n("Printed {n} slip.", "Printed {n} slips.", len(run.printed))
        self._set_state(state)

    def _set_state(self, state: QueueState) -> None:
        self.pending, self.last_error, self.jobs = state.pending, state.last_error, state.jobs
        emit(self.changed)

    def _error(self, exc) -> None:
        self._running = False
        self.message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        self.last_error = self.message
        emit(self.changed)
