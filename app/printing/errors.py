"""Printer faults, each with what the cashier should do. All keep the job queued."""

from __future__ import annotations

from app.i18n import _
from app.domain.errors import KasirError

UDEV_RULE = "packaging/udev/60-kasir-thermal-printers.rules"  # shipped by packaging


class PrinterError(KasirError):
    """The printer could not take the slip now; the job stays queued and is retried."""

    code = "printer_unavailable"


class PrinterNotFound(PrinterError):
    pass


class PrinterPermissionDenied(PrinterError):
    pass


class PrinterBusy(PrinterError):
    pass


class PrinterNoAnswer(PrinterError):
    pass


class PrinterNotReady(PrinterError):
    """Online but cannot print: paper out, cover open, offline."""


def usb_permission(vid: int, pid: int) -> PrinterPermissionDenied:
    return PrinterPermissionDenied(
        _("This computer user may not use the USB printer {vid}:{pid}. Install the udev rule: "
          "sudo cp {UDEV_RULE} /etc/udev/rules.d/ && sudo udevadm control --reload && sudo "
          "udevadm trigger, then unplug the printer and plug it in again.",
          vid=format(vid, '04x'), pid=format(pid, '04x'), UDEV_RULE=UDEV_RULE))
