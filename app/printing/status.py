"""Real-time status (DLE EOT n) as the printer reports it."""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import _

DLE_EOT = b"\x10\x04"
PRINTER, OFFLINE_CAUSE, PAPER = 1, 2, 4


@dataclass(frozen=True)
class PrinterStatus:
    online: bool = True
    cover_open: bool = False
    paper_near_end: bool = False
    paper_out: bool = False
    error: bool = False

    @property
    def ready(self) -> bool:
        return self.online and not (self.cover_open or self.paper_out or self.error)

    def problem(self) -> str:
        """What is wrong, in words a cashier acts on ('' when ready)."""
        if self.paper_out:
            return _("The printer is out of paper: load a new roll and close the cover.")
        if self.cover_open:
            return _("The printer's cover is open: close it.")
        if self.error:
            return _("The printer reports an error (cutter jam or overheating): switch it off "
                     "and on.")
        if not self.online:
            return _("The printer is offline: check that it is switched on and its light is "
                     "steady.")
        return ""

    def summary(self) -> str:
        if not self.ready:
            return self.problem()
        return _("Ready, paper low: change the roll soon.") if self.paper_near_end else _("Ready.")

    def to_json(self) -> dict:
        return {"online": self.online, "coverOpen": self.cover_open,
                "paperNearEnd": self.paper_near_end, "paperOut": self.paper_out,
                "error": self.error, "ready": self.ready}


def decode_status(printer: int | None, cause: int | None, paper: int | None) -> PrinterStatus:
    """From the answer bytes to DLE EOT 1, 2 and 4 (None where there was none)."""
    offline = printer is not None and bool(printer & 0x08)
    cover = cause is not None and bool(cause & 0x04)
    paper_end_stop = cause is not None and bool(cause & 0x20)
    error = cause is not None and bool(cause & 0x40)
    near_end = paper is not None and bool(paper & 0x0C)
    paper_out = (paper is not None and bool(paper & 0x60)) or paper_end_stop
    return PrinterStatus(online=not offline, cover_open=cover, paper_near_end=near_end,
                         paper_out=paper_out, error=error)


def encode_status(status: PrinterStatus) -> dict[int, int]:
    """The bytes a printer in `status` answers to DLE EOT 1, 2, 4 (for emulators)."""
    printer = 0x12 | (0x08 if not status.ready else 0)
    cause = 0x12 | (0x04 if status.cover_open else 0) | (0x20 if status.paper_out else 0) | (
        0x40 if status.error else 0)
    paper = 0x12 | (0x0C if status.paper_near_end else 0) | (0x60 if status.paper_out else 0)
    return {PRINTER: printer, OFFLINE_CAUSE: cause, PAPER: paper}
