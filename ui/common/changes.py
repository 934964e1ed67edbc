"""What an action changed, broadcast once; each view refreshes only what concerns it."""

from __future__ import annotations

from enum import IntFlag

from PySide6.QtCore import QObject, Signal

from ui.common.qtcompat import emit


class Change(IntFlag):
    NONE = 0
    INVOICES = 1
    CUSTOMERS = 2
    ITEMS = 4
    SETTINGS = 8
    OUTBOX = 16  # operations waiting to sync


# What each service action touches, so callers do not have to remember.
INVOICE_ACTION = Change.INVOICES | Change.OUTBOX
CUSTOMER_ACTION = Change.CUSTOMERS | Change.INVOICES | Change.OUTBOX  # names show in the list


class ChangeBus(QObject):
    """`bus.changed(flags, source)`: a view ignores the echo of its own edit."""

    changed = Signal(int, object)

    def announce(self, flags: Change, source: object = None) -> None:
        if flags:
            emit(self.changed, int(flags), source)
