"""`kasir staff ...`, `kasir audit verify`, `kasir backup`, `kasir restore`, `kasir check`.
The store (SQLAlchemy) is imported inside the handlers so that `kasir --help` stays quick."""

from __future__ import annotations

import getpass
import sys

from app.cli.argtypes import check_output_path
from app.cli.env import Parser, emit
from app.i18n import _, gettext
from app.domain.errors import DatabaseUnusableError, ValidationError
from app.store.db_file import check_database_path


def _db_file(env):
    from app.store.backup import sqlite_file

    path = sqlite_file(env.db)
    if path is None:
        raise ValidationError(_("This works on a SQLite database file. Back up a PostgreSQL "
                                "database with pg_dump, on the server."))
    return path


def _new_pin(args, who: str) -> str:
    if args.new_pin:
        return args.new_pin
    if not sys.stdin.isatty():
        raise ValidationError(_("Give {who}'s new PIN with --new-pin.", who=who), field="pin")
    first = getpass.getpass(_("New PIN for {name}: ", name=who))
    if getpass.getpass(_("Same PIN again: ")) != first:
        raise ValidationError(_("The two PINs differ. Nothing was changed."), field="pin")
    return first


def _staff_line(s) -> str:
    from app.services.roles import role_label

    state = "" if s.active else "  " + _("(disabled)")
    return f"{s.name:<20} {role_label(s.role):<8} {s.display_name}{state}"


def cmd_staff_add(args, env):
    from app.trust.staff import add_staff

    rec = add_staff(env.ctx, args.name, args.role, _new_pin(args, args.name), args.display_name or "")
    from app.services.roles import role_label

    return rec.to_json(), _("Added {display_name} ({name}) as {role}.",
                            display_name=rec.display_name, name=rec.name,
                            role=role_label(rec.role))


def cmd_staff_list(args, env):
    from app.services.accounts import list_staff

    people = list_staff(env.ctx)
    return ([p.to_json() for p in people],
            "\n".join(map(_staff_line, people)) or _("No staff yet: add the owner first with "
                                                     "'kasir staff add NAME --role owner'."))


def cmd_staff_set_pin(args, env):
    from app.trust.staff import set_pin
    from app.services.accounts import clean_name

    ctx = env.ctx
    own = clean_name(args.name) == clean_name(ctx.operator)
    current = getattr(args, "pin", None) if own else None
    if own and current is None and sys.stdin.isatty():
        current = getpass.getpass(_("Current PIN for {name}: ", name=args.name))
    rec = set_pin(ctx, args.name, _new_pin(args, args.name), current)
    return rec.to_json(), _("PIN changed for {name}.", name=rec.name)


def cmd_staff_disable(args, env):
    from app.trust.staff import disable_staff

    rec = disable_staff(env.ctx, args.name)
    return rec.to_json(), _("{name} can no longer sign in.", name=rec.name)


def _emit_and_exit(env, payload, text, ok: bool) -> int:
    emit(env.json, payload, text)
    return 0 if ok else 1


def _anchors_of(target: str, env):
    """The anchors kept at `target`: "plugipay" (read back through the SDK) or a backup."""
    from app.trust.anchors import backup_anchors, local_tills, plugipay_anchors

    if target.lower() != "plugipay":
        return backup_anchors(target)
    from app.sync import credentials
    from app.sync.gateway import Gateway, GatewayError

    with env.ctx.store.reader() as uow:
        tills = local_tills(uow.session.connection()) | {env.ctx.till}
    gateway = Gateway(credentials.require())
    try:
        return plugipay_anchors(gateway, tills)
    except GatewayError as exc:
        raise ValidationError(_("Plugipay could not be asked for the anchors: {error}",
                                error=exc), field="against") from None
    finally:
        gateway.close()


def cmd_audit_verify(args, env):
    from app.trust.anchors import check_anchors
    from app.trust.chain import verify

    report = verify(env.ctx.store)
    text = report.summary()
    if not report.ok and len(report.problems) > 1:
        text += "\n" + "\n".join("  - " + p.message for p in report.problems[1:20])
    payload, ok = report.to_json(), report.ok
    for target in args.against or ():  # issue 17: anchors kept outside the database
        anchors = _anchors_of(target, env)
        with env.ctx.store.reader() as uow:
            found = check_anchors(uow.session.connection(), anchors)
        payload.setdefault("anchors", []).append({"against": target, **found.to_json()})
        ok = ok and found.ok
        text += "\n" + found.summary()
        text += "".join("\n  - " + p for p in found.problems[1:20])
    return _emit_and_exit(env, payload, text, ok)


def cmd_backup(args, env):
    from app.store.backup import KIND_LABELS, list_backups, make_backup

    db = _db_file(env)
    if args.list:
        found = list_backups(db)
        return ([b.to_json() for b in found],
                "\n".join(f"{b.taken_at:%Y-%m-%d %H:%M:%S}Z  {gettext(KIND_LABELS.get(b.kind, b.kind)):<14} {b.size:>10}  {b.path}"
                          for b in found) or _("No backups yet."))
    if args.file is not None:
        check_output_path(args.file, "file")
    info = make_backup(db, args.file)
    return info.to_json(), _("Backed up to {path} ({size} bytes).", path=info.path, size=info.size)


def cmd_restore(args, env):
    from app.trust.checks import latest_good_backup
    from app.trust.restore import restore

    db = _db_file(env)
    source = args.file
    if args.latest:
        source = latest_good_backup(db)
        if source is None:
            raise ValidationError(_("No backup next to the database passes its checks."))
    if not source:
        raise ValidationError(_("Say which backup to restore (a FILE, or --latest)."))
    result = restore(source, db)
    text = _("Restored {database} from {source} ({entries} history entries, chain intact).",
             database=result.database, source=result.restored_from, entries=result.entries)
    if result.kept_as:
        text += " " + _("The previous database was kept as {path}.", path=result.kept_as)
    return result.to_json(), text


def cmd_check(args, env):
    from app.trust.checks import startup_check

    path = _db_file(env)
    try:  # a folder, a device, another program's file, a place no file can be made
        check_database_path(path)
    except DatabaseUnusableError as err:
        if not err.damaged:
            raise
        # damaged: the check below says so and names the newest backup that passes
    report = startup_check(path, full=True)
    return _emit_and_exit(env, report.to_json(), report.message(), report.ok)


def register(subparsers, common) -> None:
    def leaf(subs, name, handler, text):
        p = subs.add_parser(name, parents=[common], help=text, description=text)
        p.set_defaults(handler=handler)
        return p

    staff = subparsers.add_parser("staff", help="staff accounts, roles and PINs").add_subparsers(
        dest="subcommand", metavar="ACTION", required=True, parser_class=Parser)
    p = leaf(staff, "add", cmd_staff_add,
             "add a staff account (the first one must be the owner's)")
    p.add_argument("name")
    p.add_argument("--role", required=True, metavar="cashier|manager|owner")
    p.add_argument("--display-name", metavar="TEXT")
    p.add_argument("--new-pin", metavar="PIN", help="their PIN, 4 to 8 digits (asked if omitted)")
    leaf(staff, "list", cmd_staff_list, "list staff accounts")
    p = leaf(staff, "set-pin", cmd_staff_set_pin,
             "change your PIN (with --pin, the current one) or reset someone's as their manager")
    p.add_argument("name")
    p.add_argument("--new-pin", metavar="PIN")
    p = leaf(staff, "disable", cmd_staff_disable, "stop an account from signing in")
    p.add_argument("name")

    audit = subparsers.add_parser("audit", help="the tamper-evident history").add_subparsers(
        dest="subcommand", metavar="ACTION", required=True, parser_class=Parser)
    p = leaf(audit, "verify", cmd_audit_verify,
             "check the whole history chain and every record against it; names what was "
             "altered, removed or inserted")
    p.add_argument("--against", action="append", metavar="plugipay|BACKUP",
                   help="also compare the chain with the anchors Plugipay keeps, or a backup "
                        "(or its manifest): shows a chain cut back or rebuilt (repeatable)")

    p = leaf(subparsers, "backup", cmd_backup,
             "back up the database now (to FILE, or to the backups folder next to it)")
    p.add_argument("file", nargs="?", metavar="FILE")
    p.add_argument("--list", action="store_true", help="list the backups in the backups folder")
    p = leaf(subparsers, "restore", cmd_restore,
             "replace the database with a backup, after checking the backup")
    p.add_argument("file", nargs="?", metavar="FILE")
    p.add_argument("--latest", action="store_true", help="the newest backup that passes its checks")
    leaf(subparsers, "check", cmd_check,
         "check the database file and its history chain; say how to get back if damaged")
