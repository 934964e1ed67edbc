"""Command line for Plugipay sync:

    kasir login [--key-id ID] [--base-url URL] [--secret-stdin]
    kasir logout
    kasir sync [--reconcile] [--drain]        one full pass (push, pull), says what it did
    kasir sync status
    kasir sync conflicts [--all]
    kasir sync resolve ID [--retry] [--note TEXT]
    kasir sync reminders [--every-days N | --off]
    kasir invoice send ID [--to EMAIL]
    kasir invoice emails ID

Handlers import the sync engine (SQLAlchemy, the Plugipay SDK) when they run.
"""

from __future__ import annotations

import getpass
import sys

from app.cli.argtypes import parse_int
from app.cli.env import Parser
from app.cli.output import format_date
from app.i18n import N_, _, _n, gettext
from app.domain.errors import ValidationError
from app.sync import credentials
from app.sync.credentials import CredentialsError

# Codes shown by name (JSON keeps the codes). Same msgids as the Sync screen's.
KIND_LABELS = {"refused": N_("Refused by Plugipay"), "diverged": N_("Differs from Plugipay"),
               "paid_after_write_off": N_("Paid after write-off")}
RESOLUTIONS = {"accept": N_("accepted"), "retry": N_("sent again")}
SOURCES = {"keyring": N_("password store"), "environment": N_("environment")}
REASONS = {"manual": N_("sent"), "reminder": N_("reminder")}


def _resolution(code: str | None) -> str:
    return gettext(RESOLUTIONS[code]) if code in RESOLUTIONS else (code or "")


def _sync_parsers(sub, common, name, help_text, handler):
    p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
    p.set_defaults(handler=handler)
    return p


def register(sub, common) -> None:
    p = _sync_parsers(sub, common, "login", "connect this till to Plugipay (key kept in the "
                      "OS keyring)", cmd_login)
    p.add_argument("--key-id", metavar="ak_live_...")
    p.add_argument("--base-url", metavar="URL", help="default https://plugipay.com")
    p.add_argument("--secret-stdin", action="store_true",
                   help="read the secret from standard input instead of asking")
    _sync_parsers(sub, common, "logout", "forget the Plugipay key stored on this computer",
                  cmd_logout)

    sync = _sync_parsers(sub, common, "sync", "send queued sales to Plugipay and fetch what "
                         "changed there (one full pass)", cmd_sync)
    sync.add_argument("--reconcile", action="store_true",
                      help="also compare every invoice list (done every 15 minutes anyway)")
    sync.add_argument("--drain", action="store_true",
                      help="repeat until the queue is empty (or Plugipay cannot be reached)")
    sync.add_argument("--window", metavar="N", default=None,
                      help="requests in flight at once, 1-64, for this run (default: the "
                           "sync.window setting, else 8)")
    ssub = sync.add_subparsers(dest="sync_command", metavar="ACTION", parser_class=Parser)
    _sync_parsers(ssub, common, "status", "connection, queue and conflicts", cmd_status)
    p = _sync_parsers(ssub, common, "conflicts", "what Plugipay refused or changed, for a "
                      "manager to resolve", cmd_conflicts)
    p.add_argument("--all", action="store_true", help="resolved ones too")
    p = _sync_parsers(ssub, common, "resolve", "mark a conflict dealt with (or --retry a "
                      "refused sale)", cmd_resolve)
    p.add_argument("id")
    p.add_argument("--retry", action="store_true",
                   help="send the refused operation again, with a new key")
    p.add_argument("--note", metavar="TEXT", default="")
    p = _sync_parsers(ssub, common, "reminders", "show or set the payment reminder schedule",
                      cmd_reminders)
    p.add_argument("--every-days", metavar="N")
    p.add_argument("--off", action="store_true")


def register_invoice(isub, common) -> None:
    p = _sync_parsers(isub, common, "send", "email the invoice through Plugipay (queued "
                      "while offline)", cmd_invoice_send)
    p.add_argument("id")
    p.add_argument("--to", metavar="EMAIL", help="default: the customer's email")
    p = _sync_parsers(isub, common, "emails", "every email of an invoice, queued and sent",
                      cmd_invoice_emails)
    p.add_argument("id")


# ── handlers ─────────────────────────────────────────────────────────
def cmd_login(args, env):
    key_id = args.key_id or (input(_("Plugipay key id: ")) if sys.stdin.isatty() else "")
    if args.secret_stdin or not sys.stdin.isatty():
        secret = sys.stdin.readline().strip()
    else:
        secret = getpass.getpass(_("Plugipay secret (not shown): "))
    creds = credentials.save(key_id, secret, args.base_url or credentials.DEFAULT_BASE_URL)
    text = _("Connected to {url} with key {key_id}. The secret is kept in this computer's "
             "password store, not in Kasir's files.", url=creds.base_url, key_id=creds.key_id)
    return creds.describe(), text


def cmd_logout(args, env):
    had = credentials.forget()
    return {"forgotten": had}, (_("The Plugipay key was removed from this computer.")
                                if had else _("No Plugipay key was stored on this computer."))


def _window(text) -> int | None:
    if text is None:
        return None
    n = parse_int(text, _("Window"), "window")
    if not 1 <= n <= 64:
        raise ValidationError(_("The window must be between 1 and 64 requests at once."),
                              field="window")
    return n


def _engine(env, window=None):
    from app.sync.engine import SyncEngine

    return SyncEngine(env.ctx.store, till=env.till, window=window)


def cmd_sync(args, env):
    engine = _engine(env, _window(getattr(args, "window", None)))
    try:
        if args.drain:
            reports = engine.drain(reconcile=True, max_passes=50)
            report = reports[-1]
            report.pushed = sum(r.pushed for r in reports)
            report.retried = sum(r.retried for r in reports)
            report.refused = sum(r.refused for r in reports)
            report.events = sum(r.events for r in reports)
            report.imported = sum(r.imported for r in reports)
            report.updated = sum(r.updated for r in reports)
        else:
            report = engine.run_pass(reconcile=True if args.reconcile else None)
    finally:
        engine.close()
    if not report.connected:
        raise CredentialsError(report.error)
    return report.to_json(), report.summary()


def cmd_status(args, env):
    from app.sync.conflicts import open_conflict_count
    from app.sync.engine import queue_counts
    from app.sync.puller import get_cursor

    creds = credentials.load()
    pending, conflicts = queue_counts(env.ctx)
    last = get_cursor(env.ctx, "last_pass")
    payload = {"connected": creds is not None, "credentials": creds.describe() if creds else None,
               "pending": pending, "conflicts": conflicts or open_conflict_count(env.ctx),
               "lastPass": last}
    rows = [
        ("Plugipay", _("{url} (key {key_id}, from the {source})", url=creds.base_url,
                       key_id=creds.key_id, source=gettext(SOURCES.get(creds.source,
                                                                       creds.source)))
         if creds else _("not connected: run 'kasir login'")),
        (_("Waiting"), _n("{n} operation", "{n} operations", pending)),
        (_("Conflicts"), str(conflicts) + ("  -> 'kasir sync conflicts'" if conflicts else "")),
        (_("Last sync"), last or _("never")),
    ]
    width = max(len(k) for k, _v in rows)
    text = "\n".join(f"{k:<{width}} {v}" for k, v in rows)
    return payload, text


def _conflict_text(c) -> str:
    kind = gettext(KIND_LABELS[c.kind]) if c.kind in KIND_LABELS else c.kind
    head = f"#{c.id}  {c.label}  {kind}"
    if c.blocking:
        head += "  " + _("[holding back later changes]")
    if c.state == "resolved":
        head += "  " + _("resolved ({resolution}) by {name}", resolution=_resolution(c.resolution),
                         name=c.resolved_by)
    return f"{head}\n     {c.message}"


def cmd_conflicts(args, env):
    from app.sync.conflicts import list_conflicts

    items = list_conflicts(env.ctx, include_resolved=args.all)
    text = "\n".join(map(_conflict_text, items)) or _("No conflicts.")
    if items and not args.all:
        text += "\n\n" + _("Resolve one with 'kasir sync resolve ID' (add --retry to send a "
                           "refused sale again).")
    return [c.to_json() for c in items], text


def cmd_resolve(args, env):
    from app.sync.conflicts import resolve

    c = resolve(env.ctx, args.id, "retry" if args.retry else "accept", args.note)
    return c.to_json(), _("Conflict #{id} resolved ({resolution}).", id=c.id,
                          resolution=_resolution(c.resolution))


def cmd_reminders(args, env):
    from app.sync.emails import reminder_settings, set_reminders

    if args.off and args.every_days:
        raise ValidationError(_("Give either --every-days or --off."))
    if args.off:
        cfg = set_reminders(env.ctx, enabled=False,
                            every_days=reminder_settings(env.ctx)["everyDays"])
    elif args.every_days:
        cfg = set_reminders(env.ctx, enabled=True,
                            every_days=parse_int(args.every_days, _("Days"), "every_days", lo=1, hi=365))
    else:
        cfg = reminder_settings(env.ctx)
    text = (_n("Open invoices are emailed again every day until paid or void.",
               "Open invoices are emailed again every {n} days until paid or void.",
               cfg["everyDays"]) if cfg["enabled"] else _("Payment reminders are off."))
    return cfg, text


def cmd_invoice_send(args, env):
    from app.sync.emails import send_invoice

    mail = send_invoice(env.ctx, args.id, args.to)
    return mail.to_json(), _("Email to {to} queued; it goes out with the next sync "
                             "('kasir sync').", to=mail.to or _("the customer"))


def cmd_invoice_emails(args, env):
    from app.sync.emails import invoice_emails

    items = invoice_emails(env.ctx, args.id)
    text = "\n".join(f"{format_date(m.queued_at)}  {gettext(REASONS.get(m.reason, m.reason)):<10} "
                     f"{m.sent_to or m.to or _('(customer)')}  "
                     + (_("sent {at}", at=format_date(m.sent_at)) if m.sent_at else _("queued"))
                     for m in items) or _("No emails yet.")
    return [m.to_json() for m in items], text
