"""Staff accounts as the other actions need them: look one up, check a PIN at
the till. Role rules read these (roles.py); adding, re-PINning and disabling
accounts are the staff feature's actions (app/trust/staff.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.i18n import _
from app.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.store.trust_models import StaffAccount

from .audit import record_history
from .context import Context
from .pins import burn_time, verify_pin

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


def staff_record(a: StaffAccount) -> StaffRecord:
    return StaffRecord(a.id, a.name, a.display_name, a.role, a.active, a.locked_until,
                       a.created_at)


def snapshot(a: StaffAccount) -> dict:
    return {"name": a.name, "displayName": a.display_name, "role": a.role, "active": a.active}


def clean_name(name) -> str:
    text = " ".join(str(name or "").split()).lower()
    if not (1 <= len(text) <= 100):
        raise ValidationError(_("Give the person's name (1 to 100 characters)."), field="name")
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


def load_account(session, name: str) -> StaffAccount:
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
        return [staff_record(a) for a in uow.session.execute(stmt).scalars()]


def get_staff(ctx: Context, name: str) -> StaffRecord:
    with ctx.store.reader() as uow:
        return staff_record(load_account(uow.session, name))


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
        rec = staff_record(acct) if acct is not None else None
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
        acct = load_account(uow.session, name)
        if good:
            acct.failed_attempts, acct.locked_until = 0, None
        else:
            acct.failed_attempts += 1
            if acct.failed_attempts >= MAX_TRIES:
                acct.failed_attempts, acct.locked_until = 0, now + LOCKOUT
                record_history(uow.session, ctx, "staff", acct.id, "lockout", None, None,
                               _("{tries} wrong PINs in a row; locked for {minutes} minutes",
                                 tries=MAX_TRIES, minutes=int(LOCKOUT.total_seconds() // 60)))
        rec = staff_record(acct)
        uow.commit()
    if not good:
        raise PermissionDeniedError(_("Wrong PIN for {name}.", name=name), field="pin")
    return rec
