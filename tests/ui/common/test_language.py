"""The screens in Bahasa Indonesia: built in it at start-up, and switched live from Settings."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app import i18n
from app.services.invoices import PaymentInput, issue, mark_paid
from app.services.settings import get_language
from ui.invoices.list import Columns
from ui.common.language import (CACHE_KEY, apply_at_startup, cached_choice, install_qt_translator,
                                remember, sync_from_database)
from ui.main_window import MainWindow


@pytest.fixture
def no_forced_language(monkeypatch):
    """As on a shop's computer: no KASIR_LANG, an English system."""
    monkeypatch.delenv("KASIR_LANG", raising=False)
    for var in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    yield
    i18n.set_language("en")


@pytest.fixture
def paid_invoice(ctx, make_draft):
    inv = make_draft(lines=(("Meja kasir jati", 1, 1_500_000),),
                     due_at=datetime(2026, 12, 1, 16, tzinfo=timezone.utc))
    issue(ctx, inv.id)
    mark_paid(ctx, inv.id, PaymentInput("transfer", "BCA 0112"))
    return inv


def _window(qtbot, worker, bus, settings):
    win = MainWindow(worker, bus, operator="ana", till="T1", db_label="test.db",
                     settings=settings)
    qtbot.addWidget(win)
    win.show()
    win.start()
    qtbot.waitUntil(lambda: win.invoice_list.model.rowCount() > 0, timeout=5000)
    return win


def test_the_window_starts_in_indonesian(qtbot, qapp, worker, bus, settings, paid_invoice,
                                         no_forced_language, idle):
    remember(settings, "id")  # chosen earlier in Settings on this computer
    assert apply_at_startup(settings) == "id"
    install_qt_translator(qapp)
    win = _window(qtbot, worker, bus, settings)
    idle()
    nav = [win.nav.item(i).text() for i in range(win.nav.count())]
    assert nav[0] == "Faktur   Ctrl+1" and nav[1].startswith("Pelanggan")
    assert nav[3].startswith("Pengaturan") and nav[5].startswith("Tutup shift")
    model = win.invoice_list.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in Columns]
    assert headers[Columns.LOCAL_NUMBER] == "Nomor" and headers[Columns.CUSTOMER] == "Pelanggan"
    assert headers[Columns.AMOUNT_DUE] == "Sisa tagihan" and headers[Columns.DUE_DATE] == "Jatuh tempo"
    row = {c: model.index(0, c).data() for c in Columns}
    assert row[Columns.STATUS] == "Lunas"
    assert row[Columns.TOTAL] == "Rp 1.500.000"
    assert row[Columns.DUE_DATE] == "1 Desember 2026"
    assert win.invoice_list.new_button.text() == "Faktur baru (Ctrl+N)"
    assert win.invoice_list.status.itemText(0) == "Semua status"
    assert win.till_label.text() == "Kasir T1" and "Offline" in win.online_label.text()
    assert win.pending_label.text().endswith("menunggu sinkron")
    # the detail: its dates and method in Indonesian too
    win.open_invoice(paid_invoice.id)
    qtbot.waitUntil(lambda: win.detail.inv is not None, timeout=5000)
    idle()
    info = win.detail.info.text()
    assert "Jatuh tempo 1 Desember 2026" in info and "Transfer bank" in info
    assert win.detail.chip.text() == "Lunas"
    assert win.detail.buttons and win.detail.back.text() == "Kembali ke daftar (Esc)"
    # Qt's own button words come from our catalogue (PySide6 ships no Indonesian .qm)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                           | QDialogButtonBox.StandardButton.Cancel)
    assert sorted(b.text() for b in box.buttons()) == ["Batal", "Simpan"]


def test_switching_the_language_in_settings_rebuilds_the_screens(
        qtbot, qapp, ctx, worker, bus, settings, paid_invoice, no_forced_language, idle):
    assert apply_at_startup(settings) == "en"  # nothing chosen yet: the (English) system
    win = _window(qtbot, worker, bus, settings)
    win.nav.setCurrentRow(3)
    page = win.settings_page
    idle()
    box = page.language
    assert box.combo.currentData() == "" and box.combo.itemText(0) == "System language"
    assert win.nav.item(0).text().startswith("Invoices")

    box.combo.setCurrentIndex(box.combo.findData("id"))
    box._chosen(box.combo.currentIndex())  # what choosing it in the list does
    qtbot.waitUntil(lambda: win.nav.item(0).text().startswith("Faktur"), timeout=5000)
    idle()
    assert get_language(ctx) == "id" and settings.value(CACHE_KEY) == "id"
    assert win.screen_name() == "settings"  # still on Settings, rebuilt in Indonesian
    new_page = win.settings_page
    assert new_page is not page and new_page.language.combo.currentData() == "id"
    assert new_page.save_button.text() == "Simpan (Ctrl+S)"
    qtbot.waitUntil(lambda: win.invoice_list.model.rowCount() > 0, timeout=5000)
    assert win.invoice_list.model.index(0, Columns.STATUS).data() == "Lunas"
    assert win.invoice_list.model.index(0, Columns.DUE_DATE).data() == "1 Desember 2026"
    assert win.till_label.text() == "Kasir T1"

    box = new_page.language  # back to the system's language (English here)
    box.combo.setCurrentIndex(box.combo.findData(""))
    box._chosen(box.combo.currentIndex())
    qtbot.waitUntil(lambda: win.nav.item(0).text().startswith("Invoices"), timeout=5000)
    idle()
    assert get_language(ctx) is None and cached_choice(settings) is None
    assert win.invoice_list.model.index(0, Columns.STATUS).data() == "Paid"


def test_a_choice_made_on_another_till_is_taken_from_the_database(settings, no_forced_language):
    calls = []
    remember(settings, None)
    apply_at_startup(settings)
    assert not sync_from_database(settings, None, lambda: calls.append(1))
    assert sync_from_database(settings, "id", lambda: calls.append(1))
    assert calls == [1] and i18n.current_language() == "id" and cached_choice(settings) == "id"


def test_kasir_lang_wins_over_the_choice(settings, monkeypatch):
    monkeypatch.setenv("KASIR_LANG", "en")
    remember(settings, "id")
    assert apply_at_startup(settings) == "en"
