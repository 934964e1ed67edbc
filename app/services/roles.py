"""Who may do what. Cashiers sell and take payments; voiding, writing off,
undoing a reconciliation, closing a shift and looking after staff need a
manager: the manager themself, or a manager's PIN given on the spot, which
is then recorded with the action (history.approved_by).

A database without any staff account (old databases, scripts, the tests of
other parts) has no role rules: actions still record the operator's name.
Creating the owner (the first run) turns the rules on for good."""

from __future__ import annotations

import dataclasses

from app.i18n import N_, _, gettext
from app.domain.errors import PermissionDeniedError, ValidationError

from .accounts import authenticate, get_staff, has_staff
from .context import Context

ROLES = ("cashier", "manager", "owner")
RANK = {r: i for i, r in enumerate(ROLES)}

# action -> the lowest role that may do it without an approval
GUARDED = {
    "void": "manager",
    "write_off": "manager",
    "reconcile_undo": "manager",
    "shift_close": "manager",
    "staff_manage": "manager",
    "conflict_resolve": "manager",
    "refund": "manager",
}
WHAT = {
    "void": N_("void an invoice"),
    "write_off": N_("write off an invoice"),
    "reconcile_undo": N_("undo a reconciliation"),
    "shift_close": N_("close a shift"),
    "staff_manage": N_("manage staff accounts"),
    "conflict_resolve": N_("resolve a sync conflict"),
    "refund": N_("refund a payment"),
}
ROLE_LABELS = {"cashier": N_("cashier"), "manager": N_("manager"), "owner": N_("owner")}


def role_label(role: str | None) -> str:
    """A role's name in the chosen language (`kasir`, `manajer`, `pemilik`)."""
    return gettext(ROLE_LABELS[role]) if role in ROLE_LABELS else str(role or "-")


def _rank(role: str | None) -> int:
    return RANK.get(role or "", -1)


def login(ctx: Context, name: str, pin) -> Context:
    """A context for `name` once their PIN checks out (the lock screen, the CLI)."""
    rec = authenticate(ctx, name, pin)
    return dataclasses.replace(ctx, operator=rec.name, role=rec.role, approved_by=None)


def with_approval(ctx: Context, action: str, manager: str, pin) -> Context:
    """A context for ONE action, approved on the spot by `manager` with their PIN.
    Use the returned context for that action only."""
    approver = _approver(ctx, action, manager, pin)
    return dataclasses.replace(ctx, approved_by=approver)


def _approver(ctx: Context, action: str, manager: str, pin) -> str:
    needed = GUARDED[action]
    rec = authenticate(ctx, manager, pin)
    if _rank(rec.role) < _rank(needed):
        raise PermissionDeniedError(_("{name} ({role}) cannot approve: to {what} takes the PIN "
                                      "of a {needed}.", name=rec.display_name,
                                      role=role_label(rec.role), what=gettext(WHAT[action]),
                                      needed=role_label(needed)), field="approver")
    return rec.name


def needs_approval(ctx: Context, action: str) -> bool:
    """For the UI: would `action` by this context be refused without a manager's PIN?"""
    if not has_staff(ctx):
        return False
    return _rank(ctx.role) < _rank(GUARDED[action]) and not ctx.approved_by


def require_role(ctx: Context, action: str) -> None:
    """Refuse `action` unless the operator's proven role allows it or a manager
    approved it on the spot. Asks through ctx.ask_pin / ctx.ask_approval (the
    command line) when those are set. Raises PermissionDeniedError; changes nothing."""
    needed = GUARDED[action]
    if not has_staff(ctx):
        return  # no accounts yet: no role rules (see the module's docstring)
    if ctx.role is None and ctx.ask_pin is not None:
        pin = ctx.ask_pin(_("PIN for {name}: ", name=ctx.operator))
        if pin:
            ctx.role = authenticate(ctx, ctx.operator, pin).role
    if ctx.role is None:
        raise PermissionDeniedError(
            _("To {what}, {name} must sign in with their PIN first.",
              what=gettext(WHAT[action]), name=ctx.operator),
            field="pin")
    if _rank(ctx.role) >= _rank(needed):
        return
    if ctx.approved_by:
        approver = get_staff(ctx, ctx.approved_by)
        if approver.active and _rank(approver.role) >= _rank(needed):
            return
    if ctx.ask_approval is not None:
        given = ctx.ask_approval(_("The approval of a {needed} is needed to {what}.",
                                   needed=role_label(needed), what=gettext(WHAT[action])))
        if given:
            ctx.approved_by = _approver(ctx, action, given[0], given[1])
            return
    raise PermissionDeniedError(
        _("A {role} cannot {what} alone. Ask a {needed} to approve it with their PIN.",
          role=role_label(ctx.role), what=gettext(WHAT[action]), needed=role_label(needed)),
        field="approver")


def check_role(role) -> str:
    text = str(role or "").strip().lower()
    if text not in ROLES:
        raise ValidationError(_("{role} is not a role. Choose one of: {choices}.",
                                role=repr(role), choices=", ".join(ROLES)), field="role")
    return text


# What `may_manage` refuses, one whole sentence per action (translators need the verb).
_OWNER_ONLY = {"add": N_("Only an owner can add a {target_role}'s account."),
               "reset_pin": N_("Only an owner can reset the PIN of a {target_role}'s account."),
               "disable": N_("Only an owner can disable a {target_role}'s account.")}


def may_manage(ctx: Context, target_role: str, what: str) -> None:
    """Managers look after cashiers; only an owner looks after managers and owners."""
    require_role(ctx, "staff_manage")
    acting = ctx.role if ctx.role else None
    if acting is None and ctx.approved_by:
        acting = get_staff(ctx, ctx.approved_by).role
    if acting is not None and RANK[acting] < RANK["owner"] and RANK[target_role] >= RANK["manager"]:
        raise PermissionDeniedError(gettext(_OWNER_ONLY[what]).format(
            target_role=role_label(target_role)))
