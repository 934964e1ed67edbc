"""Printer URIs: usb://VID:PID, tcp://HOST:PORT, serial:///dev/ttyUSB0?baudrate=9600,
file:///dev/usb/lp0."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from app.i18n import _
from app.domain.errors import ValidationError

EXAMPLES = ("usb://0416:5011", "tcp://192.168.1.50:9100", "serial:///dev/ttyUSB0?baudrate=9600",
            "file:///dev/usb/lp0")
BAUDRATES = (2400, 4800, 9600, 19200, 38400, 57600, 115200)


@dataclass(frozen=True)
class PrinterTarget:
    scheme: str  # usb | tcp | serial | file
    vid: int = 0
    pid: int = 0
    host: str = ""
    port: int = 9100
    path: str = ""
    baudrate: int = 9600

    def __str__(self) -> str:
        if self.scheme == "usb":
            return f"usb://{self.vid:04x}:{self.pid:04x}"
        if self.scheme == "tcp":
            return f"tcp://{self.host}:{self.port}"
        if self.scheme == "serial":
            return f"serial://{self.path}?baudrate={self.baudrate}"
        return f"file://{self.path}"


def _bad(uri: str, why: str) -> ValidationError:
    return ValidationError(_("Printer {uri}: {why}. Examples: {examples}.", uri=repr(uri), why=why,
                             examples=", ".join(EXAMPLES)), field="printer")


def parse_printer_uri(uri: str) -> PrinterTarget:
    text = (uri or "").strip()
    if "://" not in text:
        raise _bad(text, _("write it as a URI"))
    scheme, _sep, rest = text.partition("://")
    scheme = scheme.lower()
    if scheme == "usb":
        vid, sep, pid = rest.strip("/").partition(":")
        try:
            v, p = int(vid.removeprefix("0x"), 16), int(pid.removeprefix("0x"), 16)
        except ValueError:
            raise _bad(text, _("give the vendor and product id in hex, like usb://0416:5011")) from None
        if not sep or not (0 < v <= 0xFFFF and 0 < p <= 0xFFFF):
            raise _bad(text, _("give the vendor and product id in hex, like usb://0416:5011"))
        return PrinterTarget("usb", vid=v, pid=p)
    if scheme == "tcp":
        parts = urlsplit(text)
        try:
            port = parts.port or 9100
        except ValueError:
            raise _bad(text, _("the port must be a number from 1 to 65535")) from None
        if not parts.hostname:
            raise _bad(text, _("give the printer's address, like tcp://192.168.1.50:9100"))
        return PrinterTarget("tcp", host=parts.hostname, port=port)
    if scheme in ("serial", "file"):
        parts = urlsplit(text)
        if parts.netloc or not parts.path.startswith("/"):
            raise _bad(text, _("give the device path after three slashes, like {example}",
                               example="serial:///dev/ttyUSB0" if scheme == "serial"
                               else "file:///dev/usb/lp0"))
        if scheme == "file":
            return PrinterTarget("file", path=parts.path)
        raw = parse_qs(parts.query).get("baudrate", ["9600"])[-1]
        if not raw.isdigit() or int(raw) not in BAUDRATES:
            raise _bad(text, _("the baud rate is one of {choices}",
                                   choices=", ".join(map(str, BAUDRATES))))
        return PrinterTarget("serial", path=parts.path, baudrate=int(raw))
    raise _bad(text, _("unknown kind {scheme}", scheme=repr(scheme)))
