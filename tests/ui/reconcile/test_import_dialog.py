"""The import dialog (issue 17): a plain `date,description,amount` CSV with ISO
dates is recognised (generic columns, ISO date format), the first rows are shown
as parsed, the mapping can be adjusted, and the import uses it."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

PLAIN = ("date,description,amount,note\n"
         "2026-12-05,TRF T1-000001 BUDI SANTOSO,150000,a\n"
         "2026-12-05,BIAYA ADM,-5000,b\n"
         "2026-12-06,TRF DARI SITI AMINAH,250000,c\n")
DAY_FIRST = ("Tanggal,Keterangan,Jumlah\n"
             "05/12/2026,TRF BUDI,150.000\n"
             "06/12/2026,TRF SITI,250.000\n")


@pytest.fixture
def page(qtbot, worker, bus):
    from ui.reconcile.page import ReconcilePage

    p = ReconcilePage(worker, bus)
    qtbot.addWidget(p)
    with qtbot.waitSignal(p.loaded, timeout=5000):
        p.show()
    return p


def _dialog(qtbot, page, path):
    """The dialog the page opens for a CSV file, once its first preview is shown."""
    dlg = page.ask_mapping(str(path))
    qtbot.waitUntil(lambda: dlg.table.rowCount() > 0 or bool(dlg.error.text()), timeout=5000)
    return dlg


def _cells(dlg):
    return [[dlg.table.item(r, c).text() for c in range(3)] for r in range(dlg.table.rowCount())]


def test_plain_iso_csv_is_detected_previewed_and_imported(qtbot, page, tmp_path):
    f = tmp_path / "mutasi.csv"
    f.write_text(PLAIN)
    dlg = _dialog(qtbot, page, f)
    assert dlg.preset.text() == "Generic columns"
    assert "%Y-%m-%d" in dlg.date_note.text()
    assert dlg.columns["date_col"].currentText() == "date"
    assert dlg.columns["description_col"].currentText() == "description"
    assert dlg.columns["amount_col"].currentText() == "amount"
    rows = _cells(dlg)
    assert len(rows) == 3 and rows[0][1] == "TRF T1-000001 BUDI SANTOSO"
    assert "150.000" in rows[0][2] and "5.000" in rows[1][2]
    ok = dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()

    # The cashier picks another description column: the preview follows.
    box = dlg.columns["description_col"]
    box.setCurrentIndex(box.findData("note"))
    with qtbot.waitSignal(dlg.previewed, timeout=5000):
        box.activated.emit(box.currentIndex())
    assert [r[1] for r in _cells(dlg)] == ["a", "b", "c"]
    assert dlg.mapping().description_cols == ("note",)

    with qtbot.waitSignal(page.loaded, timeout=5000):
        ok.click()
    assert "Imported 3 new lines" in page.banner.text()
    assert page.lines.rowCount() == 2  # the two credits
    texts = {page.lines.item(r, 2).text() for r in range(page.lines.rowCount())}
    assert texts == {"a", "c"}


def test_day_first_guess_is_said_and_a_bad_mapping_is_refused_before_import(qtbot, page,
                                                                            tmp_path):
    f = tmp_path / "bank.csv"
    f.write_text(DAY_FIRST)
    dlg = _dialog(qtbot, page, f)
    assert "%d/%m/%Y" in dlg.date_note.text() and "day-first" in dlg.date_note.text()
    assert [r[1] for r in _cells(dlg)] == ["TRF BUDI", "TRF SITI"]
    box = dlg.columns["date_col"]
    box.setCurrentIndex(box.findData("Keterangan"))  # a column without dates
    with qtbot.waitSignal(dlg.previewed, timeout=5000):
        box.activated.emit(box.currentIndex())
    assert dlg.error.text() and dlg.table.rowCount() == 0
    assert not dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
