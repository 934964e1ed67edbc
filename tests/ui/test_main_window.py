"""The main window: navigation, status bar, remembered geometry and filters."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt

from ui.common.changes import Change
from ui.main_window import MainWindow


def test_status_bar_shows_till_operator_offline_and_pending(qtbot, customer, window, make_draft, ctx,
                                                              bus, idle):
    idle()
    assert window.till_label.text() == "Till T1"
    assert window.operator_label.text() == "Operator ana"
    assert "Offline" in window.online_label.text()
    assert window.pending_label.text() == "1 waiting to sync"  # the customer's create
    from app.services.invoices import issue
    issue(ctx, make_draft().id)
    bus.announce(Change.INVOICES | Change.OUTBOX)
    qtbot.waitUntil(lambda: window.pending_label.text() == "2 waiting to sync", timeout=3000)
    window.set_online(True)
    assert "Online" in window.online_label.text()


def test_navigation_by_shortcuts(qtbot, window, idle):
    assert window.screen_name() == "list"
    for key, name in ((Qt.Key.Key_2, "customers"), (Qt.Key.Key_3, "items"),
                      (Qt.Key.Key_4, "settings"), (Qt.Key.Key_1, "list")):
        qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)
        assert window.screen_name() == name
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.screen_name() == "editor"
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Escape)
    assert window.screen_name() == "list"
    idle()


def test_geometry_and_filters_remembered(qtbot, worker, bus, settings, customer, idle):
    win = MainWindow(worker, bus, operator="ana", till="T1", settings=settings)
    qtbot.addWidget(win)
    win.show()
    win.setGeometry(QRect(40, 50, 640, 480))
    win.start()
    win.invoice_list.status.setCurrentIndex(win.invoice_list.status.findData("paid"))
    win.invoice_list.search.setText("kopi")
    win.invoice_list.customer.pick(customer, move_on=False)
    idle()
    win.close()
    again = MainWindow(worker, bus, operator="ana", till="T1", settings=settings)
    qtbot.addWidget(again)
    assert (again.size().width(), again.size().height()) == (640, 480)
    assert again.invoice_list.status.currentData() == "paid"
    assert again.invoice_list.search.text() == "kopi"
    assert again.invoice_list.customer.edit.text() == "Budi Santoso"
    again.start()
    idle()
    assert again.invoice_list.model.query == ("paid", customer.id, "kopi")
