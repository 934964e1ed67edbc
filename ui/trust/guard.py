"""Guarded actions in the window: void, write-off, reconciliation undo, shift
close, conflict resolve. A cashier gets the manager-approval dialog first; the
action then runs with the approved context, for that ONE action. The core
checks again (app.services.roles.require_role), so this is a convenience, not the
guard: a refusal comes back through `on_error` like any other."""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QDialog

from app.i18n import _, gettext
from app.services.roles import GUARDED, RANK, WHAT

from ui.trust.approval_dialog import ApprovalDialog


def needs_dialog(ctx, action: str) -> bool:
    """Without a query: staff accounts exist once someone signed in with a role
    (the window signs everybody in when there are accounts)."""
    if ctx is None or ctx.role is None or ctx.approved_by:
        return False
    return RANK.get(ctx.role, -1) < RANK[GUARDED[action]]


def run_guarded(worker, parent, action: str, fn: Callable, *args,
                on_done: Callable | None = None, on_error: Callable | None = None,
                on_cancel: Callable | None = None):
    """Run `fn(ctx, *args)` on the DB worker as `action` needs: at once when the
    signed-in person may, or after a manager approved it in a dialog (returned,
    so a test can fill it in). `on_cancel()` when the approval was cancelled."""
    base = worker.ctx
    if not needs_dialog(base, action):
        worker.submit(fn, *args, on_done=on_done, on_error=on_error)
        return None
    dlg = ApprovalDialog(base, action, run=worker.submit, parent=parent)
    dlg.setModal(True)

    def finished(result: int) -> None:
        approved = dlg.approved_ctx
        dlg.deleteLater()
        if result != QDialog.DialogCode.Accepted or approved is None:
            if on_cancel is not None:
                on_cancel()
            return
        worker.submit(lambda _ctx, *a: fn(approved, *a), *args, on_done=on_done,
                      on_error=on_error)

    dlg.finished.connect(finished)
    dlg.show()
    dlg.pin.setFocus()
    return dlg


def cancelled_text(action: str) -> str:
    return _("Nothing changed: to {what} takes a manager's approval.",
             what=gettext(WHAT[action]))
