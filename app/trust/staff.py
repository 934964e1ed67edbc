"""Looking after staff accounts: add one, change or reset a PIN, disable one.

The first account must be the owner, and anyone may create it (first run).
From then on role rules are on (app/services/roles.py), and who may manage
whom is decided there too."""

from __future__ import annotations

from sqlalchemy import func, select

from app.i18n import _
from app.domain.errors import ConflictError, ValidationError
from app.services.accounts import (StaffRecord, authenticate, clean_name, get_staff, load_account,
                                   needs_owner, snapshot, staff_count, staff_record)
from app.services.audit import record_history
from app.services.context import Context
from app.services.pins import check_pin_rules, hash_pin
from app.services.roles import check_role, may_manage
from app.store.trust_models import StaffAccount


def add_staff(ctx: Context, name: str, role: str, pin: str, display_name: str = "") -> StaffRecord:
    name, role, pin = clean_name(name), check_role(role), check_pin_rules(pin)
    display = " ".join(str(display_name or "").split())[:100] or name.title()
    first = needs_owner(ctx)
    if first and role != "owner":
        raise ValidationError(_("The first account must be the owner's. Create it with the owner "
                                "role; the owner then adds managers and cashiers."), field="role")
    if not first:
        may_manage(ctx, role, "add")
    digest = hash_pin(pin)  # slow: before the write lock is taken
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        if first and staff_count(s):
            raise ConflictError(_("An owner was created meanwhile. Sign in as the owner to add "
                                  "staff."))
        if s.execute(select(StaffAccount.id).where(StaffAccount.name == name)).first():
            raise ConflictError(_("There is already a staff account named {name}.",
                                  name=repr(name)), field="name")
        now = ctx.now()
        acct = StaffAccount(name=name, display_name=display, role=role, pin_hash=digest,
                            active=True, failed_attempts=0, created_at=now, updated_at=now)
        s.add(acct)
        s.flush()
        record_history(s, ctx, "staff", acct.id, "add", None, snapshot(acct),
                       _("First run: the owner's account") if first else "")
        rec = staff_record(acct)
        uow.commit()
    return rec


def set_pin(ctx: Context, name: str, new_pin: str, current_pin: str | None = None) -> StaffRecord:
    """Change your own PIN with your current one, or reset someone else's as their manager."""
    new_pin = check_pin_rules(new_pin)
    target = get_staff(ctx, name)
    if current_pin is not None and target.name == clean_name(ctx.operator):
        authenticate(ctx, target.name, current_pin)
    else:
        may_manage(ctx, target.role, "reset_pin")
    digest = hash_pin(new_pin)
    with ctx.store.unit_of_work() as uow:
        acct = load_account(uow.session, name)
        acct.pin_hash, acct.failed_attempts, acct.locked_until = digest, 0, None
        acct.updated_at = ctx.now()
        record_history(uow.session, ctx, "staff", acct.id, "set_pin", None, None,
                       _("PIN changed"))  # never the PIN or its hash
        rec = staff_record(acct)
        uow.commit()
    return rec


def disable_staff(ctx: Context, name: str) -> StaffRecord:
    target = get_staff(ctx, name)
    may_manage(ctx, target.role, "disable")
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        acct = load_account(s, name)
        if not acct.active:
            raise ConflictError(_("{name} is already disabled.", name=acct.name))
        if acct.role == "owner":
            owners = s.execute(select(func.count()).select_from(StaffAccount).where(
                StaffAccount.role == "owner", StaffAccount.active.is_(True))).scalar_one()
            if owners <= 1:
                raise ConflictError(_("This is the only owner: add another owner first."))
        before = snapshot(acct)
        acct.active = False
        acct.updated_at = ctx.now()
        record_history(s, ctx, "staff", acct.id, "disable", before, snapshot(acct))
        rec = staff_record(acct)
        uow.commit()
    return rec
