"""The reconciliation screen: lines, suggestions, confirm by keyboard, auto-match, undo."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from app.domain.validation import DraftInput, LineInput
from app.services.customers import CustomerInput, add_customer
from app.services.invoices import create_and_issue
from app.services.queries import get_invoice

D = date(2026, 11, 23)


def bca(rows) -> bytes:
    out = ["Tanggal Transaksi,Keterangan,Cabang,Jumlah,Saldo"]
    for desc, amount in rows:
        out.append(f'{D:%d/%m/%Y},{desc},0000,"{abs(amount):,}.00 {"CR" if amount > 0 else "DB"}",')
    return ("\n".join(out) + "\n").encode()


@pytest.fixture
def data(ctx, clock, tmp_path):
    budi = add_customer(ctx, CustomerInput("Budi Santoso"))
    siti = add_customer(ctx, CustomerInput("Siti Aminah"))
    inv = [create_and_issue(ctx, DraftInput(c, "IDR", (LineInput("x", 1, a),), 0, 0,
                                            clock() + timedelta(days=10), ""))
           for c, a in ((budi.id, 150_000), (siti.id, 150_000), (siti.id, 300_000))]
    clock.advance(days=1)
    f = tmp_path / "bca.csv"
    f.write_bytes(bca([("TRF T1-000001 BUDI SANTOSO", 150_000), ("TRF DARI SITI AMINAH", 150_000),
                       ("BIAYA ADM", -5_000), ("TRF T1-000003 SITI", 250_000)]))
    return {"inv": inv, "file": f}


@pytest.fixture
def page(qtbot, worker, bus, data):
    from ui.reconcile.page import ReconcilePage

    p = ReconcilePage(worker, bus)
    qtbot.addWidget(p)
    p.resize(1100, 700)
    with qtbot.waitSignal(p.loaded, timeout=5000):
        p.show()
    return p


def load(qtbot, page, action):
    with qtbot.waitSignal(page.loaded, timeout=5000):
        action()


def test_import_lists_credits_and_unpaid_invoices(qtbot, page, data):
    assert page.lines.rowCount() == 0 and page.unpaid.rowCount() == 3
    load(qtbot, page, lambda: page.import_file(str(data["file"]), "bca"))
    assert "Imported 4 new lines" in page.banner.text()
    assert page.lines.rowCount() == 3  # the debit is not listed
    assert page.suggestions.rowCount() >= 1
    assert page.suggestions.item(0, 1).text() == "T1-000001"
    assert page.unpaid_label.text() == "Unpaid invoices (3)"


def test_confirm_by_keyboard(qtbot, page, data, ctx):
    load(qtbot, page, lambda: page.import_file(str(data["file"]), "bca"))
    page.lines.setFocus()
    page.lines.selectRow(0)
    with qtbot.waitSignal(page.confirmed, timeout=5000):
        qtbot.keyClick(page.lines, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.lines.rowCount() == 2, timeout=5000)
    assert get_invoice(ctx, data["inv"][0].id).status.value == "paid"
    assert "receipt T1-R000001" in page.banner.text()


def test_short_payment_is_not_confirmed(qtbot, page, data, ctx):
    load(qtbot, page, lambda: page.import_file(str(data["file"]), "bca"))
    row = next(r for r in range(page.lines.rowCount())
               if "T1-000003" in page.lines.item(r, 2).text())
    page.lines.selectRow(row)
    assert page.lines.item(row, 3).text() == "Pays too little"
    assert not page.confirm_button.isEnabled()
    page.confirm_selected()
    assert "not confirmed" in page.banner.text()
    assert get_invoice(ctx, data["inv"][2].id).status.value == "open"


def test_auto_match_then_undo(qtbot, page, data, ctx, idle):
    load(qtbot, page, lambda: page.import_file(str(data["file"]), "bca"))
    load(qtbot, page, page.auto_match)
    assert "Auto-matched 1 of 3" in page.banner.text() and "T1-000001" in page.banner.text()
    load(qtbot, page, lambda: page.show_matched.setChecked(True))
    row = next(r for r in range(page.lines.rowCount())
               if page.lines.item(r, 3).text() == "Matched")
    page.lines.selectRow(row)
    line_id = page.selected_line_id()
    page.undo(line_id, "", "oops")
    idle()
    assert page.banner.kind == "error" and "manager" in page.banner.text()
    load(qtbot, page, lambda: page.undo(line_id, "Pak Manajer", "wrong"))
    assert "unpaid again" in page.banner.text()
    assert get_invoice(ctx, data["inv"][0].id).status.value == "open"


def test_bad_file_shows_a_clear_message(qtbot, page, tmp_path, worker, idle):
    bad = tmp_path / "bad.csv"
    bad.write_text("nothing useful here\n")
    page.import_file(str(bad), "bca")
    idle()
    assert page.banner.kind == "error" and "header" in page.banner.text()
