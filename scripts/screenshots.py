"""Render the main screens offscreen with demo data into docs/images/*.png.

    python scripts/screenshots.py [--out docs/images]

Uses a throw-away database seeded by app.demo, and a throw-away QSettings.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZE = (1280, 800)


def wait(app, worker, seconds: float = 10.0) -> None:
    """Process events until the DB worker is idle (and debounce timers have fired)."""
    deadline = time.monotonic() + seconds
    settle = time.monotonic() + 0.4
    while time.monotonic() < deadline:
        app.processEvents()
        if worker.is_idle() and time.monotonic() > settle:
            return
        time.sleep(0.01)


def shoot(app, window, worker, path: Path) -> None:
    wait(app, worker)
    window.grab().save(str(path))
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    parser.add_argument("--only-qr", action="store_true",
                        help="only the QR collect dialog and the customer display")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.demo import seed_demo
    from app.i18n import set_language
    from app.services.context import Context, open_store
    from app.services.queries import InvoiceQuery, list_invoices
    from ui.common.changes import ChangeBus
    from ui.main_window import MainWindow
    from ui.printing.queue import PrintQueue
    from ui.common.worker import DbWorker

    tmp = Path(tempfile.mkdtemp(prefix="kasir-shots-"))
    store = open_store(tmp / "demo.db")
    ctx = Context(store, operator="ana", till="T1")
    seed_demo(ctx, invoices=60)

    app = QApplication.instance() or QApplication(["kasir"])
    from ui.common.language import install_qt_translator

    install_qt_translator(app)
    set_language("en")  # the README's shots are in English; one more in Indonesian at the end
    worker = DbWorker(ctx)
    printing = PrintQueue(worker)
    printing.worker.ctx = ctx
    settings = QSettings(str(tmp / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(worker, ChangeBus(), operator="ana", till="T1",
                        db_label=str(tmp / "demo.db"), settings=settings, printing=printing)
    window.show()
    window.resize(*SIZE)
    window.start()
    try:
        if args.only_qr:
            _qr_shots(app, ctx, worker, out, tmp)
            return 0
        shoot(app, window, worker, out / "invoice-list.png")

        paid = list_invoices(ctx, InvoiceQuery(status="paid", limit=1)).items
        if paid:
            window.open_invoice(paid[0].id)
            shoot(app, window, worker, out / "invoice-detail.png")

        window.new_invoice()
        editor = window.editor
        customer_name = "Budi"
        editor.customer.edit.setText(customer_name)
        editor.customer._lookup()
        wait(app, worker)
        if editor.customer.matches.count():
            editor.customer.pick(editor.customer.matches.item(0).data(256), move_on=False)
        rows = editor.lines.rows
        rows[0].set_texts(("Kopi susu gula aren", "2", "18.000"))
        editor.lines.add_row(("Roti bakar cokelat keju", "1", "25.000"), focus=False)
        editor.lines.add_row(focus=False)
        editor.discount.setText("5.000")
        editor.memo.setText("Meja 4")
        editor.pay_now.setChecked(True)
        editor.lines.rows[-1].desc.setFocus()
        shoot(app, window, worker, out / "invoice-editor.png")

        window.back_to_list()
        window.nav.setCurrentRow(1)
        shoot(app, window, worker, out / "customers.png")
        window.nav.setCurrentRow(2)
        shoot(app, window, worker, out / "items.png")

        # Printer settings with the slip preview (an 80 mm printer, 48 columns).
        from app.printing.config import PrinterConfig, save_config
        save_config(ctx, PrinterConfig(uri="usb://0416:5011", profile="TM-T20II", columns=48,
                                       print_on_pay=True))
        window.nav.setCurrentRow(3)
        page = window.settings_page
        wait(app, worker)
        page.layout().itemAt(0).widget().ensureWidgetVisible(page.printer)
        shoot(app, window, worker, out / "slip-preview.png")

        window.nav.setCurrentRow(4)
        _bank_statement(ctx, window.reconcile, tmp)
        shoot(app, window, worker, out / "reconcile.png")
        window.nav.setCurrentRow(5)
        shoot(app, window, worker, out / "close-shift.png")

        _favourites(ctx)
        _counter(app, window, worker, ctx, out, "")

        _qr_shots(app, ctx, worker, out, tmp)

        window.editor._reset()  # nothing typed: the editor is rebuilt in the new language too
        set_language("id")  # as Settings › Language does: the screens rebuilt in Indonesian
        window.nav.setCurrentRow(0)
        window.retranslate()
        shoot(app, window, worker, out / "invoice-list-id.png")
        _counter(app, window, worker, ctx, out, "-id")
        set_language("en")
    finally:
        window.close()
        printing.stop()
        worker.stop()
        store.dispose()
    return 0


FAVOURITES = {"8991002101234": "Minuman", "8991002105678": "Minuman",
              "8996001600122": "Minuman", "8992761111111": "Makanan",
              "8998866200011": "Makanan", "KUE-LAPIS": "Makanan", "BIJI-250": "Biji kopi"}


def _favourites(ctx) -> None:
    """Some demo items as favourites in categories: the sale screen's grid."""
    from app.services.items import ItemInput, edit_item, find_by_code

    for code, category in FAVOURITES.items():
        item = find_by_code(ctx, code)
        if item is not None:
            edit_item(ctx, item.id, ItemInput(item.code, item.name, item.unit_amount,
                                              item.currency, favourite=True, category=category))


def _counter(app, window, worker, ctx, out: Path, suffix: str) -> None:
    """The sale screen with two scanned lines, then the pay step with cash typed."""
    from app.services.items import find_by_code

    window.new_invoice()
    editor = window.editor
    wait(app, worker)
    for code in ("8991002101234", "8991002101234", "8992761111111"):
        editor.lines.add_item(find_by_code(ctx, code))
    editor.shift_box.hide()
    editor.favourites.setCurrentIndex(editor.favourites.count() - 1)
    shoot(app, window, worker, out / f"sale-screen{suffix}.png")

    editor.save(issue=True, then_pay=True)
    wait(app, worker)
    step = editor.pay_dialog
    if step is None:
        return
    step.resize(620, 520)
    step.cash.setText("100.000")
    wait(app, worker)
    path = out / f"pay-step{suffix}.png"
    step.grab().save(str(path))
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    step.reject()
    wait(app, worker)

def _qr_shots(app, ctx, worker, out: Path, tmp: Path) -> None:
    """Issue 16: the QR collect dialog and the customer display, against an in-process
    sandbox (gateway adapter), for an open rupiah invoice of the demo."""
    from app.sandbox import SandboxConfig, SandboxServer
    from app.services.queries import InvoiceQuery, list_invoices
    from app.services.settings import save_print_language
    from ui.common.changes import ChangeBus
    from ui.display.customer_display import CustomerDisplay, DisplayFollower
    from ui.invoices.qr_collect import QrCollectDialog

    server = SandboxServer(SandboxConfig(db_path=str(tmp / "sandbox.db"))).start()
    os.environ.update(PLUGIPAY_KEY_ID=server.app.config.key_id,
                      PLUGIPAY_SECRET=server.app.config.secret, PLUGIPAY_BASE_URL=server.url)
    save_print_language(ctx, "id")
    inv = next(i for i in list_invoices(ctx, InvoiceQuery(status="open", limit=50)).items
               if i.currency == "IDR")
    bus = ChangeBus()
    display = CustomerDisplay()
    follower = DisplayFollower(display, worker, bus, display)
    display.resize(1024, 600)
    display.show()
    follower.show_invoice(inv.id)
    wait(app, worker)
    display.grab().save(str(out / "customer-display.png"))
    print("wrote customer-display (the sale)")
    dialog = QrCollectDialog(worker, bus, inv.id, None, None)
    follower.follow_dialog(dialog)
    dialog.resize(480, 640)
    dialog.show()
    deadline = time.monotonic() + 15
    while (dialog.rec is None or not dialog.qr.payload) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    wait(app, worker)
    dialog.grab().save(str(out / "qr-collect.png"))
    display.grab().save(str(out / "customer-display-qr.png"))
    print("wrote qr-collect.png, customer-display-qr.png")
    dialog.cancel()
    deadline = time.monotonic() + 15
    while dialog.isVisible() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    display.close()
    server.stop()


def _bank_statement(ctx, page, tmp: Path) -> None:
    """A BCA statement paying two of the demo's open invoices (one by its number)."""
    from app.services.queries import InvoiceQuery, list_invoices

    # A rupiah statement pays rupiah invoices: skip the demo's dollar ones.
    open_ = [inv for inv in list_invoices(ctx, InvoiceQuery(status="open", limit=20)).items
             if inv.currency == "IDR"][:3]
    rows = ["Tanggal Transaksi,Keterangan,Cabang,Jumlah,Saldo"]
    day = ctx.now().strftime("%d/%m/%Y")
    for i, inv in enumerate(open_):
        memo = f"TRF {inv.local_number} {inv.customer_name.upper()}" if i == 0 else \
            f"TRF DARI {inv.customer_name.upper()}"
        rows.append(f'{day},{memo},0000,"{inv.amount_due:,}.00 CR",')
    rows.append(f'{day},BIAYA ADM,0000,"5,000.00 DB",')
    path = tmp / "bca.csv"
    path.write_text("\n".join(rows) + "\n")
    page.import_file(str(path))


if __name__ == "__main__":
    raise SystemExit(main())
