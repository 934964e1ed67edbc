"""The QR collect dialog against the real sandbox (pytest-qt): it shows the QR, closes by
itself when the buyer pays (the invoice paid once, the receipt queued for printing),
Cancel cancels the session, and with the manual adapter the cashier confirms the claim
after seeing its proof. Measures "from a sandbox charge to the invoice shown paid"."""

from __future__ import annotations

import time

import pytest

from app.printing.config import PrinterConfig, save_config
from app.printing.queue import list_jobs
from app.services.invoices import issue
from app.services.queries import get_invoice, invoice_receipts
from ui.invoices.qr_collect import QrCollectDialog, qr_unavailable_reason


@pytest.fixture
def plugipay_env(sandbox, memory_keyring, monkeypatch):
    monkeypatch.setenv("PLUGIPAY_KEY_ID", sandbox.key_id)
    monkeypatch.setenv("PLUGIPAY_SECRET", sandbox.secret)
    monkeypatch.setenv("PLUGIPAY_BASE_URL", sandbox.base_url)
    return sandbox


@pytest.fixture
def open_invoice(ctx, make_draft):
    return issue(ctx, make_draft().id)


def _dialog(qtbot, worker, bus, invoice_id, **kw):
    dialog = QrCollectDialog(worker, bus, invoice_id, None, None, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.rec is not None and bool(dialog.rec.session_id), timeout=10000)
    return dialog


def test_the_dialog_closes_by_itself_when_the_sandbox_pays(qtbot, ctx, worker, bus,
                                                           plugipay_env, open_invoice):
    plugipay_env.set_adapter("midtrans")
    save_config(ctx, PrinterConfig(print_on_pay=True))  # no printer yet: the slip waits
    dialog = _dialog(qtbot, worker, bus, open_invoice.id)
    assert dialog.qr.payload and "Rp" in dialog.amount.text()
    assert "Expires in" in dialog.countdown.text()
    plugipay_env.pay_session(dialog.rec.session_id)
    charged = time.monotonic()
    with qtbot.waitSignal(dialog.paid, timeout=10000):
        pass
    seconds = time.monotonic() - charged
    print(f"\nfrom a sandbox charge to the invoice shown paid at the till: {seconds:.2f} s")
    assert seconds < 6  # generous; the poll is every 2 s
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert get_invoice(ctx, open_invoice.id).status == "paid"
    (receipt,) = invoice_receipts(ctx, open_invoice.id)
    assert receipt.method == "qris" and receipt.reference == dialog.rec.session_id
    qtbot.waitUntil(lambda: any(j.kind == "receipt" for j in list_jobs(ctx)), timeout=5000)


def test_cancel_cancels_the_session_and_pays_nothing(qtbot, ctx, worker, bus, plugipay_env,
                                                     open_invoice):
    plugipay_env.set_adapter("midtrans")
    dialog = _dialog(qtbot, worker, bus, open_invoice.id)
    session_id = dialog.rec.session_id
    with qtbot.waitSignal(dialog.ended, timeout=10000) as ended:
        dialog.cancel_button.click()
    assert ended.args == ["canceled"]
    assert not dialog.isVisible()
    assert plugipay_env.client().checkout_sessions.get(session_id).raw["status"] == "canceled"
    assert get_invoice(ctx, open_invoice.id).status == "open"


def test_manual_adapter_shows_the_proof_and_the_cashier_confirms(qtbot, ctx, worker, bus,
                                                                 plugipay_env, open_invoice):
    plugipay_env.set_adapter("manual")
    dialog = _dialog(qtbot, worker, bus, open_invoice.id, poll_ms=200)
    plugipay_env.pay_session(dialog.rec.session_id)  # the buyer's claim, with a proof image
    qtbot.waitUntil(lambda: dialog.confirm_button.isVisible(), timeout=10000)
    assert dialog.proof.isVisible() and not dialog.proof.pixmap().isNull()
    with qtbot.waitSignal(dialog.paid, timeout=10000):
        dialog.confirm_button.click()
    assert get_invoice(ctx, open_invoice.id).status == "paid"


def test_offline_the_dialog_says_why_and_nothing_changes(qtbot, ctx, worker, bus,
                                                         memory_keyring, monkeypatch,
                                                         open_invoice):
    monkeypatch.setenv("PLUGIPAY_KEY_ID", "ak_test_x")
    monkeypatch.setenv("PLUGIPAY_SECRET", "sk_test_y")
    monkeypatch.setenv("PLUGIPAY_BASE_URL", "http://127.0.0.1:9")
    dialog = QrCollectDialog(worker, bus, open_invoice.id, None, None)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.ended, timeout=10000) as ended:
        dialog.show()
    assert ended.args == ["unavailable"]
    assert "cannot be reached" in dialog.status.text()
    assert get_invoice(ctx, open_invoice.id).status == "open"
    dialog.cancel_button.click()


def test_the_qr_choice_says_why_it_is_unavailable():
    class Status:
        def __init__(self, state):
            self.state = state

    class Sync:
        def __init__(self, state):
            self.status = Status(state)

    assert "Settings" in qr_unavailable_reason(None)
    assert "cannot be reached" in qr_unavailable_reason(Sync("offline"))
    assert qr_unavailable_reason(Sync("idle")) == ""


def test_an_expired_qr_says_so_and_the_cashier_closes_it(qtbot, ctx, worker, bus,
                                                         plugipay_env, open_invoice):
    plugipay_env.set_adapter("midtrans")
    dialog = _dialog(qtbot, worker, bus, open_invoice.id, poll_ms=100)
    plugipay_env.set_faults(clock_skew=3600)  # Plugipay's clock passes the expiry
    try:
        with qtbot.waitSignal(dialog.ended, timeout=10000) as ended:
            pass
    finally:
        plugipay_env.set_faults(clock_skew=0)
    assert ended.args == ["expired"]
    assert dialog.isVisible() and "expired" in dialog.status.text() and not dialog.qr.payload
    dialog.cancel_button.click()
    assert not dialog.isVisible()
    assert get_invoice(ctx, open_invoice.id).status == "open"


def test_from_the_invoice_detail_f11_collects_and_the_detail_shows_paid(
        qtbot, ctx, worker, bus, settings, plugipay_env, make_draft, sync_bridge):
    """The window as `kasir` builds it (sync bridge attached): F11 on an open invoice."""
    from PySide6.QtCore import Qt

    from app.domain.lifecycle import Action
    from ui.main_window import MainWindow

    plugipay_env.set_adapter("midtrans")
    win = MainWindow(worker, bus, operator="ana", till="T1", db_label="test.db",
                     settings=settings, sync=sync_bridge)
    qtbot.addWidget(win)
    win.show()
    inv = issue(ctx, make_draft().id)
    win.open_invoice(inv.id)
    detail = win.detail
    qtbot.waitUntil(lambda: detail.inv is not None and detail.inv.id == inv.id, timeout=5000)
    assert detail.qr_button.isEnabled() and detail.buttons[Action.PAY].isEnabled()
    opened = []
    detail.qr_opened.connect(opened.append)
    qtbot.keyClick(detail, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    dialog = opened[0]
    qtbot.waitUntil(lambda: dialog.rec is not None and bool(dialog.rec.session_id), timeout=10000)
    plugipay_env.pay_session(dialog.rec.session_id)
    qtbot.waitUntil(lambda: detail.inv.status == "paid", timeout=10000)
    qtbot.waitUntil(lambda: "Paid by QR" in detail.banner.text(), timeout=5000)
    assert not detail.qr_button.isEnabled()


def test_the_pay_step_offers_qr_and_the_sale_turns_paid_by_itself(
        qtbot, ctx, worker, bus, settings, plugipay_env, make_draft, sync_bridge):
    """Issue 16: "QR" in the pay step hands the sale to the QR dialog (nothing stored by the
    step itself); the buyer pays and the detail shows the invoice paid by QRIS."""
    from PySide6.QtCore import Qt

    from ui.main_window import MainWindow

    plugipay_env.set_adapter("midtrans")
    win = MainWindow(worker, bus, operator="ana", till="T1", db_label="test.db",
                     settings=settings, sync=sync_bridge)
    qtbot.addWidget(win)
    win.show()
    inv = issue(ctx, make_draft().id)
    win.open_invoice(inv.id)
    detail = win.detail
    qtbot.waitUntil(lambda: detail.inv is not None and detail.inv.id == inv.id, timeout=5000)
    opened = []
    detail.qr_opened.connect(opened.append)
    detail.pay()
    step = detail.dialog
    qtbot.waitUntil(step.isVisible, timeout=3000)
    assert step.qr_button.isVisible() and step.qr_button.isEnabled()
    qtbot.mouseClick(step.qr_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    assert not step.isVisible() and get_invoice(ctx, inv.id).status == "open"
    dialog = opened[0]
    qtbot.waitUntil(lambda: dialog.rec is not None and bool(dialog.rec.session_id), timeout=10000)
    plugipay_env.pay_session(dialog.rec.session_id)
    qtbot.waitUntil(lambda: detail.inv.status == "paid", timeout=10000)
    pays = get_invoice(ctx, inv.id)
    assert pays.status == "paid" and pays.amount_paid == pays.total


def test_offline_the_pay_step_shows_qr_disabled_with_the_reason(qtbot, worker, ctx, make_draft):
    from PySide6.QtCore import Qt

    from ui.invoices.pay_step import PayStep

    inv = issue(ctx, make_draft().id)
    reason = qr_unavailable_reason(None)
    step = PayStep(inv, worker, None, None, qr_reason=reason)
    qtbot.addWidget(step)
    step.show()
    asked = []
    step.qr_requested.connect(lambda: asked.append(1))
    assert step.qr_button.isVisible() and not step.qr_button.isEnabled()
    assert step.qr_button.toolTip() == reason
    qtbot.keyClick(step, Qt.Key.Key_F11)
    assert asked == [] and step.isVisible()
    no_qr = PayStep(inv, worker, None, None)
    qtbot.addWidget(no_qr)
    assert not no_qr.qr_button.isVisibleTo(no_qr)
