"""The print queue: stored first, printed once the bytes are written, never lost."""

from __future__ import annotations

import pytest
from escpos_decoder import decode

from app.domain.errors import ConflictError, NotFoundError, ValidationError
from app.printing.config import PrinterConfig, load_config, save_config
from app.printing.connection import PrinterConnector
from app.printing.queue import (NO_PRINTER, after_issue, after_payment, cancel_job,
                                enqueue_slip, get_job, list_jobs, pending_count, process_queue,
                                reprint_job, retry_delay)
from app.store.print_models import PrintJob


def _jobs(ctx):
    with ctx.store.reader() as uow:
        return uow.session.query(PrintJob).count()


def test_draft_and_unpaid_receipt_are_refused_and_store_nothing(ctx, make_draft, issued):
    draft = make_draft()
    with pytest.raises(ConflictError, match="draft"):
        enqueue_slip(ctx, draft.id)
    with pytest.raises(ConflictError, match="no payment"):
        enqueue_slip(ctx, issued.id, "receipt")
    with pytest.raises(NotFoundError):
        enqueue_slip(ctx, 999)
    with pytest.raises(ValidationError):
        enqueue_slip(ctx, issued.id, printer="lpt1")
    with pytest.raises(ValidationError):
        enqueue_slip(ctx, issued.id, profile="TM-T20II", columns=32)
    assert _jobs(ctx) == 0


def test_no_printer_set_up_keeps_the_job(ctx, issued, clock):
    job = enqueue_slip(ctx, issued.id)
    run = process_queue(ctx, PrinterConnector(timeout=0.5))
    assert run.failed == ((job.id, NO_PRINTER),)
    job = get_job(ctx, job.id)
    assert job.state == "pending" and job.attempts == 1 and job.last_error == NO_PRINTER
    assert job.next_attempt_at == clock() + retry_delay(1)


def test_backoff_grows_and_is_capped():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert retry_delay(50).total_seconds() == 300


def test_paper_out_keeps_job_then_prints_when_paper_is_back(ctx, issued, loopback, clock):
    save_config(ctx, PrinterConfig(uri=loopback.uri, profile="TM-T20II", columns=48))
    loopback.set_status(paper_out=True)
    first = enqueue_slip(ctx, issued.id)
    second = enqueue_slip(ctx, issued.id, reprint=True)
    run = process_queue(ctx, PrinterConnector(timeout=1))
    assert [j for j, _ in run.failed] == [first.id] and run.skipped == (second.id,)
    assert "out of paper" in get_job(ctx, first.id).last_error
    assert loopback.received == b""  # nothing sent while out of paper
    assert pending_count(ctx) == 2

    loopback.set_status(paper_out=False)
    assert process_queue(ctx, PrinterConnector(timeout=1)).printed == (second.id,)
    clock.advance(seconds=5)  # the first job's retry is due now
    assert process_queue(ctx, PrinterConnector(timeout=1)).printed == (first.id,)
    assert loopback.wait_for_jobs(2)
    printed = [decode(j).texts() for j in loopback.jobs]
    assert any(any("REPRINT" in t for t in texts) for texts in printed)
    assert all(any(t.startswith("TOTAL") for t in texts) for texts in printed)
    assert [j.state for j in list_jobs(ctx)] == ["printed", "printed"]
    assert get_job(ctx, first.id).attempts == 2


@pytest.mark.parametrize("fault,word", [({"cover_open": True}, "cover"),
                                        ({"online": False}, "offline")])
def test_cover_open_and_offline_keep_the_job(ctx, issued, loopback, fault, word):
    save_config(ctx, PrinterConfig(uri=loopback.uri, profile="TM-T88V", columns=42))
    loopback.set_status(**fault)
    job = enqueue_slip(ctx, issued.id)
    process_queue(ctx, PrinterConnector(timeout=1))
    assert word in get_job(ctx, job.id).last_error
    assert get_job(ctx, job.id).state == "pending"


def test_paper_near_end_still_prints(ctx, issued, loopback):
    save_config(ctx, PrinterConfig(uri=loopback.uri, profile="TM-T20II", columns=64))
    loopback.set_status(paper_near_end=True)
    job = enqueue_slip(ctx, issued.id)
    assert process_queue(ctx, PrinterConnector(timeout=1)).printed == (job.id,)


def test_printer_that_does_not_answer_status_still_prints(ctx, issued):
    from tests.printer_emulators import LoopbackPrinter

    with LoopbackPrinter(answers_status=False) as silent:
        save_config(ctx, PrinterConfig(uri=silent.uri, profile="TM-T20II", columns=48))
        job = enqueue_slip(ctx, issued.id)
        assert process_queue(ctx, PrinterConnector(timeout=0.3)).printed == (job.id,)
        assert silent.wait_for_jobs(1)


def test_printer_switched_off_keeps_the_job(ctx, issued, loopback, clock):
    uri = loopback.uri
    loopback.close()
    save_config(ctx, PrinterConfig(uri=uri, profile="generic-80", columns=48))
    job = enqueue_slip(ctx, issued.id)
    process_queue(ctx, PrinterConnector(timeout=0.5))
    assert "not there" in get_job(ctx, job.id).last_error
    assert get_job(ctx, job.id).state == "pending"


def test_usb_printer_path_and_faults(ctx, paid, usb, clock):
    backend, device = usb
    connector = PrinterConnector(timeout=0.5, usb_backend=backend)
    save_config(ctx, PrinterConfig(uri="usb://0416:5011", profile="POS-5890", columns=32))
    invoice, receipt = paid
    job = enqueue_slip(ctx, invoice.id, "receipt", drawer_kick=True)

    for fault, expected in (("busy", "in use"), ("access", "udev rule"),
                            ("unplugged", "not there"), ("timeout", "did not answer")):
        device.fault = fault
        assert process_queue(ctx, connector, force=True).printed == ()
        assert expected in get_job(ctx, job.id).last_error, fault
        assert get_job(ctx, job.id).state == "pending"
    device.fault = ""
    backend.devices.clear()  # unplugged
    process_queue(ctx, connector, force=True)
    assert "No USB printer usb://0416:5011" in get_job(ctx, job.id).last_error
    backend.devices.append(device)  # plugged back in

    assert process_queue(ctx, connector, force=True).printed == (job.id,)
    d = decode(bytes(device.received))
    assert any(t.endswith("T1-R000001") for t in d.texts())
    assert "drawer" in d.names() and "cut" not in d.names()
    assert get_job(ctx, job.id).attempts == 6


def test_wrong_usb_id_keeps_the_job(ctx, issued, usb):
    backend, device = usb
    save_config(ctx, PrinterConfig(uri="usb://0416:9999", profile="POS-5890", columns=42))
    job = enqueue_slip(ctx, issued.id)
    process_queue(ctx, PrinterConnector(timeout=0.5, usb_backend=backend))
    assert get_job(ctx, job.id).state == "pending"
    assert "0416:9999" in get_job(ctx, job.id).last_error
    assert device.received == bytearray()


def test_reprint_of_a_stored_job(ctx, issued, loopback, clock):
    save_config(ctx, PrinterConfig(uri=loopback.uri, profile="TM-T20II", columns=48))
    job = enqueue_slip(ctx, issued.id)
    process_queue(ctx, PrinterConnector(timeout=1))
    clock.advance(days=1)
    again = reprint_job(ctx, job.id)
    assert again.reprint and again.id != job.id and again.state == "pending"
    process_queue(ctx, PrinterConnector(timeout=1))
    assert loopback.wait_for_jobs(2)
    # Slips show local time; the clock moved a day on (23 Nov UTC, whatever the zone).
    assert any(t.strip().startswith("REPRINT 2") and "-11-2026" in t
               for t in decode(loopback.jobs[1]).texts())


def test_cancel_and_list(ctx, issued):
    a = enqueue_slip(ctx, issued.id)
    b = enqueue_slip(ctx, issued.id)
    cancel_job(ctx, a.id)
    assert [j.id for j in list_jobs(ctx, "pending")] == [b.id]
    assert [j.id for j in list_jobs(ctx, "cancelled")] == [a.id]
    with pytest.raises(ConflictError, match="not waiting"):
        cancel_job(ctx, a.id)
    with pytest.raises(ValidationError):
        list_jobs(ctx, "lost")
    assert list_jobs(ctx, invoice_id=issued.id)[0].title == "Invoice T1-000001"


def test_print_on_issue_and_pay_options(ctx, issued, paid):
    invoice, receipt = paid
    assert after_issue(ctx, invoice) is None and after_payment(ctx, invoice, receipt) is None
    save_config(ctx, PrinterConfig(print_on_issue=True, print_on_pay=True, drawer_kick=True))
    assert after_issue(ctx, invoice).kind == "invoice"
    job = after_payment(ctx, invoice, receipt)
    assert job.kind == "receipt" and job.options["drawer_kick"] is True


def test_config_roundtrip_and_refusals(ctx):
    assert load_config(ctx) == PrinterConfig()
    saved = save_config(ctx, PrinterConfig(uri="tcp://10.0.0.5", profile="tm-t88v", columns=56,
                                           codepage="cp1252"))
    assert saved.profile == "TM-T88V" and saved.codepage == "CP1252"
    assert load_config(ctx) == saved
    for bad in (PrinterConfig(columns=48), PrinterConfig(codepage="CP866"),
                PrinterConfig(uri="usb://zz"), PrinterConfig(cut="maybe"),
                PrinterConfig(timeout=0)):
        with pytest.raises(ValidationError):
            save_config(ctx, bad)
    assert load_config(ctx) == saved
