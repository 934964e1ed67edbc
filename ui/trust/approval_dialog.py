"""A manager approves a cashier's action on the spot with their PIN."""

from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QVBoxLayout)

from app.i18n import _, gettext
from app.services.accounts import list_staff
from app.services.roles import GUARDED, RANK, WHAT, needs_approval, role_label, with_approval

from ui.trust.common import direct_runner, error_label, pin_field, show_error


class ApprovalDialog(QDialog):
    """`dlg = ApprovalDialog(ctx, "void")`; after `exec()` is accepted,
    `dlg.approved_ctx` is the context to run that ONE action with."""

    def __init__(self, ctx, action: str, run=None, parent=None):
        super().__init__(parent)
        self.ctx, self.action = ctx, action
        self.approved_ctx = None
        self._run = run or direct_runner(ctx)
        self.setWindowTitle(_("Manager approval"))
        needed = GUARDED[action]
        self.explain = QLabel(_("To {what}, a {needed} must approve with their PIN.",
                                what=gettext(WHAT[action]), needed=role_label(needed)))
        self.explain.setWordWrap(True)
        self.manager = QComboBox()
        self.manager.setAccessibleName(_("Manager"))
        self.pin = pin_field(_("Manager's PIN"))
        self.error = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Approve"))
        form = QFormLayout()
        form.addRow(_("Manager"), self.manager)
        form.addRow(_("PIN"), self.pin)
        box = QVBoxLayout(self)
        box.addWidget(self.explain)
        box.addLayout(form)
        box.addWidget(self.error)
        box.addWidget(self.buttons)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        def fill(people):
            for p in people:
                if RANK[p.role] >= RANK[needed]:
                    self.manager.addItem(f"{p.display_name} ({role_label(p.role)})", p.name)
        self._run(lambda c: list_staff(c, include_disabled=False), on_done=fill,
                  on_error=lambda e: show_error(self.error, e))

    def submit(self) -> None:
        name = self.manager.currentData()
        if not name:
            show_error(self.error, _("There is no manager to approve: ask the owner."))
            return
        pin = self.pin.text()
        self.pin.clear()

        def done(ctx):
            self.approved_ctx = ctx
            self.accept()

        self._run(lambda _c, n, p: with_approval(self.ctx, self.action, n, p), name, pin,
                  on_done=done, on_error=lambda e: show_error(self.error, e))


def approve_if_needed(ctx, action: str, parent=None):
    """The context to run `action` with: `ctx` itself when no approval is needed,
    an approved copy after the dialog, or None when the cashier cancelled."""
    if not needs_approval(ctx, action):
        return ctx
    dlg = ApprovalDialog(ctx, action, parent=parent)
    return dlg.approved_ctx if dlg.exec() == QDialog.DialogCode.Accepted else None
