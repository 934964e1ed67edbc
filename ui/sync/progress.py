"""The status bar's sync progress: while a push drains the queue, a bar with
the operations sent of those waiting, how many are left and about how long
that takes at the pace so far. Hidden when nothing is draining."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar

from app.i18n import _, _n


def eta_text(seconds: float | None) -> str:
    """"about 40 s" / "about 3 min" / "" (no pace yet)."""
    if seconds is None:
        return ""
    if seconds < 60:
        return _("about {seconds} s", seconds=max(1, round(seconds)))
    return _("about {minutes} min", minutes=round(seconds / 60))


def progress_text(progress) -> str:
    """One line for a `DrainProgress`: what is left and the estimate."""
    left = _n("{n} change left", "{n} changes left", progress.left)
    eta = eta_text(progress.eta)
    return _("{left}, {eta}", left=left, eta=eta) if eta else left


class SyncProgressBar(QProgressBar):
    """Shows the bridge's `drain` (a DrainProgress or None)."""

    def __init__(self, bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.setMaximumWidth(260)
        self.setTextVisible(True)
        self.hide()
        bridge.drain_changed.connect(self.refresh)
        bridge.status_changed.connect(self.refresh)

    def refresh(self) -> None:
        p = self.bridge.drain
        status = self.bridge.status
        syncing = status is not None and status.state == "syncing"
        if p is None or p.finished or not syncing:
            self.hide()
            return
        self.setRange(0, max(1, p.total))
        self.setValue(p.done)
        text = progress_text(p)
        self.setFormat(text)
        self.setToolTip(_("Sending to Plugipay: {done} of {total} sent; {rest}",
                          done=p.done, total=p.total, rest=text))
        self.show()
