"""Talking to a printer named by URI, through python-escpos' printer classes.

Every connection has a timeout. Faults become `PrinterError`s that say what to
do; the queue keeps the job and retries. A status check (DLE EOT) runs before
a slip is sent, where the profile says the printer answers one.
"""

from __future__ import annotations

import errno as _errno
import logging
import socket

from app.i18n import _

from .errors import (PrinterBusy, PrinterError, PrinterNoAnswer, PrinterNotFound,
                     PrinterNotReady, PrinterPermissionDenied, usb_permission)
from .escpos_lib import escpos_printer
from .status import DLE_EOT, OFFLINE_CAUSE, PAPER, PRINTER, PrinterStatus, decode_status
from .uri import PrinterTarget, parse_printer_uri

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5.0  # seconds, for opening, writing and each status answer
PRINTER_CLASS = 7


class Connection:
    """An open printer: `status()`, `write(bytes)`, `close()`."""

    def __init__(self, target: PrinterTarget, printer, *, reads: bool):
        self.target = target
        self.printer = printer  # a python-escpos printer object, already open
        self.reads = reads

    def _read_byte(self) -> int | None:
        try:
            if self.target.scheme == "serial":
                # python-escpos asks pyserial for 16 bytes, which waits out the whole
                # timeout for a one-byte status answer: three queries, three timeouts.
                data = self.printer.device.read(1)
            else:
                data = self.printer._read()
        except (socket.timeout, TimeoutError):
            return None
        except Exception as err:  # USB timeouts and the like: the printer does not answer
            if _is_timeout(err):
                return None
            raise _translate(self.target, err) from err
        return data[-1] if data else None

    def status(self) -> PrinterStatus | None:
        """The printer's status, or None when it does not answer status queries."""
        if not self.reads:
            return None
        answers = {}
        for n in (PRINTER, OFFLINE_CAUSE, PAPER):
            self.write(DLE_EOT + bytes((n,)))
            answers[n] = self._read_byte()
            if answers[n] is None:
                return None
        return decode_status(answers[PRINTER], answers[OFFLINE_CAUSE], answers[PAPER])

    def check_ready(self) -> PrinterStatus | None:
        st = self.status()
        if st is not None and not st.ready:
            raise PrinterNotReady(st.problem())
        return st

    def write(self, data: bytes) -> None:
        try:
            self.printer._raw(data)
        except PrinterError:
            raise
        except Exception as err:
            raise _translate(self.target, err) from err

    def close(self) -> None:
        try:
            self.printer.close()
        except Exception:  # closing a dead connection must not hide the real error
            log.debug("closing %s failed", self.target, exc_info=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _is_timeout(err: BaseException) -> bool:
    if isinstance(err, (socket.timeout, TimeoutError)):
        return True
    return type(err).__name__ == "USBTimeoutError" or getattr(err, "errno", None) in (
        _errno.ETIMEDOUT, 110)


def _translate(target: PrinterTarget, err: BaseException) -> PrinterError:
    if isinstance(err, PrinterError):
        return err
    code = getattr(err, "errno", None)
    where = str(target)
    if _is_timeout(err):
        return PrinterNoAnswer(_("The printer {where} did not answer in time: check that it is "
                                 "switched on, connected and not showing an error light.",
                                 where=where))
    if code in (_errno.EACCES, _errno.EPERM):
        if target.scheme == "usb":
            return usb_permission(target.vid, target.pid)
        return PrinterPermissionDenied(
            _("This computer user may not open {device}: add the user to the 'lp' group "
              "(serial: 'dialout'), log out and in again.", device=target.path or where))
    if code == _errno.EBUSY:
        return PrinterBusy(_("The printer {where} is in use by another program (a print spooler "
                             "such as CUPS, or another Kasir): close it or remove the printer "
                             "from the system's printer list.", where=where))
    if code in (_errno.ENODEV, _errno.ENOENT, _errno.ENXIO, _errno.EPIPE, _errno.ECONNRESET,
                _errno.ECONNREFUSED, _errno.EHOSTUNREACH, _errno.ENETUNREACH):
        return PrinterNotFound(_("The printer {where} is not there: check that it is switched on "
                                 "and its cable (or network) is connected.", where=where))
    return PrinterNoAnswer(_("The printer {where} failed: {err}. Check it and try again.",
                             where=where, err=err))


class PrinterConnector:
    """Opens connections. Tests give a fake pyusb backend through `usb_backend`."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, usb_backend=None):
        self.timeout = timeout
        self.usb_backend = usb_backend

    def open(self, uri: str | PrinterTarget, *, reads_status: bool = True) -> Connection:
        target = uri if isinstance(uri, PrinterTarget) else parse_printer_uri(uri)
        opener = getattr(self, "_open_" + target.scheme)
        return opener(target, reads_status)

    def _open_tcp(self, t: PrinterTarget, reads: bool) -> Connection:
        printer = escpos_printer().Network(t.host, t.port, timeout=self.timeout)
        _open(printer, t)
        return Connection(t, printer, reads=reads)

    def _open_file(self, t: PrinterTarget, reads: bool) -> Connection:
        printer = escpos_printer().File(t.path)
        _open(printer, t)
        return Connection(t, printer, reads=False)  # a write-only device file

    def _open_serial(self, t: PrinterTarget, reads: bool) -> Connection:
        ep = escpos_printer()
        if not ep.Serial.is_usable():
            raise PrinterNotFound(_("Serial printers need the 'pyserial' package: pip install "
                                    "pyserial."))
        printer = ep.Serial(t.path, baudrate=t.baudrate, timeout=self.timeout)
        _open(printer, t)
        return Connection(t, printer, reads=reads)

    def _open_usb(self, t: PrinterTarget, reads: bool) -> Connection:
        import usb.core  # lazy: pyusb only for usb:// printers

        try:
            device = usb.core.find(idVendor=t.vid, idProduct=t.pid, backend=self.usb_backend)
        except usb.core.NoBackendError:
            raise PrinterNotFound(_("USB printing needs libusb: install it (apt install "
                                    "libusb-1.0-0) and start Kasir again.")) from None
        except usb.core.USBError as err:
            raise _translate(t, err) from err
        if device is None:
            raise PrinterNotFound(_("No USB printer {t} is plugged in: check the cable and that "
                                    "it is switched on, or pick it again in printer settings.",
                                    t=t))
        out_ep, in_ep = printer_endpoints(device)
        ms = max(1, int(self.timeout * 1000))
        printer = escpos_printer().Usb(t.vid, t.pid, usb_args={"backend": self.usb_backend},
                                       timeout=ms, in_ep=in_ep or 0x82, out_ep=out_ep)
        _open(printer, t)
        try:
            # python-escpos only logs a failed set_configuration; claim now to see it.
            usb.util.claim_interface(printer.device, _printer_interface(printer.device))
        except usb.core.USBError as err:
            printer.close()
            raise _translate(t, err) from err
        return Connection(t, printer, reads=reads and in_ep is not None)


def _open(printer, target: PrinterTarget) -> None:
    try:
        printer.open()
    except Exception as err:
        cause = err.__cause__ or err.__context__ or err
        if isinstance(cause, OSError) or getattr(cause, "errno", None) is not None:
            raise _translate(target, cause) from err
        text = str(err).lower()
        for marker, code in (("access denied", _errno.EACCES), ("permission", _errno.EACCES),
                             ("busy", _errno.EBUSY), ("no such", _errno.ENOENT),
                             ("timed out", _errno.ETIMEDOUT), ("refused", _errno.ECONNREFUSED)):
            if marker in text:
                raise _translate(target, OSError(code, text)) from err
        raise PrinterNotFound(_("Cannot open the printer {target}: {err}", target=target, err=err)) from err


def _printer_interface(device) -> int:
    cfg = device.get_active_configuration()
    for intf in cfg:
        if intf.bInterfaceClass == PRINTER_CLASS:
            return intf.bInterfaceNumber
    return 0


def printer_endpoints(device) -> tuple[int, int | None]:
    """(bulk OUT, bulk IN or None) of the device's printer-class interface."""
    import usb.util  # lazy: pyusb only for usb:// printers

    for cfg in device:
        for intf in cfg:
            if intf.bInterfaceClass != PRINTER_CLASS and device.bDeviceClass != PRINTER_CLASS:
                continue
            out_ep = in_ep = None
            for ep in intf:
                if usb.util.endpoint_type(ep.bmAttributes) != usb.util.ENDPOINT_TYPE_BULK:
                    continue
                if usb.util.endpoint_direction(ep.bEndpointAddress) == usb.util.ENDPOINT_OUT:
                    out_ep = out_ep or ep.bEndpointAddress
                else:
                    in_ep = in_ep or ep.bEndpointAddress
            if out_ep:
                return out_ep, in_ep
    return 0x01, 0x82  # python-escpos' defaults


def find_usb_printers(backend=None) -> list[dict]:
    """USB devices of the printer class (7), on the device or on an interface."""
    try:
        import usb.core  # lazy: pyusb only for usb:// printers
        import usb.util  # lazy: pyusb only for usb:// printers

        devices = list(usb.core.find(find_all=True, backend=backend))
    except Exception as err:  # no libusb: nothing to list, say why
        log.info("cannot list USB devices: %s", err)
        return []
    found = []
    for dev in devices:
        is_printer = dev.bDeviceClass == PRINTER_CLASS or any(
            usb.util.find_descriptor(cfg, bInterfaceClass=PRINTER_CLASS) is not None
            for cfg in dev)
        if not is_printer:
            continue
        try:
            name = " ".join(filter(None, (dev.manufacturer, dev.product))).strip()
        except (ValueError, usb.core.USBError, NotImplementedError):
            name = ""  # reading strings needs access to the device
        found.append({"uri": f"usb://{dev.idVendor:04x}:{dev.idProduct:04x}",
                      "vendorId": dev.idVendor, "productId": dev.idProduct,
                      "name": name or f"USB printer {dev.idVendor:04x}:{dev.idProduct:04x}"})
    return found
