"""The print queue: slips are stored first, then printed by `process_queue`.

A job is marked printed only after its bytes were written. A printer that is
off, unplugged, busy or out of paper leaves the job pending with the error,
its attempt count and the time of the next try (backoff), so nothing is lost
and the app can show what is waiting. Any slip can be printed again: a reprint
is a new job whose slip says REPRINT and when.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select

from app.i18n import _
from app.domain.errors import ConflictError, KasirError, NotFoundError, ValidationError
from app.domain.records import iso
from app.store.print_models import PrintJob

from .config import PrinterConfig, load_config
from .connection import PrinterConnector
from .encoding import FoldReport
from .errors import PrinterError
from .escpos_render import render_escpos
from .profiles import get_profile
from .slip_model import Slip, build_slip
from .uri import parse_printer_uri

log = logging.getLogger(__name__)

STATES = ("pending", "printed", "cancelled")
FIRST_RETRY_S, MAX_RETRY_S = 5, 300
NO_PRINTER = "No printer is set up for this till: choose one in printer settings."


@dataclass(frozen=True)
class PrintJobRecord:
    id: int
    till: str
    invoice_id: int | None
    kind: str
    reprint: bool
    title: str  # "Invoice T1-000042", "Receipt T1-R000007"
    state: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    note: str
    options: dict
    created_by: str
    created_at: datetime
    printed_at: datetime | None

    @property
    def waiting(self) -> bool:
        return self.state == "pending"

    def to_json(self) -> dict:
        return {"id": self.id, "till": self.till, "invoiceId": self.invoice_id,
                "kind": self.kind, "reprint": self.reprint, "title": self.title,
                "state": self.state, "attempts": self.attempts,
                "nextAttemptAt": iso(self.next_attempt_at), "lastError": self.last_error or None,
                "note": self.note or None, "options": self.options,
                "createdBy": self.created_by, "createdAt": iso(self.created_at),
                "printedAt": iso(self.printed_at)}


def _title(kind: str, slip: dict) -> str:
    if kind == "receipt" and slip.get("payment"):
        return f"Receipt {slip['payment']['receipt_number']} ({slip.get('local_number')})"
    if kind == "test":
        return "Test slip"
    if kind == "refund" and slip.get("refund"):
        return f"Refund {slip['refund']['number']} ({slip.get('local_number')})"
    return f"Invoice {slip.get('local_number')}"


def _record(job: PrintJob) -> PrintJobRecord:
    return PrintJobRecord(job.id, job.till, job.invoice_id, job.kind, job.reprint,
                          _title(job.kind, job.slip), job.state, job.attempts,
                          job.next_attempt_at, job.last_error, job.note, dict(job.options),
                          job.created_by, job.created_at, job.printed_at)


def retry_delay(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s ... up to 5 minutes between tries."""
    return timedelta(seconds=min(MAX_RETRY_S, FIRST_RETRY_S * 2 ** max(0, attempts - 1)))


def _options(printer=None, profile=None, columns=None, codepage=None, drawer_kick=False) -> dict:
    """Per-job overrides, checked now so that a bad one is refused before storing."""
    if printer:
        printer = str(parse_printer_uri(printer))
    if profile:
        p = get_profile(profile)
        profile = p.name
        if columns:
            p.font_for(int(columns))
        if codepage:
            codepage = codepage.upper()
            p.codepage_number(codepage)
    return {"uri": printer, "profile": profile, "columns": int(columns) if columns else None,
            "codepage": codepage, "drawer_kick": bool(drawer_kick)}


def resolve_options(opts: dict, cfg: PrinterConfig) -> PrinterConfig:
    """The settings a job prints with: its own overrides, else this till's settings."""
    merged = replace(cfg, uri=opts.get("uri") or cfg.uri)
    if opts.get("profile") and opts["profile"] != cfg.profile:
        p = get_profile(opts["profile"])
        merged = replace(merged, profile=p.name, columns=p.columns[0], codepage="")
    if opts.get("columns"):
        merged = replace(merged, columns=opts["columns"])
    if opts.get("codepage"):
        merged = replace(merged, codepage=opts["codepage"])
    return merged


def add_job(ctx, slip: Slip, *, reprint: bool = False, **overrides) -> PrintJobRecord:
    """Store a job for an already gathered slip (the test slip, a stored reprint)."""
    opts = _options(**overrides)
    now = ctx.now()
    with ctx.store.unit_of_work() as uow:
        job = PrintJob(till=ctx.till, invoice_id=slip.invoice_id, kind=slip.kind,
                       reprint=reprint, slip=slip.to_json(), options=opts, state="pending",
                       attempts=0, next_attempt_at=now, last_error="", note="",
                       created_by=ctx.operator, created_at=now)
        uow.session.add(job)
        uow.session.flush()
        record = _record(job)
        uow.commit()
    return record


def enqueue_slip(ctx, invoice_ref, kind: str = "invoice", reprint: bool = False, *,
                 receipt_number: str | None = None, printer: str | None = None,
                 profile: str | None = None, columns: int | None = None,
                 codepage: str | None = None, drawer_kick: bool = False) -> PrintJobRecord:
    """Queue the invoice or receipt slip of an invoice. Overrides apply to this job only."""
    slip = build_slip(ctx, invoice_ref, kind, receipt_number=receipt_number, reprint=reprint)
    return add_job(ctx, slip, reprint=reprint, printer=printer, profile=profile,
                   columns=columns, codepage=codepage, drawer_kick=drawer_kick)


def reprint_job(ctx, job_id: int) -> PrintJobRecord:
    """Print a stored slip again, as it was, marked REPRINT with the time."""
    with ctx.store.reader() as uow:
        job = uow.session.get(PrintJob, int(job_id))
        if job is None:
            raise NotFoundError(_("There is no print job {job_id}.", job_id=job_id), field="id")
        slip, opts = Slip.from_json(job.slip), dict(job.options)
    opts["drawer_kick"] = False  # a copy never opens the drawer
    return add_job(ctx, slip.as_reprint(ctx.now()), reprint=True, printer=opts.get("uri"),
                   profile=opts.get("profile"), columns=opts.get("columns"),
                   codepage=opts.get("codepage"))


def after_issue(ctx, invoice) -> PrintJobRecord | None:
    """Call after an invoice is issued: queues its slip when print-on-issue is on."""
    if not load_config(ctx).print_on_issue:
        return None
    return enqueue_slip(ctx, invoice.id, "invoice")


def after_payment(ctx, invoice, receipt) -> PrintJobRecord | None:
    """Call after a payment: queues the receipt (and the drawer kick for cash) when set."""
    cfg = load_config(ctx)
    if not cfg.print_on_pay:
        return None
    return enqueue_slip(ctx, invoice.id, "receipt", receipt_number=receipt.number,
                        drawer_kick=cfg.drawer_kick and receipt.method == "cash")


def list_jobs(ctx, state: str | None = None, *, limit: int = 100,
              invoice_id: int | None = None, all_tills: bool = False) -> list[PrintJobRecord]:
    """This till's jobs, newest first; `state` one of pending, printed, cancelled."""
    if state is not None and state not in STATES:
        raise ValidationError(_("A job's state is one of: {choices}.", choices=", ".join(STATES)),
                              field="state")
    stmt = select(PrintJob).order_by(PrintJob.id.desc()).limit(max(1, min(int(limit), 1000)))
    if not all_tills:
        stmt = stmt.where(PrintJob.till == ctx.till)
    if state:
        stmt = stmt.where(PrintJob.state == state)
    if invoice_id is not None:
        stmt = stmt.where(PrintJob.invoice_id == invoice_id)
    with ctx.store.reader() as uow:
        return [_record(j) for j in uow.session.execute(stmt).scalars()]


def get_job(ctx, job_id: int) -> PrintJobRecord:
    with ctx.store.reader() as uow:
        job = uow.session.get(PrintJob, int(job_id))
        if job is None:
            raise NotFoundError(_("There is no print job {job_id}.", job_id=job_id), field="id")
        return _record(job)


def _update(ctx, job_id: int, expect: str, **values) -> PrintJobRecord | None:
    with ctx.store.unit_of_work() as uow:
        job = uow.session.get(PrintJob, job_id)
        if job is None or job.state != expect:
            return None
        for k, v in values.items():
            setattr(job, k, v)
        record = _record(job)
        uow.commit()
        return record


def cancel_job(ctx, job_id: int) -> PrintJobRecord:
    rec = _update(ctx, int(job_id), "pending", state="cancelled")
    if rec is None:
        raise ConflictError(_("Print job {job_id} is not waiting: only waiting jobs can be "
                              "cancelled.", job_id=job_id))
    return rec


def retry_now(ctx, job_id: int) -> PrintJobRecord:
    rec = _update(ctx, int(job_id), "pending", next_attempt_at=ctx.now())
    if rec is None:
        raise ConflictError(_("Print job {job_id} is not waiting.", job_id=job_id))
    return rec


@dataclass(frozen=True)
class QueueRun:
    printed: tuple[int, ...]
    failed: tuple[tuple[int, str], ...]  # (job id, error) kept pending
    skipped: tuple[int, ...]  # behind a failed job on the same printer

    def to_json(self) -> dict:
        return {"printed": list(self.printed),
                "failed": [{"id": i, "error": e} for i, e in self.failed],
                "skipped": list(self.skipped)}


def render_job(slip: Slip, opts: dict, cfg: PrinterConfig) -> tuple[bytes, str, str, object]:
    """(bytes, note, uri, profile) for a stored job under the current settings."""
    merged = resolve_options(opts, cfg)
    profile = merged.printer_profile()
    report = FoldReport()
    data = render_escpos(slip, profile, merged.columns, merged.page,
                         drawer_kick=bool(opts.get("drawer_kick")), report=report)
    return data, report.note(), merged.uri, profile


def process_queue(ctx, connector=None, *, limit: int = 20, force: bool = False) -> QueueRun:
    """Try the jobs that are due (all waiting jobs with `force`), oldest first. One
    failure holds back only the later jobs of the same printer in this run."""
    cfg = load_config(ctx)
    connector = connector or PrinterConnector(timeout=cfg.timeout)
    now = ctx.now()
    with ctx.store.reader() as uow:
        jobs = [(j.id, j.attempts, Slip.from_json(j.slip), dict(j.options))
                for j in uow.session.execute(
                    select(PrintJob).where(PrintJob.till == ctx.till, PrintJob.state == "pending",
                                           or_(PrintJob.next_attempt_at.is_(None),
                                               PrintJob.next_attempt_at <= now, force))
                    .order_by(PrintJob.id).limit(limit)).scalars()]
    printed, failed, skipped, blocked = [], [], [], set()
    for job_id, attempts, slip, opts in jobs:
        uri = opts.get("uri") or cfg.uri
        if uri in blocked:
            skipped.append(job_id)
            continue
        try:
            if not uri:
                raise PrinterError(NO_PRINTER)
            data, note, uri, profile = render_job(slip, opts, cfg)
            with connector.open(uri, reads_status=profile.answers_status) as conn:
                conn.check_ready()
                conn.write(data)
        except KasirError as err:
            blocked.add(uri)
            failed.append((job_id, err.message))
            log.info("print job %s not printed: %s", job_id, err.message)
            _update(ctx, job_id, "pending", attempts=attempts + 1, last_error=err.message,
                    next_attempt_at=ctx.now() + retry_delay(attempts + 1))
            continue
        _update(ctx, job_id, "pending", state="printed", attempts=attempts + 1,
                printed_at=ctx.now(), last_error="", note=note, next_attempt_at=None)
        printed.append(job_id)
    return QueueRun(tuple(printed), tuple(failed), tuple(skipped))


def pending_count(ctx) -> int:
    with ctx.store.reader() as uow:
        return uow.session.execute(
            select(func.count()).select_from(PrintJob).where(
                PrintJob.till == ctx.till, PrintJob.state == "pending")).scalar_one()
