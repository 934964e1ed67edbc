"""The pay step: cash with change, quick buttons, a split with references,
refusals that keep Finish disabled and store nothing, Esc, and Enter that pays,
queues the receipt and kicks the drawer when cash was taken."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.printing.queue import list_jobs
from app.services.invoices import issue
from app.services.queries import get_invoice
from app.store.models import Payment, PaymentTender

from tests.app.printing.escpos_decoder import decode
from ui.invoices.pay_step import PayStep

K = Qt.Key


def payments(ctx):
    with ctx.store.reader() as uow:
        return [(p.method, p.amount, p.cash_received, p.change)
                for p in uow.session.execute(select(Payment)).scalars()]


def tenders(ctx):
    with ctx.store.reader() as uow:
        rows = uow.session.execute(select(PaymentTender).order_by(PaymentTender.position))
        return [(t.method, t.amount, t.reference) for t in rows.scalars()]


def open_step(qtbot, ctx, worker, make_draft, printing=None, lines=(("Kopi susu", 1, 26500),)):
    inv = issue(ctx, make_draft(lines=lines).id)
    step = PayStep(inv, worker, printing)
    qtbot.addWidget(step)
    with qtbot.waitActive(step):
        step.show()
        step.activateWindow()
    return inv, step


def test_cash_with_change_shown_live_and_stored(qtbot, ctx, worker, make_draft):
    inv, step = open_step(qtbot, ctx, worker, make_draft)
    assert step.due_label.text() == "Rp 26.500"
    assert not step.finish_button.isEnabled()
    assert "exact amount" in step.reason.text()
    qtbot.keyClicks(step.cash, "100000")
    assert step.change_label.text() == "Rp 73.500"
    assert step.finish_button.isEnabled() and step.reason.text() == ""
    with qtbot.waitSignal(step.paid, timeout=5000):
        qtbot.keyClick(step.cash, K.Key_Return)
    assert payments(ctx) == [("cash", 26500, 100000, 73500)]
    assert str(get_invoice(ctx, inv.id).status) == "paid"


def test_quick_buttons_fill_the_cash_by_function_key(qtbot, ctx, worker, make_draft):
    _inv, step = open_step(qtbot, ctx, worker, make_draft)
    amounts = [a for a, _b in step.quick]
    assert amounts == [26500, 30000, 50000, 100000]  # exact, then the notes handed over
    assert step.quick[0][1].text().startswith("Exact") and "F5" in step.quick[0][1].text()
    qtbot.keyClick(step, K.Key_F7)
    assert step.cash.text() == "50.000" and step.change_label.text() == "Rp 23.500"
    step.quick[0][1].click()  # a tap on Exact
    assert step.cash.text() == "26.500" and step.change_label.text() == "Rp 0"


def test_digits_typed_anywhere_go_to_the_cash_field(qtbot, ctx, worker, make_draft):
    _inv, step = open_step(qtbot, ctx, worker, make_draft)
    step.quick[1][1].setFocus()
    qtbot.keyClicks(step.quick[1][1], "3")  # focus on a button: the digit still goes to cash
    assert step.focusWidget() is step.cash
    qtbot.keyClicks(step.focusWidget(), "0000")
    assert step.cash.text() == "30000"


def test_split_cash_and_card_with_reference(qtbot, ctx, worker, make_draft):
    inv, step = open_step(qtbot, ctx, worker, make_draft)
    edc = next(r for r in step.rows if r.method == "edc")
    edc.amount.setText("20.000")
    edc.reference.setText("EDC 4411")
    assert "still missing" in step.reason.text() and not step.finish_button.isEnabled()
    step.cash.setText("10.000")
    assert step.change_label.text() == "Rp 3.500"
    with qtbot.waitSignal(step.paid, timeout=5000):
        step.finish()
    assert tenders(ctx) == [("cash", 10000, ""), ("edc", 20000, "EDC 4411")]
    assert payments(ctx) == [("edc", 26500, 10000, 3500)]
    assert get_invoice(ctx, inv.id).amount_due == 0


def test_refusals_keep_finish_disabled_and_store_nothing(qtbot, ctx, worker, make_draft, idle):
    inv, step = open_step(qtbot, ctx, worker, make_draft)
    step.cash.setText("20.000")  # less than due
    assert not step.finish_button.isEnabled()
    assert step.reason.text().startswith("Rp 6.500 is still missing")
    step.cash.clear()
    card = next(r for r in step.rows if r.method == "edc")
    card.amount.setText("30.000")  # a card over what is due
    assert not step.finish_button.isEnabled() and "only cash gives change" in step.reason.text()
    card.amount.setText("lots")
    assert not step.finish_button.isEnabled() and card.amount.property("invalid")
    qtbot.keyClick(step.cash, K.Key_Return)  # Enter does nothing while refused
    step.finish()
    idle()
    assert payments(ctx) == [] and str(get_invoice(ctx, inv.id).status) == "open"
    qtbot.keyClick(step, K.Key_Escape)  # Esc cancels: still nothing stored
    assert not step.isVisible() and step.result() == 0
    idle()
    assert payments(ctx) == []


def test_enter_pays_queues_the_receipt_and_kicks_the_drawer_for_cash(
        qtbot, ctx, worker, make_draft, printing, loopback, printer_at):
    printer_at(print_on_pay=True, drawer_kick=True)
    # a split where the card pays the larger part: cash was still taken, the drawer opens
    _inv, step = open_step(qtbot, ctx, worker, make_draft, printing)
    next(r for r in step.rows if r.method == "edc").amount.setText("20.000")
    qtbot.keyClicks(step.cash, "10000")
    with qtbot.waitSignal(step.paid, timeout=5000):
        qtbot.keyClick(step.cash, K.Key_Return)
    qtbot.waitUntil(lambda: len(loopback.jobs) == 1, timeout=5000)
    job = list_jobs(ctx)[0]
    assert job.kind == "receipt" and job.options["drawer_kick"] is True
    decoded = decode(loopback.jobs[0])
    assert any("T1-R000001" in t for t in decoded.texts())
    assert any(c.name == "drawer" for c in decoded.commands)


def test_no_drawer_kick_without_cash(qtbot, ctx, worker, make_draft, printing, loopback,
                                     printer_at):
    printer_at(print_on_pay=True, drawer_kick=True)
    _inv, step = open_step(qtbot, ctx, worker, make_draft, printing)
    row = next(r for r in step.rows if r.method == "qris")
    row.amount.setText("26.500")
    with qtbot.waitSignal(step.paid, timeout=5000):
        qtbot.keyClick(row.amount, K.Key_Return)
    qtbot.waitUntil(lambda: len(loopback.jobs) == 1, timeout=5000)
    assert list_jobs(ctx)[0].options["drawer_kick"] is False
    assert b"\x1bp" not in loopback.jobs[0]
