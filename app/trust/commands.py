"""`kasir staff ...`, `kasir audit verify`, `kasir backup`, `kasir restore`, `kasir check`.
Imports stay inside the handlers so that `kasir --help` stays quick."""

from __future__ import annotations

import sys

from app.i18n import _
from app.domain.errors import ValidationError


def _db_file(env):
    from .backup import sqlite_file

    path = sqlite_file(env.db)
    if path is None:
        raise ValidationError(_("This works on a SQLite database file. Back up a PostgreSQL "
                                "database with pg_dump, on the server."))
    return path


def _new_pin(args, who: str) -> str:
    import getpass

    if args.new_pin:
        return args.new_pin
    if not sys.stdin.isatty():
        raise ValidationError(_("Give {who}'s new PIN with --new-pin.", who=who), field="pin")
    first = getpass.getpass(f"New PIN for {who}: ")
    if getpass.getpass("Same PIN again: ") != first:
        raise ValidationError(_("The two PINs differ. Nothing was changed."), field="pin")
    return first


def _staff_line(s) -> str:
    state = "" if s.active else "  (disabled)"
    return f"{s.name:<20} {s.role:<8} {s.display_name}{state}"


def cmd_staff_add(args, env):
    from .staff import add_staff

    rec = add_staff(env.ctx, args.name, args.role, _new_pin(args, args.name), args.display_name or "")
    return rec.to_json(), f"Added {rec.display_name} ({rec.name}) as {rec.role}."


def cmd_staff_list(args, env):
    from .staff import list_staff

    people = list_staff(env.ctx)
    return ([p.to_json() for p in people],
            "\n".join(map(_staff_line, people)) or "No staff yet: add the owner first with "
            "'kasir staff add NAME --role owner'.")


def cmd_staff_set_pin(args, env):
    from .staff import clean_name, set_pin

    ctx = env.ctx
    own = clean_name(args.name) == clean_name(ctx.operator)
    current = getattr(args, "pin", None) if own else None
    if own and current is None and sys.stdin.isatty():
        import getpass

        current = getpass.getpass(f"Current PIN for {args.name}: ")
    rec = set_pin(ctx, args.name, _new_pin(args, args.name), current)
    return rec.to_json(), f"PIN changed for {rec.name}."


def cmd_staff_disable(args, env):
    from .staff import disable_staff

    rec = disable_staff(env.ctx, args.name)
    return rec.to_json(), f"{rec.name} can no longer sign in."


def _emit_and_exit(env, payload, text, ok: bool) -> int:
    from app.cli_env import emit

    emit(env.json, payload, text)
    return 0 if ok else 1


def cmd_audit_verify(args, env):
    from .chain import verify

    report = verify(env.ctx.store)
    text = report.summary()
    if not report.ok and len(report.problems) > 1:
        text += "\n" + "\n".join("  - " + p.message for p in report.problems[1:20])
    return _emit_and_exit(env, report.to_json(), text, report.ok)


def cmd_backup(args, env):
    from .backup import list_backups, make_backup

    db = _db_file(env)
    if args.list:
        found = list_backups(db)
        return ([b.to_json() for b in found],
                "\n".join(f"{b.taken_at:%Y-%m-%d %H:%M:%S}Z  {b.kind:<10} {b.size:>10}  {b.path}"
                          for b in found) or "No backups yet.")
    info = make_backup(db, args.file)
    return info.to_json(), f"Backed up to {info.path} ({info.size} bytes)."


def cmd_restore(args, env):
    from .checks import latest_good_backup
    from .restore import restore

    db = _db_file(env)
    source = args.file
    if args.latest:
        source = latest_good_backup(db)
        if source is None:
            raise ValidationError(_("No backup next to the database passes its checks."))
    if not source:
        raise ValidationError(_("Say which backup to restore (a FILE, or --latest)."))
    result = restore(source, db)
    kept = f" The previous database was kept as {result.kept_as}." if result.kept_as else ""
    return result.to_json(), (f"Restored {result.database} from {result.restored_from} "
                              f"({result.entries} history entries, chain intact).{kept}")


def cmd_check(args, env):
    from .checks import startup_check

    report = startup_check(_db_file(env), full=True)
    return _emit_and_exit(env, report.to_json(), report.message(), report.ok)


def register(subparsers, common) -> None:
    from app.cli_env import Parser

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
    leaf(audit, "verify", cmd_audit_verify,
         "check the whole history chain; names the first entry altered, removed or inserted")

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
