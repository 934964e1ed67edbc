"""Work-arounds for bugs of the Qt binding, in one place.

PySide6 6.12 on CPython 3.11 returns a borrowed `True` from `Signal.emit()`:
each emit from Python takes one reference away from `True`, and after a few
hundred emits the interpreter aborts ("bool_dealloc: deallocating True or
False"). `emit()` gives the reference back, and only where the bug exists
(probed once at import).
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    ping = Signal()


def _emit_steals_a_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(4):
        probe.ping.emit()
    stolen = before - sys.getrefcount(True)
    if stolen > 0:
        for _ in range(stolen):  # repair what the probe took
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return stolen >= 4


EMIT_STEALS = _emit_steals_a_reference()


def emit(signal, *args) -> None:
    """`signal.emit(*args)`, safe on bindings that miscount the result's references."""
    result = signal.emit(*args)
    if EMIT_STEALS and isinstance(result, bool):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))


# The same binding returns a borrowed None from every void method (QLabel.setText,
# QWidget.update, QPainter.drawRect...): each call takes a reference from None, and a
# till that ran some thousands of them aborted ("none_dealloc: deallocating None").
# CPython 3.12 made None, True and False immortal; where the bug exists, give them a
# reference count no run can use up (ob_refcnt is a PyObject's first field).
def _void_call_steals_none() -> bool:
    probe = _Probe()
    before = sys.getrefcount(None)
    for _ in range(8):
        probe.setObjectName("probe")
    return before - sys.getrefcount(None) >= 8


if sys.version_info < (3, 12) and _void_call_steals_none():
    for _obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(_obj)).value += 1 << 40
