"""Trust at the till in the window: one window per database, the lock screen
at start (wrong PIN refused, shortcuts dead behind it), a cashier's void that
needs a manager's PIN (the approver recorded and shown), the damaged-file
path offering the latest good backup, and the history-chain warning."""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.domain.lifecycle import Status  # noqa: E402
from app.services.invoices import create_and_issue  # noqa: E402
from app.services.queries import get_invoice, invoice_history  # noqa: E402
from app.trust.instance_lock import InstanceLock  # noqa: E402
from app.services.roles import login  # noqa: E402
from app.trust.staff import add_staff  # noqa: E402
from tests.conftest import draft_input  # noqa: E402


pytestmark = pytest.mark.usefixtures("fast_kdf")


@pytest.fixture
def staff(ctx):
    add_staff(ctx, "olga", "owner", "4821")
    owner = login(ctx, "olga", "4821")
    add_staff(owner, "maya", "manager", "7305")
    add_staff(owner, "cici", "cashier", "9173")
    from app.services.settings import ShopProfile, save_shop

    save_shop(owner, ShopProfile(name="Toko"))
    return owner


def start(qtbot, trust, win, worker):
    with qtbot.waitSignal(win.invoice_list.model.loaded, timeout=5000):
        trust.ready(worker.ctx, win.start)


def unlock(qtbot, trust, name, pin):
    screen = trust.lock_screen
    qtbot.waitUntil(lambda: screen.who.findData(name) >= 0, timeout=5000)
    screen.who.setCurrentIndex(screen.who.findData(name))
    screen.pin.setFocus()
    qtbot.keyClicks(screen.pin, pin)
    qtbot.keyClick(screen.pin, Qt.Key.Key_Return)


# ---------------------------------------------------------------- one window per file
def test_a_second_window_on_the_same_database_is_refused(qapp, db_path, store):
    from ui.setup.wiring import TrustWiring

    first = TrustWiring(qapp, db_path)
    assert first.acquire_lock()
    said = []
    assert not TrustWiring(qapp, db_path).acquire_lock(tell_user=said.append)
    assert "already open" in said[0] and str(db_path) in said[0]
    first.finish()
    assert InstanceLock(db_path).acquire().held  # released on the way out


def test_run_app_says_so_and_exits_when_the_database_is_open_elsewhere(qapp, db_path, store):
    from ui.app import run_app

    seen = []

    def close_box():
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, close_box)
            return
        seen.append(box.text())
        box.accept()

    with InstanceLock(db_path):
        QTimer.singleShot(20, close_box)
        assert run_app(str(db_path), "ana", "T1", ["kasir"]) == 1
    assert "already open" in seen[0]


# ---------------------------------------------------------------- the lock screen
def test_lock_screen_at_start_refuses_a_wrong_pin_and_signs_in_with_the_right_one(
        qtbot, wired, worker, staff):
    trust, win = wired
    start(qtbot, trust, win, worker)
    assert trust.locked and trust.lock_screen.isVisible()
    assert not win.centralWidget().isEnabled()
    assert trust.lock_screen.geometry() == win.rect()
    win.activateWindow()
    qtbot.keyClick(trust.lock_screen.pin, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert win.screen_name() == "list"  # Ctrl+N does nothing behind the lock

    unlock(qtbot, trust, "cici", "0000")
    qtbot.waitUntil(lambda: "Wrong PIN" in trust.lock_screen.error.text(), timeout=5000)
    assert trust.locked and worker.ctx.role is None

    unlock(qtbot, trust, "cici", "9173")
    qtbot.waitUntil(lambda: not trust.locked, timeout=5000)
    assert (worker.ctx.operator, worker.ctx.role) == ("cici", "cashier")
    assert win.operator_label.text() == "Operator cici (cashier)"
    assert win.centralWidget().isEnabled() and not trust.lock_screen.isVisible()

    # A quick switch: Ctrl+L locks, the next person signs in.
    trust.switch_button.click()
    assert trust.locked
    unlock(qtbot, trust, "maya", "7305")
    qtbot.waitUntil(lambda: not trust.locked, timeout=5000)
    assert (worker.ctx.operator, worker.ctx.role) == ("maya", "manager")


def test_idle_time_locks_the_till(qtbot, wired, worker, staff):
    trust, win = wired
    start(qtbot, trust, win, worker)
    unlock(qtbot, trust, "cici", "9173")
    qtbot.waitUntil(lambda: not trust.locked, timeout=5000)
    trust.idle.set_minutes(0.002)  # 120 ms without input
    qtbot.waitUntil(lambda: trust.locked, timeout=3000)
    assert trust.lock_screen.isVisible()


# ---------------------------------------------------------------- approvals
def _open_detail(qtbot, win, inv_id):
    win.open_invoice(inv_id)
    qtbot.waitUntil(lambda: win.detail.inv is not None and win.detail.inv.id == inv_id,
                    timeout=5000)
    return win.detail


def _void_with_reason(qtbot, detail, reason):
    detail.void()
    dlg = detail.dialog
    qtbot.keyClicks(dlg.reason, reason)
    dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()


def test_a_cashiers_void_needs_a_managers_pin_and_the_approver_is_recorded(
        qtbot, wired, worker, ctx, staff, customer):
    trust, win = wired
    inv = create_and_issue(staff, draft_input(customer.id))
    start(qtbot, trust, win, worker)
    unlock(qtbot, trust, "cici", "9173")
    qtbot.waitUntil(lambda: not trust.locked, timeout=5000)
    detail = _open_detail(qtbot, win, inv.id)

    # Cancelled: nothing changes, and the cashier is told why.
    _void_with_reason(qtbot, detail, "Salah input")
    approval = detail.approval
    qtbot.waitUntil(lambda: approval.isVisible() and approval.manager.count() == 2)
    approval.reject()
    qtbot.waitUntil(lambda: "manager's approval" in detail.banner.text(), timeout=3000)
    assert get_invoice(ctx, inv.id).status == Status.OPEN

    # A wrong PIN is refused in the dialog; the manager's PIN approves.
    _void_with_reason(qtbot, detail, "Salah input pesanan")
    approval = detail.approval
    qtbot.waitUntil(lambda: approval.manager.findData("maya") >= 0)
    assert approval.manager.findData("cici") < 0  # a cashier cannot approve
    approval.manager.setCurrentIndex(approval.manager.findData("maya"))
    qtbot.keyClicks(approval.pin, "1357")
    qtbot.keyClick(approval.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Wrong PIN" in approval.error.text(), timeout=5000)
    assert get_invoice(ctx, inv.id).status == Status.OPEN
    qtbot.keyClicks(approval.pin, "7305")
    qtbot.keyClick(approval.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: get_invoice(ctx, inv.id).status == Status.VOID, timeout=5000)
    entry = [h for h in invoice_history(ctx, inv.id) if h.action == "void"][0]
    assert (entry.operator, entry.approved_by) == ("cici", "maya")
    qtbot.waitUntil(lambda: any("approved by maya" in detail.history.item(i).text()
                                for i in range(detail.history.count())), timeout=5000)
    assert worker.ctx.approved_by is None  # the approval was for that one action


def test_a_manager_voids_without_a_dialog(qtbot, wired, worker, ctx, staff, customer):
    trust, win = wired
    inv = create_and_issue(staff, draft_input(customer.id))
    start(qtbot, trust, win, worker)
    unlock(qtbot, trust, "maya", "7305")
    qtbot.waitUntil(lambda: not trust.locked, timeout=5000)
    detail = _open_detail(qtbot, win, inv.id)
    _void_with_reason(qtbot, detail, "Dobel")
    assert detail.approval is None
    qtbot.waitUntil(lambda: get_invoice(ctx, inv.id).status == Status.VOID, timeout=5000)


# ---------------------------------------------------------------- the database file
def _corrupt_header(path):
    with open(path, "r+b") as fh:
        fh.write(b"this is not an sqlite file at all" * 4)


def test_a_damaged_database_offers_its_latest_good_backup(qtbot, qapp, tmp_path, clock):
    from app.services.context import Context, open_store
    from app.services.customers import CustomerInput, add_customer, list_customers
    from app.store.backup import make_backup
    from ui.setup.wiring import TrustWiring

    db = tmp_path / "shop.db"
    s = open_store(db)
    add_customer(Context(s, "ana", clock=clock), CustomerInput("Budi"))
    s.dispose()
    good = make_backup(db, kind="daily").path
    _corrupt_header(db)
    with pytest.raises(Exception) as opened:
        open_store(db)

    trust = TrustWiring(qapp, db)
    assert trust.acquire_lock()
    retried, gave_up = [], []
    try:
        trust.open_failed(opened.value, retry=lambda: retried.append(1),
                          give_up=lambda: gave_up.append(1))
        qtbot.waitUntil(lambda: trust.dialog is not None and trust.dialog.isVisible(),
                        timeout=10_000)
        box = trust.dialog
        assert "damaged" in box.windowTitle() and good.name in box.text()
        box.restore_button.click()
        qtbot.waitUntil(lambda: bool(retried), timeout=10_000)
        assert not gave_up and trust.lock.held
        assert list(tmp_path.glob("shop.db.damaged-*"))  # kept for whoever recovers it
        s = open_store(db)
        assert [c.name for c in list_customers(Context(s, "ana")).items] == ["Budi"]
        s.dispose()
    finally:
        trust.finish()


def test_a_database_that_opens_but_another_error_gives_up(qtbot, qapp, tmp_path, store,
                                                          db_path):
    from ui.setup.wiring import TrustWiring

    trust = TrustWiring(qapp, db_path)
    gave_up = []
    try:
        trust.open_failed(RuntimeError("x"), retry=lambda: None,
                          give_up=lambda: gave_up.append(1))
        qtbot.waitUntil(lambda: bool(gave_up), timeout=10_000)
        assert trust.dialog is None
    finally:
        trust.finish()


def test_an_altered_history_entry_is_named_after_the_first_page(qtbot, wired, worker, ctx,
                                                                customer, db_path, staff):
    trust, win = wired
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE history SET note = 'changed' WHERE id = (SELECT MIN(id) FROM history)")
    conn.commit()
    conn.close()
    start(qtbot, trust, win, worker)
    qtbot.waitUntil(lambda: trust.dialog is not None and trust.dialog.isVisible(),
                    timeout=10_000)
    assert "changed outside Kasir" in trust.dialog.windowTitle()
    assert "BROKEN" in trust.dialog.text() and "altered" in trust.dialog.text()
    trust.dialog.accept()


def test_daily_backup_after_the_first_page_and_backup_now_and_restore_in_settings(
        qtbot, wired, worker, ctx, customer, db_path, staff):
    from app.services.customers import CustomerInput, add_customer, list_customers
    from app.store.backup import list_backups

    trust, win = wired
    start(qtbot, trust, win, worker)
    qtbot.waitUntil(lambda: bool(list_backups(db_path, "daily")), timeout=10_000)
    unlock(qtbot, trust, "olga", "4821")
    qtbot.waitUntil(lambda: not trust.locked, timeout=5000)
    win.nav.setCurrentRow(win.pages.indexOf(win.settings_page))
    box = trust.settings_box
    box.backup_button.click()
    qtbot.waitUntil(lambda: bool(list_backups(db_path, "manual")), timeout=10_000)
    qtbot.waitUntil(lambda: box.backups.count() == 2, timeout=5000)
    add_customer(ctx, CustomerInput("After the backup"))

    # Restore: asks first, then closes the window; the restore runs on the way out.
    trust.app = SimpleNamespace(quit=lambda: None, removeEventFilter=lambda _f: None)
    manual = list_backups(db_path, "manual")[0].path
    box.ask_restore(str(manual))
    box.dialog.restore_button.click()
    assert trust.pending_restore == manual
    worker.ctx.store.dispose()
    said = []
    trust.finish(show=lambda title, text: said.append((title, text)))
    assert said[0][0] == "Backup restored"
    assert list_backups(db_path, "prerestore")  # today's database kept
    from app.services.context import Context, open_store

    s = open_store(db_path)
    names = [c.name for c in list_customers(Context(s, "ana")).items]
    s.dispose()
    assert "After the backup" not in names and "Budi Santoso" in names
    trust.finish = lambda **_k: None  # the fixture's finish already ran


def test_settings_open_the_staff_page_for_the_owner_only(qtbot, wired, worker, staff):
    trust, win = wired
    start(qtbot, trust, win, worker)
    unlock(qtbot, trust, "cici", "9173")
    qtbot.waitUntil(lambda: not trust.locked, timeout=5000)
    win.nav.setCurrentRow(win.pages.indexOf(win.settings_page))
    box = trust.settings_box
    box.staff_button.click()
    assert "manager or the owner" in box.banner.text() and box.dialog is None
    trust.lock_now()
    unlock(qtbot, trust, "olga", "4821")
    qtbot.waitUntil(lambda: not trust.locked, timeout=5000)
    box.staff_button.click()
    page = box.dialog.staff_page
    qtbot.waitUntil(lambda: page.table.rowCount() == 3, timeout=5000)
    box.dialog.reject()


def test_database_file_matches_the_core_without_importing_sqlalchemy(tmp_path):
    from app.store.engine import default_db_path
    from app.store.backup import sqlite_file
    from ui.setup.wiring import database_file

    assert database_file(None) == default_db_path()
    for db in (tmp_path / "a.db", f"sqlite:///{tmp_path / 'b.db'}"):
        assert database_file(db) == sqlite_file(db)
    assert database_file("postgresql://till@server/kasir") is None


def test_a_cashiers_shift_close_runs_with_the_managers_approval(qtbot, worker, ctx, staff):
    from app.reconcile.shift import close_shift
    from ui.trust.guard import run_guarded

    worker.ctx = login(ctx, "cici", "9173")
    done, refused = [], []
    dlg = run_guarded(worker, None, "shift_close", close_shift, {"IDR": 0}, "",
                      on_done=done.append, on_error=refused.append)
    qtbot.waitUntil(lambda: dlg.manager.findData("olga") >= 0, timeout=5000)
    dlg.manager.setCurrentIndex(dlg.manager.findData("olga"))
    qtbot.keyClicks(dlg.pin, "4821")
    qtbot.keyClick(dlg.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(done or refused), timeout=5000)
    assert not refused and done
    with ctx.store.reader() as uow:
        from sqlalchemy import select

        from app.store.models import HistoryEntry

        last = uow.session.execute(select(HistoryEntry.operator, HistoryEntry.approved_by)
                                   .order_by(HistoryEntry.id.desc())).first()
    assert tuple(last) == ("cici", "olga")

    # Without the dialog (a manager acting himself) it runs at once.
    worker.ctx = login(ctx, "maya", "7305")
    assert run_guarded(worker, None, "shift_close", close_shift, {"IDR": 0}, "",
                       on_done=done.append, on_error=refused.append) is None
    qtbot.waitUntil(lambda: len(done) + len(refused) == 2, timeout=5000)
    assert not refused
