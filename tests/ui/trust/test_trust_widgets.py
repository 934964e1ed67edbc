"""The lock screen, the idle lock, the approval dialog and the staff page."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.services.roles import login  # noqa: E402
from app.services.accounts import list_staff  # noqa: E402
from app.trust.staff import add_staff  # noqa: E402
from ui.trust.approval_dialog import ApprovalDialog  # noqa: E402
from ui.trust.lock_screen import IdleLock, LockScreen  # noqa: E402
from ui.trust.staff_page import StaffPage  # noqa: E402


pytestmark = pytest.mark.usefixtures("fast_kdf")


@pytest.fixture
def shop(ctx):
    add_staff(ctx, "olga", "owner", "4821")
    owner = login(ctx, "olga", "4821")
    add_staff(owner, "maya", "manager", "7305")
    add_staff(owner, "cici", "cashier", "9173")
    return owner


def test_lock_screen_unlocks_with_the_right_pin_only(qtbot, ctx, shop):
    screen = LockScreen(ctx)
    qtbot.addWidget(screen)
    got = []
    screen.unlocked.connect(got.append)
    assert screen.who.count() == 3
    screen.who.setCurrentIndex(screen.who.findData("cici"))
    qtbot.keyClicks(screen.pin, "0000")
    qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
    assert got == [] and "Wrong PIN" in screen.error.text() and screen.pin.text() == ""
    qtbot.keyClicks(screen.pin, "91a73")  # letters are not taken
    assert screen.pin.text() == "9173"
    qtbot.mouseClick(screen.unlock_button, Qt.MouseButton.LeftButton)
    assert len(got) == 1 and (got[0].operator, got[0].role) == ("cici", "cashier")
    assert screen.pin.text() == ""


def test_idle_lock_fires_after_quiet_and_input_postpones_it(qtbot):
    idle = IdleLock(QApplication.instance(), minutes=0.002)  # 120 ms
    try:
        with qtbot.waitSignal(idle.idle, timeout=2000):
            pass
        fired = []
        idle.idle.connect(lambda: fired.append(1))
        idle.set_minutes(0)  # off
        qtbot.wait(300)
        assert fired == []
    finally:
        idle.stop()


def test_approval_dialog(qtbot, shop, ctx):
    cashier = login(ctx, "cici", "9173")
    dlg = ApprovalDialog(cashier, "void")
    qtbot.addWidget(dlg)
    names = [dlg.manager.itemData(i) for i in range(dlg.manager.count())]
    assert sorted(names) == ["maya", "olga"]  # cashiers cannot approve
    dlg.manager.setCurrentIndex(dlg.manager.findData("maya"))
    qtbot.keyClicks(dlg.pin, "1111")
    dlg.submit()
    assert dlg.approved_ctx is None and "Wrong PIN" in dlg.error.text()
    qtbot.keyClicks(dlg.pin, "7305")
    dlg.submit()
    assert dlg.approved_ctx.approved_by == "maya" and dlg.approved_ctx.operator == "cici"
    assert dlg.result() == ApprovalDialog.DialogCode.Accepted


def test_staff_page_first_run_then_manage(qtbot, ctx):
    page = StaffPage(ctx)
    qtbot.addWidget(page)
    assert page.first_run and "owner" in page.banner.text() and not page.role.isEnabled()
    qtbot.keyClicks(page.name, "olga")
    qtbot.keyClicks(page.new_pin, "4821")
    qtbot.keyClicks(page.new_pin2, "4822")
    page.add()
    assert "differ" in page.error.text() and list_staff(ctx) == []
    qtbot.keyClicks(page.new_pin, "4821")
    qtbot.keyClicks(page.new_pin2, "4821")
    changed = []
    page.changed.connect(lambda: changed.append(1))
    page.add()
    assert changed == [1], page.error.text()
    assert [s.role for s in list_staff(ctx)] == ["owner"] and page.table.rowCount() == 1

    owner_page = StaffPage(login(ctx, "olga", "4821"))
    qtbot.addWidget(owner_page)
    assert not owner_page.first_run and owner_page.role.isEnabled()
    qtbot.keyClicks(owner_page.name, "cici")
    owner_page.role.setCurrentIndex(owner_page.role.findData("cashier"))
    qtbot.keyClicks(owner_page.new_pin, "9173")
    qtbot.keyClicks(owner_page.new_pin2, "9173")
    owner_page.add()
    assert owner_page.table.rowCount() == 2
    owner_page.table.selectRow([owner_page.table.item(i, 0).text()
                                for i in range(2)].index("cici"))
    owner_page.reset_pin("13579")
    login(ctx, "cici", "13579")
    owner_page.disable()
    assert [s.active for s in list_staff(ctx) if s.name == "cici"] == [False]

    cashier_page = StaffPage(login(ctx, "olga", "4821"))  # still the owner
    qtbot.addWidget(cashier_page)
    cashier_page.table.selectRow(0)
    cashier_page.disable()  # the only owner
    assert "only owner" in cashier_page.error.text() or "already disabled" in cashier_page.error.text()
