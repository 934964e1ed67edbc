"""The first-run wizard, end to end by keyboard, on a brand-new database:
the owner's PIN signs in, the shop is saved, and the till code numbers the
next invoice. A database with a shop (the demo) gets no wizard."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.services.settings import get_shop  # noqa: E402
from app.services.roles import login  # noqa: E402
from app.services.accounts import list_staff  # noqa: E402
from tests.conftest import draft_input  # noqa: E402


def _focus(qtbot, wizard):
    if not wizard.isActiveWindow():
        wizard.activateWindow()
        qtbot.waitUntil(wizard.isActiveWindow, timeout=2000)
    return QApplication.focusWidget()


def type_in(qtbot, wizard, text):
    qtbot.keyClicks(_focus(qtbot, wizard), text)


def press(qtbot, wizard, key):
    qtbot.keyClick(_focus(qtbot, wizard), key)


pytestmark = pytest.mark.usefixtures("fast_kdf")


def test_wizard_by_keyboard_sets_up_owner_shop_and_till(qtbot, wired, worker, ctx, settings,
                                                        customer):
    trust, win = wired
    with qtbot.waitSignal(win.invoice_list.model.loaded, timeout=5000):
        trust.ready(worker.ctx, win.start)  # the empty list paints behind the wizard
    qtbot.waitUntil(lambda: trust.wizard is not None and trust.wizard.isVisible(), timeout=5000)
    wiz = trust.wizard
    # Shop: name, Tab, address, Tab, phone, Tab, NPWP; Enter = Next.
    assert _focus(qtbot, wiz) is wiz.shop.name
    press(qtbot, wiz, Qt.Key.Key_Return)  # an empty name is refused where it is
    assert wiz.currentPage() is wiz.shop and "shop's name" in wiz.shop.errors.message("name")
    type_in(qtbot, wiz, "Toko Sinar Jaya")
    press(qtbot, wiz, Qt.Key.Key_Tab)
    type_in(qtbot, wiz, "Jl. Asia Afrika 8, Bandung")
    press(qtbot, wiz, Qt.Key.Key_Tab)
    type_in(qtbot, wiz, "022 4201234")
    press(qtbot, wiz, Qt.Key.Key_Tab)
    type_in(qtbot, wiz, "01.234.567.8-901.000")
    press(qtbot, wiz, Qt.Key.Key_Return)
    # Till: name, code, currency.
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.till)
    assert _focus(qtbot, wiz) is wiz.till.till_name
    press(qtbot, wiz, Qt.Key.Key_Tab)
    wiz.till.code.selectAll()
    type_in(qtbot, wiz, "k-2")
    press(qtbot, wiz, Qt.Key.Key_Return)  # "K-2" is not a till code
    assert wiz.currentPage() is wiz.till and wiz.till.errors.message("till_code")
    wiz.till.code.selectAll()
    type_in(qtbot, wiz, "k2")
    press(qtbot, wiz, Qt.Key.Key_Return)
    # Owner: name, shown as, PIN twice (a PIN too easy to guess is refused first).
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.owner)
    type_in(qtbot, wiz, "olga")
    press(qtbot, wiz, Qt.Key.Key_Tab)
    type_in(qtbot, wiz, "Bu Olga")
    press(qtbot, wiz, Qt.Key.Key_Tab)
    type_in(qtbot, wiz, "1234")
    press(qtbot, wiz, Qt.Key.Key_Tab)
    type_in(qtbot, wiz, "1234")
    press(qtbot, wiz, Qt.Key.Key_Return)
    assert wiz.currentPage() is wiz.owner and "too easy" in wiz.owner.errors.message("pin")
    assert wiz.owner.pin.text() == ""  # never kept after a refusal
    wiz.owner.pin.setFocus()
    type_in(qtbot, wiz, "4821")
    press(qtbot, wiz, Qt.Key.Key_Tab)
    type_in(qtbot, wiz, "4821")
    press(qtbot, wiz, Qt.Key.Key_Return)
    # Printer: skipped (empty address); Plugipay: work offline; Enter = Finish.
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.printer)
    qtbot.keyClick(wiz, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.plugipay)
    assert wiz.plugipay.mode() == "offline"
    press(qtbot, wiz, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not wiz.isVisible(), timeout=5000)

    owner = worker.ctx
    assert (owner.operator, owner.role, owner.till) == ("olga", "owner", "K2")
    assert login(ctx, "olga", "4821").role == "owner"
    assert [(s.name, s.display_name, s.role) for s in list_staff(ctx)] == [
        ("olga", "Bu Olga", "owner")]
    shop = get_shop(ctx)
    assert (shop.name, shop.address, shop.tax_id) == (
        "Toko Sinar Jaya", "Jl. Asia Afrika 8, Bandung", "01.234.567.8-901.000")
    assert settings.value("till/code") == "K2"
    assert win.till_label.text() == "Till K2" and "olga" in win.operator_label.text()
    assert trust.rules_on and not trust.locked

    from app.services.invoices import create_and_issue

    got = []
    worker.submit(lambda c: create_and_issue(c, draft_input(customer.id)), on_done=got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    assert got[0].local_number == "K2-000001" and got[0].created_by == "olga"


def test_the_next_start_uses_the_till_stored_by_the_wizard(settings):
    from ui.setup.wiring import resolve_till

    assert resolve_till("T1", settings, argv=["kasir"], environ={}) == "T1"
    settings.setValue("till/code", "K2")
    assert resolve_till("T1", settings, argv=["kasir"], environ={}) == "K2"
    assert resolve_till("T9", settings, argv=["kasir", "--till", "T9"], environ={}) == "T9"
    assert resolve_till("T7", settings, argv=["kasir"], environ={"KASIR_TILL": "T7"}) == "T7"


def test_demo_data_has_a_shop_so_no_wizard(qtbot, wired, worker, ctx):
    from app.demo import seed_demo

    seed_demo(ctx, invoices=2)
    assert get_shop(ctx).name == "Kopi Nusantara"
    trust, win = wired
    with qtbot.waitSignal(win.invoice_list.model.loaded, timeout=5000):
        trust.ready(worker.ctx, win.start)
    assert trust.wizard is None and not trust.locked and not trust.rules_on


def test_wizard_refuses_plugipay_key_without_keyring(qtbot, wired, worker, ctx, monkeypatch):
    """No OS keyring: a plain sentence on the Plugipay page, and nothing is written."""
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        trust, win = wired
        trust.ready(worker.ctx, win.start)
        qtbot.waitUntil(lambda: trust.wizard is not None and trust.wizard.isVisible())
        wiz = trust.wizard
        wiz.shop.name.setText("Toko")
        wiz.owner.name.setText("olga")
        wiz.owner.pin.setText("4821")
        wiz.owner.pin_again.setText("4821")
        for _ in range(4):
            wiz.next()
        assert wiz.currentPage() is wiz.plugipay
        wiz.plugipay.modes["connect"].setChecked(True)
        wiz.plugipay.key_id.setText("ak_live_123")
        wiz.plugipay.secret.setText("sk_live_secret")
        wiz.accept()
        qtbot.waitUntil(lambda: wiz.plugipay.general.isVisible(), timeout=5000)
        assert "password store" in wiz.plugipay.general.text()
        assert wiz.isVisible() and wiz.owner_ctx is None
        from app.setup.first_run import needs_setup

        assert needs_setup(ctx)
    finally:
        keyring.set_keyring(previous)


def test_demo_mode_starts_the_sandbox_and_stops_it_on_exit(qtbot, wired, worker, ctx,
                                                           monkeypatch, settings):
    for name in ("PLUGIPAY_KEY_ID", "PLUGIPAY_SECRET", "PLUGIPAY_BASE_URL"):
        monkeypatch.setenv(name, "x")  # restored afterwards, whatever the demo exports
        monkeypatch.delenv(name)
    trust, win = wired
    changed = []
    trust.plugipay_changed.connect(changed.append)
    trust.ready(worker.ctx, win.start)
    qtbot.waitUntil(lambda: trust.wizard is not None and trust.wizard.isVisible())
    wiz = trust.wizard
    wiz.shop.name.setText("Toko Demo")
    wiz.owner.name.setText("olga")
    wiz.owner.pin.setText("4821")
    wiz.owner.pin_again.setText("4821")
    for _ in range(4):
        wiz.next()
    wiz.plugipay.modes["demo"].setChecked(True)
    wiz.accept()
    qtbot.waitUntil(lambda: not wiz.isVisible(), timeout=30_000)
    import os

    demo = trust.demo
    assert demo is not None and demo.process.poll() is None
    assert os.environ["PLUGIPAY_BASE_URL"].startswith("http://127.0.0.1:")
    assert changed == ["demo"] and settings.value("plugipay/mode") == "demo"
    trust.finish(show=lambda *_a: None)
    assert demo.process.poll() is not None  # stopped with the window
