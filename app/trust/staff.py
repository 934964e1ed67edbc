"""Staff accounts: add, list, change a PIN, disable, and check a PIN at the till.

The first account must be the owner, and anyone may create it (first run).
From then on role rules are on (app/trust/roles.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.i18n import N_, _, gettext
from app.domain.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from app.services.audit import record_history
from app.services.context import Context
from app.store.trust_models import StaffAccount

from .pins import burn_time, check_pin_rules, hash_pin, verify_pin

ROLES = ("cashier", "manager", "owner")
RANK = {r: i for i, r in enumerate(ROLES)}
MAX_TRIES = 5  # wrong PINs in a row before the account waits
LOCKOUT = timedelta(minutes=5)


@dataclass(frozen=True)
class StaffRecord:
    id: int
    name: str
    display_name: str
    role: str
    active: bool
    locked_until: datetime | None
    created_at: datetime

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "displayName": self.display_name,
                "role": self.role, "active": self.active,
                "lockedUntil": self.locked_until.isoformat() if self.locked_until else None}


def _record(a: StaffAccount) -> StaffRecord:
    return StaffRecord(a.id, a.name, a.display_name, a.role, a.active, a.locked_until,
                       a.created_at)


def _snapshot(a: StaffAccount) -> dict:
    return {"name": a.name, "displayName": a.display_name, "role": a.role, "active": a.active}


def clean_name(name) -> str:
    text = " ".join(str(name or "").split()).lower()
    if not (1 <= len(text) <= 100):
        raise ValidationError(_("Give the person's name (1 to 100 characters)."), field="name")
    return text


def check_role(role) -> str:
    text = str(role or "").strip().lower()
    if text not in ROLES:
        raise ValidationError(_("{role} is not a role. Choose one of: {choices}.",
                                role=repr(role), choices=", ".join(ROLES)), field="role")
    return text


def staff_count(session) -> int:
    return session.execute(select(func.count()).select_from(StaffAccount)).scalar_one()


def has_staff(ctx: Context) -> bool:
    """Role rules apply once any account exists (see roles.require_role)."""
    with ctx.store.reader() as uow:
        return staff_count(uow.session) > 0


def needs_owner(ctx: Context) -> bool:
    """True on a first run: the owner's account is still to be created."""
    return not has_staff(ctx)


def _load(session, name: str) -> StaffAccount:
    acct = session.execute(select(StaffAccount).where(StaffAccount.name == clean_name(name))
                           ).scalar_one_or_none()
    if acct is None:
        raise NotFoundError(_("There is no staff account named {name}.", name=repr(name)), field="name")
    return acct


def list_staff(ctx: Context, *, include_disabled: bool = True) -> list[StaffRecord]:
    with ctx.store.reader() as uow:
        stmt = select(StaffAccount).order_by(StaffAccount.name)
        if not include_disabled:
            stmt = stmt.where(StaffAccount.active.is_(True))
        return [_record(a) for a in uow.session.execute(stmt).scalars()]


def get_staff(ctx: Context, name: str) -> StaffRecord:
    with ctx.store.reader() as uow:
        return _record(_load(uow.session, name))


# What `_may_manage` refuses, one whole sentence per action (translators need the verb).
_OWNER_ONLY = {"add": N_("Only an owner can add a {target_role}'s account."),
               "reset_pin": N_("Only an owner can reset the PIN of a {target_role}'s account."),
               "disable": N_("Only an owner can disable a {target_role}'s account.")}


def _may_manage(ctx: Context, target_role: str, what: str) -> None:
    """Managers look after cashiers; only an owner looks after managers and owners."""
    from .roles import require_role, role_label

    require_role(ctx, "staff_manage")
    acting = ctx.role if ctx.role else None
    if acting is None and ctx.approved_by:
        acting = get_staff(ctx, ctx.approved_by).role
    if acting is not None and RANK[acting] < RANK["owner"] and RANK[target_role] >= RANK["manager"]:
        raise PermissionDeniedError(gettext(_OWNER_ONLY[what]).format(
            target_role=role_label(target_role)))


def add_staff(ctx: Context, name: str, role: str, pin: str, display_name: str = "") -> StaffRecord:
    name, role, pin = clean_name(name), check_role(role), check_pin_rules(pin)
    display = " ".join(str(display_name or "").split())[:100] or name.title()
    first = needs_owner(ctx)
    if first and role != "owner":
        raise ValidationError(_("The first account must be the owner's. Create it with the owner "
                                "role; the owner then adds managers and cashiers."), field="role")
    if not first:
        _may_manage(ctx, role, "add")
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
        record_history(s, ctx, "staff", acct.id, "add", None, _snapshot(acct),
                       _("First run: the owner's account") if first else "")
        rec = _record(acct)
        uow.commit()
    return rec


def set_pin(ctx: Context, name: str, new_pin: str, current_pin: str | None = None) -> StaffRecord:
    """Change your own PIN with your current one, or reset someone else's as their manager."""
    new_pin = check_pin_rules(new_pin)
    target = get_staff(ctx, name)
    if current_pin is not None and target.name == clean_name(ctx.operator):
        authenticate(ctx, target.name, current_pin)
    else:
        _may_manage(ctx, target.role, "reset_pin")
    digest = hash_pin(new_pin)
    with ctx.store.unit_of_work() as uow:
        acct = _load(uow.session, name)
        acct.pin_hash, acct.failed_attempts, acct.locked_until = digest, 0, None
        acct.updated_at = ctx.now()
        record_history(uow.session, ctx, "staff", acct.id, "set_pin", None, None,
                       _("PIN changed"))  # never the PIN or its hash
        rec = _record(acct)
        uow.commit()
    return rec


def disable_staff(ctx: Context, name: str) -> StaffRecord:
    target = get_staff(ctx, name)
    _may_manage(ctx, target.role, "disable")
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        acct = _load(s, name)
        if not acct.active:
            raise ConflictError(_("{name} is already disabled.", name=acct.name))
        if acct.role == "owner":
            owners = s.execute(select(func.count()).select_from(StaffAccount).where(
                StaffAccount.role == "owner", StaffAccount.active.is_(True))).scalar_one()
            if owners <= 1:
                raise ConflictError(_("This is the only owner: add another owner first."))
        before = _snapshot(acct)
        acct.active = False
        acct.updated_at = ctx.now()
        record_history(s, ctx, "staff", acct.id, "disable", before, _snapshot(acct))
        rec = _record(acct)
        uow.commit()
    return rec


def authenticate(ctx: Context, name: str, pin) -> StaffRecord:
    """Check a PIN. Wrong PINs are counted (and kept even though the attempt is
    refused); after MAX_TRIES the account waits LOCKOUT before trying again."""
    now = ctx.now()
    with ctx.store.reader() as uow:
        acct = uow.session.execute(select(StaffAccount).where(
            StaffAccount.name == clean_name(name))).scalar_one_or_none()
        stored = acct.pin_hash if acct is not None and acct.active else None
        locked = acct.locked_until if acct is not None else None
        clean = acct is not None and not acct.failed_attempts and locked is None
        rec = _record(acct) if acct is not None else None
    if stored is None:
        burn_time(str(pin))
        raise PermissionDeniedError(_("There is no active staff account named {name}.",
                                      name=repr(name)),
                                    field="operator")
    if locked is not None and locked > now:
        minutes = max(1, int((locked - now).total_seconds() + 59) // 60)
        raise PermissionDeniedError(_("Too many wrong PINs for {name}. Try again in {minutes} "
                                      "min.", name=name, minutes=minutes), field="pin")
    good = verify_pin(str(pin or "").strip(), stored)
    if good and clean:
        return rec  # nothing to reset: no write transaction
    with ctx.store.unit_of_work() as uow:
        acct = _load(uow.session, name)
        if good:
            acct.failed_attempts, acct.locked_until = 0, None
        else:
            acct.failed_attempts += 1
            if acct.failed_attempts >= MAX_TRIES:
                acct.failed_attempts, acct.locked_until = 0, now + LOCKOUT
                record_history(uow.session, ctx, "staff", acct.id, "lockout", None, None,
                               _("{tries} wrong PINs in a row; locked for {minutes} minutes",
                                 tries=MAX_TRIES, minutes=int(LOCKOUT.total_seconds() // 60)))
        rec = _record(acct)
        uow.commit()
    if not good:
        raise PermissionDeniedError(_("Wrong PIN for {name}.", name=name), field="pin")
    return rec
