"""Printer emulators for the tests (no hardware needed; moved out of the shipped app).

- `FakeUsbBackend`: a pyusb backend (`usb.backend.IBackend`) presenting
  printer-class devices; pass it as `PrinterConnector(usb_backend=...)`.
- `LoopbackPrinter`: a TCP printer on 127.0.0.1 that records what it is sent
  and answers `DLE EOT n` real-time status queries.
Both can be switched to paper out, cover open, busy, unplugged or silent.
"""

from __future__ import annotations

import errno
import socket
import threading
from dataclasses import dataclass, field, replace
from types import SimpleNamespace

from app.printing.status import PrinterStatus, encode_status

STATUS_QUERY = b"\x10\x04"


def status_answer(chunk: bytes, status: PrinterStatus) -> bytes | None:
    """The reply to a lone `DLE EOT n` query, or None when `chunk` is print data."""
    if len(chunk) == 3 and chunk[:2] == STATUS_QUERY and chunk[2] in (1, 2, 3, 4):
        return bytes((encode_status(status).get(chunk[2], 0x12),))
    return None


# ------------------------------------------------------------------ USB

@dataclass
class FakeUsbDevice:
    vid: int = 0x0416
    pid: int = 0x5011
    device_class: int = 0  # 0: the class is on the interface, as most printers do
    interface_class: int = 7
    out_ep: int = 0x03
    in_ep: int | None = 0x81
    status: PrinterStatus = field(default_factory=PrinterStatus)
    answers_status: bool = True
    fault: str = ""  # "", "busy", "access", "unplugged" (mid-job), "timeout"
    received: bytearray = field(default_factory=bytearray)
    bus: int = 1
    address: int = 4
    _replies: list = field(default_factory=list, repr=False)


def _usb_error(code: int, text: str):
    import usb.core

    if code == errno.ETIMEDOUT:
        return usb.core.USBTimeoutError(text, -7, errno.ETIMEDOUT)
    return usb.core.USBError(text, -1, code)


_backend_class = None


def FakeUsbBackend(*devices: FakeUsbDevice):  # noqa: N802  (used like a class)
    """A pyusb backend whose devices live in `.devices` (plug and unplug by editing it)."""
    global _backend_class
    if _backend_class is None:
        from usb.backend import IBackend

        # Built on first use so that importing this module does not import pyusb.
        _backend_class = type("FakeUsbBackend", (_FakeUsbMethods, IBackend), {})
    return _backend_class(devices)


class _FakeUsbMethods:
    def __init__(self, devices):
        super().__init__()
        self.devices = list(devices)
        self.configuration = {}

    # descriptors
    def enumerate_devices(self):
        return iter(list(self.devices))

    def get_device_descriptor(self, dev):
        return SimpleNamespace(
            bLength=18, bDescriptorType=1, bcdUSB=0x0200, bDeviceClass=dev.device_class,
            bDeviceSubClass=0, bDeviceProtocol=0, bMaxPacketSize0=64, idVendor=dev.vid,
            idProduct=dev.pid, bcdDevice=0x0100, iManufacturer=0, iProduct=0,
            iSerialNumber=0, bNumConfigurations=1, address=dev.address, bus=dev.bus,
            port_number=1, port_numbers=(1,), speed=2)

    def get_configuration_descriptor(self, dev, config):
        if config != 0:
            raise IndexError(config)
        return SimpleNamespace(bLength=9, bDescriptorType=2, wTotalLength=32, bNumInterfaces=1,
                               bConfigurationValue=1, iConfiguration=0, bmAttributes=0xC0,
                               bMaxPower=50, extra_descriptors=[])

    def get_interface_descriptor(self, dev, intf, alt, config):
        if intf != 0 or alt != 0 or config != 0:
            raise IndexError((intf, alt, config))
        return SimpleNamespace(bLength=9, bDescriptorType=4, bInterfaceNumber=0,
                               bAlternateSetting=0, bNumEndpoints=2 if dev.in_ep else 1,
                               bInterfaceClass=dev.interface_class, bInterfaceSubClass=1,
                               bInterfaceProtocol=2, iInterface=0, extra_descriptors=[])

    def get_endpoint_descriptor(self, dev, ep, intf, alt, config):
        addresses = [dev.out_ep] + ([dev.in_ep] if dev.in_ep else [])
        if ep >= len(addresses):
            raise IndexError(ep)
        return SimpleNamespace(bLength=7, bDescriptorType=5, bEndpointAddress=addresses[ep],
                               bmAttributes=0x02, wMaxPacketSize=64, bInterval=0, bRefresh=0,
                               bSynchAddress=0, extra_descriptors=[])

    # handles
    def open_device(self, dev):
        if dev.fault == "access":
            raise _usb_error(errno.EACCES, "Access denied (insufficient permissions)")
        return dev

    def close_device(self, handle):
        pass

    def set_configuration(self, handle, value):
        self.configuration[id(handle)] = value

    def get_configuration(self, handle):
        return self.configuration.get(id(handle), 1)

    def set_interface_altsetting(self, handle, intf, alt):
        pass

    def claim_interface(self, handle, intf):
        if handle.fault == "busy":
            raise _usb_error(errno.EBUSY, "Resource busy")

    def release_interface(self, handle, intf):
        pass

    def reset_device(self, handle):
        pass

    def is_kernel_driver_active(self, handle, intf):
        return False

    def detach_kernel_driver(self, handle, intf):
        pass

    def clear_halt(self, handle, ep):
        pass

    # transfers
    def _check_present(self, dev):
        if dev not in self.devices or dev.fault == "unplugged":
            raise _usb_error(errno.ENODEV, "No such device (it may have been disconnected)")
        if dev.fault == "timeout":
            raise _usb_error(errno.ETIMEDOUT, "Operation timed out")

    def bulk_write(self, handle, ep, intf, data, timeout):
        self._check_present(handle)
        chunk = bytes(data)
        answer = status_answer(chunk, handle.status) if handle.answers_status else None
        if answer is not None:
            handle._replies.append(answer)
        elif chunk[:2] != STATUS_QUERY:
            handle.received += chunk
        return len(chunk)

    def bulk_read(self, handle, ep, intf, buff, timeout):
        self._check_present(handle)
        if not handle._replies:
            raise _usb_error(errno.ETIMEDOUT, "Operation timed out")
        reply = handle._replies.pop(0)
        for i, byte in enumerate(reply):
            buff[i] = byte
        return len(reply)

    def ctrl_transfer(self, handle, bmRequestType, bRequest, wValue, wIndex, data, timeout):
        raise _usb_error(errno.EPIPE, "Pipe error")


# ------------------------------------------------------------------ TCP

class LoopbackPrinter:
    """A network printer on 127.0.0.1 (port chosen by the OS): `with LoopbackPrinter() as p`.

    `p.jobs` holds what each connection sent (status queries left out);
    set `p.status` to change what it answers, `p.answers_status = False` to stay silent.
    """

    def __init__(self, status: PrinterStatus | None = None, *, answers_status: bool = True):
        self.status = status or PrinterStatus()
        self.answers_status = answers_status
        self.jobs: list[bytes] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="loopback-printer", daemon=True)
        self._thread.start()

    @property
    def uri(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    @property
    def received(self) -> bytes:
        with self._lock:
            return b"".join(self.jobs)

    def set_status(self, **kw) -> None:
        self.status = replace(self.status, **kw)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (socket.timeout, OSError):
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        data = bytearray()
        conn.settimeout(5)
        with self._lock:
            self.connections += 1
        try:
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                answer = status_answer(chunk, self.status) if self.answers_status else None
                if answer is not None:
                    conn.sendall(answer)
                elif chunk[:2] != STATUS_QUERY or len(chunk) != 3:
                    data += chunk
        except OSError:
            pass
        finally:
            conn.close()
            if data:
                with self._lock:
                    self.jobs.append(bytes(data))

    def wait_for_jobs(self, n: int, timeout: float = 5.0) -> bool:
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.jobs) >= n:
                    return True
            time.sleep(0.01)
        return False

    def close(self) -> None:
        self._stop.set()
        self._sock.close()
        self._thread.join(timeout=2)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
