"""`kasir print ID` and `kasir printer test|find|status|jobs|process|setup`.
Handlers import the print queue and connections (SQLAlchemy, escpos, pyusb) when they run."""

from __future__ import annotations

from dataclasses import asdict, replace

from app.cli.argtypes import parse_int, parse_limit, parse_seconds
from app.cli.env import Parser
from app.domain.errors import ValidationError
from app.i18n import N_, _, gettext
from app.printing.profiles import get_profile, profile_for_width

WIDTHS = ("58", "80")
# A job's state in `kasir printer jobs` (the --state option keeps the codes).
JOB_STATES = {"pending": N_("waiting"), "printed": N_("printed"), "cancelled": N_("cancelled")}


def _profile_for(args, cfg):
    """(profile name, columns) from --profile / --width / --columns and the settings."""
    if getattr(args, "profile", None):
        profile = get_profile(args.profile)
        if args.width and profile.paper_mm != int(args.width):
            raise ValidationError(_("The {label} takes {paper_mm} mm paper, not {width} mm.",
                                    label=profile.label, paper_mm=profile.paper_mm,
                                    width=args.width), field="width")
    elif args.width:
        current = get_profile(cfg.profile)
        profile = current if current.paper_mm == int(args.width) else profile_for_width(
            int(args.width))
    else:
        return None, None
    columns = parse_int(args.columns, _("Columns"), "columns", lo=1, hi=200) if getattr(
        args, "columns", None) else (
        cfg.columns if profile.name == cfg.profile else profile.columns[0])
    profile.font_for(columns)
    return profile.name, columns


def cmd_print(args, env):
    from app.printing.config import load_config
    from app.printing.queue import enqueue_slip, get_job, process_queue

    ctx = env.ctx
    cfg = load_config(ctx)
    profile, columns = _profile_for(args, cfg)
    if args.slip == "refund":  # issue 15: the refund slip, by refund or invoice
        from app.cli.refunds import refund_ref
        from app.printing.refund_slip import enqueue_refund_slip

        job = enqueue_refund_slip(ctx, refund_ref(ctx, args.id, args.refund),
                                  reprint=args.reprint, printer=args.printer, profile=profile,
                                  columns=columns, codepage=args.codepage)
    else:
        job = enqueue_slip(ctx, args.id, args.slip, args.reprint, receipt_number=args.receipt,
                           printer=args.printer, profile=profile, columns=columns,
                           codepage=args.codepage)
    if not args.queue_only:
        process_queue(ctx)
        job = get_job(ctx, job.id)
    if job.state == "printed":
        text = _("Printed {title} (job {id}).", title=job.title, id=job.id)
    elif job.last_error:
        text = _("{title} is queued as job {id}: {error} It will be retried.", title=job.title,
                 id=job.id, error=job.last_error)
    else:
        text = _("{title} is queued as job {id}.", title=job.title, id=job.id)
    if job.note:
        text += "\n" + _("Note: {note}", note=job.note)
    return job.to_json(), text


def _config_from_args(args, cfg):
    profile, columns = _profile_for(args, cfg)
    out = replace(cfg, uri=getattr(args, "uri", None) or cfg.uri)
    if profile:
        out = replace(out, profile=profile, columns=columns,
                      codepage="" if profile != cfg.profile else out.codepage)
    if getattr(args, "codepage", None):
        out = replace(out, codepage=args.codepage.upper())
    if getattr(args, "timeout", None):
        out = replace(out, timeout=parse_seconds(args.timeout, _("The timeout"), "timeout"))
    return out


def cmd_printer_test(args, env):
    from app.printing.config import load_config
    from app.printing.service import test_slip

    cfg = _config_from_args(args, load_config(env.ctx))
    if not cfg.uri:
        raise ValidationError(_("Name the printer: kasir printer test usb://0416:5011 (see "
                                "'kasir printer find')."), field="printer")
    result = test_slip(env.ctx, cfg)
    return result.to_json(), result.text()


def cmd_printer_find(args, env):
    from app.printing.connection import find_usb_printers

    found = find_usb_printers()
    text = "\n".join(f"{p['uri']}  {p['name']}" for p in found) or _(
        "No USB printers found. Check the cable and power; network printers are "
        "given as tcp://ADDRESS:9100.")
    return found, text


def cmd_printer_status(args, env):
    from app.printing.service import printer_status

    st = printer_status(args.uri)
    if st is None:
        return {"printer": args.uri, "status": None}, _("The printer does not report its status.")
    return {"printer": args.uri, "status": st.to_json()}, st.summary()


def cmd_printer_jobs(args, env):
    from app.printing.queue import list_jobs

    jobs = list_jobs(env.ctx, args.state, limit=parse_limit(args.limit))
    lines = [f"{j.id:>5}  {gettext(JOB_STATES.get(j.state, j.state)):<9} {j.title}"
             + (" " + _("REPRINT") if j.reprint else "")
             + ("  " + _("[{attempts} tries: {error}]", attempts=j.attempts, error=j.last_error)
                if j.waiting and j.last_error else "")
             for j in jobs]
    return [j.to_json() for j in jobs], "\n".join(lines) or _("No print jobs.")


def cmd_printer_process(args, env):
    from app.printing.queue import process_queue

    run = process_queue(env.ctx, force=True)
    text = _("Printed {printed}, still waiting {waiting}.", printed=len(run.printed),
             waiting=len(run.failed) + len(run.skipped))
    for job_id, error in run.failed:
        text += "\n  " + _("job {id}: {error}", id=job_id, error=error)
    return run.to_json(), text


def cmd_printer_setup(args, env):
    from app.printing.config import load_config, save_config

    cfg = _config_from_args(args, load_config(env.ctx))
    for flag in ("print_on_issue", "print_on_pay", "drawer_kick"):
        value = getattr(args, flag)
        if value is not None:
            cfg = replace(cfg, **{flag: value == "on"})
    if args.cut:
        cfg = replace(cfg, cut=args.cut)
    cfg = save_config(env.ctx, cfg)
    text = "\n".join(f"{k}: {v}" for k, v in asdict(cfg).items())
    return asdict(cfg), text


def _printer_options(p, *, with_uri=False):
    if with_uri:
        p.add_argument("--printer", metavar="URI", help="this job only: usb://VID:PID, "
                       "tcp://HOST:PORT, serial:///dev/ttyUSB0?baudrate=9600, file:///dev/usb/lp0")
    p.add_argument("--width", choices=WIDTHS, help="paper width in mm")
    p.add_argument("--profile", metavar="NAME",
                   help="POS-5890, TM-T20II, TM-T88V, generic-58 or generic-80")
    p.add_argument("--columns", metavar="N", help="32/42 on 58 mm; 42, 48, 56 or 64 on 80 mm")
    p.add_argument("--codepage", metavar="CP", help="CP858, CP1252, CP850 or CP437")


def register(subparsers, common):
    p = subparsers.add_parser("print", parents=[common], help="print an invoice or receipt slip",
                              description="Queue a slip and print it now if the printer is "
                              "ready; otherwise it waits in the print queue.")
    p.add_argument("id", help="invoice id or number (with --slip refund: or a refund number)")
    p.add_argument("--slip", choices=("invoice", "receipt", "refund"), default="invoice")
    p.add_argument("--receipt", metavar="NUMBER", help="which receipt (default: the latest)")
    p.add_argument("--refund", metavar="NUMBER",
                   help="which refund, e.g. T1-F000001 (default: the invoice's latest)")
    p.add_argument("--reprint", action="store_true", help="mark the slip REPRINT with the time")
    p.add_argument("--queue-only", action="store_true", help="queue it, do not print now")
    _printer_options(p, with_uri=True)
    p.set_defaults(handler=cmd_print)

    printer = subparsers.add_parser("printer", help="test, find and set up slip printers")
    psub = printer.add_subparsers(dest="subcommand", metavar="ACTION", required=True,
                                  parser_class=Parser)
    p = psub.add_parser("test", parents=[common], help="print a test slip now")
    p.add_argument("uri", nargs="?", help="the printer (default: the configured one)")
    _printer_options(p)
    p.set_defaults(handler=cmd_printer_test)
    p = psub.add_parser("find", parents=[common], help="list USB printers plugged in")
    p.set_defaults(handler=cmd_printer_find)
    p = psub.add_parser("status", parents=[common], help="ask a printer for paper and cover state")
    p.add_argument("uri")
    p.set_defaults(handler=cmd_printer_status)
    p = psub.add_parser("jobs", parents=[common], help="list this till's print jobs")
    p.add_argument("--state", choices=("pending", "printed", "cancelled"))
    p.add_argument("--limit", default="50")
    p.set_defaults(handler=cmd_printer_jobs)
    p = psub.add_parser("process", parents=[common], help="try the waiting print jobs now")
    p.set_defaults(handler=cmd_printer_process)
    p = psub.add_parser("setup", parents=[common], help="set this till's printer")
    p.add_argument("--uri", metavar="URI")
    _printer_options(p)
    p.add_argument("--cut", choices=("auto", "full", "partial", "none"))
    p.add_argument("--timeout", metavar="SECONDS")
    for flag in ("print-on-issue", "print-on-pay", "drawer-kick"):
        p.add_argument("--" + flag, choices=("on", "off"))
    p.set_defaults(handler=cmd_printer_setup)
