from __future__ import annotations

import pytest

from app.domain.errors import ValidationError
from app.printing.uri import parse_printer_uri


@pytest.mark.parametrize("uri,expected", [
    ("usb://0416:5011", dict(scheme="usb", vid=0x0416, pid=0x5011)),
    ("USB://0x04b8:0x0202", dict(scheme="usb", vid=0x04B8, pid=0x0202)),
    ("tcp://192.168.1.50:9100", dict(scheme="tcp", host="192.168.1.50", port=9100)),
    ("tcp://printer.local", dict(scheme="tcp", host="printer.local", port=9100)),
    ("serial:///dev/ttyUSB0?baudrate=19200", dict(scheme="serial", path="/dev/ttyUSB0",
                                                  baudrate=19200)),
    ("serial:///dev/ttyS0", dict(scheme="serial", path="/dev/ttyS0", baudrate=9600)),
    ("file:///dev/usb/lp0", dict(scheme="file", path="/dev/usb/lp0")),
])
def test_parse(uri, expected):
    target = parse_printer_uri(uri)
    for k, v in expected.items():
        assert getattr(target, k) == v
    assert parse_printer_uri(str(target)) == target


@pytest.mark.parametrize("uri", ["", "lp0", "usb://0416", "usb://xyz:1", "usb://0:0",
                                 "tcp://:9100", "tcp://host:99999", "serial://dev/ttyUSB0",
                                 "serial:///dev/ttyUSB0?baudrate=123", "file://lp0",
                                 "ipp://printer"])
def test_refused_with_examples(uri):
    with pytest.raises(ValidationError, match="Examples"):
        parse_printer_uri(uri)
