"""The serial path: a pseudo-terminal stands in for the RS-232 cable (the edge of
the machine); pyserial and python-escpos talk to it for real."""

import os
import pty
import threading
import tty

import pytest

from app.printing.config import PrinterConfig, save_config
from app.printing.connection import PrinterConnector
from app.printing.queue import enqueue_slip, get_job, pending_count, process_queue
from app.printing.status import PrinterStatus
from tests.app.printing.escpos_decoder import decode
from tests.printer_emulators import status_answer

pytest.importorskip("serial")


class PtyPrinter:
    """The far end of the cable: records bytes, answers DLE EOT status queries."""

    def __init__(self, status: PrinterStatus | None = None):
        self.master, slave = pty.openpty()
        tty.setraw(slave)
        self.path = os.ttyname(slave)
        self._slave = slave  # kept open so the device stays there between connections
        self.status = status or PrinterStatus()
        self.data = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        import select

        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            # A cable has no packets: queries may arrive glued together.
            while chunk:
                head = chunk[:3]
                answer = status_answer(head, self.status) if len(head) == 3 else None
                if answer is not None:
                    os.write(self.master, answer)
                    chunk = chunk[3:]
                else:
                    self.data += chunk
                    chunk = b""

    def received(self, settle: float = 0.3, limit: float = 10.0) -> bytes:
        """The bytes that came down the cable, once they stop coming (the reader
        thread may still be draining the pty when the sender returns)."""
        import time

        deadline, last, since = time.monotonic() + limit, -1, time.monotonic()
        while time.monotonic() < deadline:
            size = len(self.data)
            if size != last:
                last, since = size, time.monotonic()
            elif size and time.monotonic() - since >= settle:
                break
            time.sleep(0.02)
        return bytes(self.data)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        os.close(self.master)
        os.close(self._slave)


@pytest.fixture
def pty_printer():
    p = PtyPrinter()
    yield p
    p.close()


def test_a_slip_goes_down_the_serial_cable(ctx, issued, pty_printer):
    save_config(ctx, PrinterConfig(uri=f"serial://{pty_printer.path}?baudrate=9600",
                                   profile="POS-5890", columns=32))
    job = enqueue_slip(ctx, issued.id)
    run = process_queue(ctx, PrinterConnector(timeout=2))
    assert run.printed == (job.id,), get_job(ctx, job.id).last_error
    texts = decode(pty_printer.received()).texts()
    assert any(t.startswith("TOTAL") for t in texts) and issued.local_number in " ".join(texts)
    assert all(len(t) <= 32 for t in texts)


def test_serial_paper_out_keeps_the_job(ctx, issued, pty_printer):
    from dataclasses import replace
    pty_printer.status = replace(pty_printer.status, paper_out=True)
    save_config(ctx, PrinterConfig(uri=f"serial://{pty_printer.path}?baudrate=9600",
                                   profile="POS-5890", columns=32))
    job = enqueue_slip(ctx, issued.id)
    run = process_queue(ctx, PrinterConnector(timeout=2))
    assert [j for j, _ in run.failed] == [job.id] and pending_count(ctx) == 1
    assert "paper" in get_job(ctx, job.id).last_error


def test_missing_serial_device_says_so_and_keeps_the_job(ctx, issued):
    save_config(ctx, PrinterConfig(uri="serial:///dev/ttyKASIRNONE?baudrate=9600",
                                   profile="POS-5890", columns=32))
    job = enqueue_slip(ctx, issued.id)
    run = process_queue(ctx, PrinterConnector(timeout=1))
    assert [j for j, _ in run.failed] == [job.id] and pending_count(ctx) == 1
    assert get_job(ctx, job.id).last_error
