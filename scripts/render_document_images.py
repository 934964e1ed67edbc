"""Render the README's picture of a PDF invoice: docs/images/invoice-pdf.png.

    python scripts/render_document_images.py [--out docs/images] [--dpi 90]

Draws a demo invoice (fixed data, no database) with app.documents and turns
page 1 into PNG with pypdfium2 (from the package index, in the test extras: the
same renderer the reference-image tests use). Also writes receipt-pdf.png beside it.
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.documents.document_model import invoice_document, receipt_document  # noqa: E402
from app.documents.pdf_render import render_pdf  # noqa: E402
from app.domain.lifecycle import Status  # noqa: E402
from app.domain.records import InvoiceRecord, LineRecord, ReceiptRecord  # noqa: E402
from app.services.settings import ShopProfile  # noqa: E402

WIB = timezone(timedelta(hours=7), "WIB")
T0 = datetime(2026, 11, 22, 3, 15, tzinfo=timezone.utc)


def demo_records():
    lines = tuple(LineRecord(d, q, u, q * u) for d, q, u in (
        ("Kopi susu gula aren (es, 500 ml)", 4, 22000),
        ("Roti bakar cokelat keju", 2, 18000),
        ("Biji kopi Gayo Arabika, sangrai medium \u2014 250 g", 1, 95000),
        ("Croissant au beurre", 3, 21000),
    ))
    subtotal = sum(l.amount for l in lines)
    discount, tax = 10000, 22000
    total = subtotal - discount + tax
    inv = InvoiceRecord(
        id=42, till="T1", local_number="T1-000042", plugipay_id="in_8Hq2vXk3",
        number="INV-2026-017",
        hosted_url="https://pay.plugipay.com/i/in_8Hq2vXk3", customer_id=3,
        customer_name="CV Maju Bersama", customer_email="keuangan@majubersama.co.id",
        currency="IDR", status=Status.OPEN, stored_status="open", subtotal=subtotal,
        discount=discount, tax=tax, total=total, amount_paid=0, due_at=T0 + timedelta(days=14),
        issued_at=T0, paid_at=None, voided_at=None, written_off_at=None, reason="",
        memo="Pesanan rapat kantor, Jumat pagi", sync_state="synced", created_by="ana",
        created_at=T0, updated_at=T0, lines=lines)
    shop = ShopProfile(name="Toko Kopi Sejahtera", address="Jl. Braga No. 17\nBandung 40111",
                       phone="+62 22 4201 777", tax_id="01.234.567.8-423.000",
                       footer="Terima kasih atas kunjungan Anda \u2014 sampai jumpa lagi!")
    return inv, shop


def png_of_page_one(pdf: bytes, dpi: int) -> bytes:
    try:
        import pypdfium2 as pdfium
    except ImportError:
        sys.exit("pypdfium2 is missing: pip install -e '.[test]' (or pip install pypdfium2).")
    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[0].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        doc.close()
    buf = io.BytesIO()
    image.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "docs" / "images"))
    ap.add_argument("--dpi", type=int, default=90)
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    inv, shop = demo_records()
    invoice = render_pdf(invoice_document(inv, shop, tz=WIB), "a4").data
    (out / "invoice-pdf.png").write_bytes(png_of_page_one(invoice, args.dpi))

    paid_at = T0 + timedelta(hours=2)
    paid = InvoiceRecord(**{**inv.__dict__, "status": Status.PAID, "stored_status": "paid",
                            "amount_paid": inv.total, "paid_at": paid_at})
    receipt = ReceiptRecord(1, "T1-R000019", inv.id, 1, inv.total, "IDR", "transfer",
                            "BCA 4410 MAJU BERSAMA", "ana", paid_at)
    pdf = render_pdf(receipt_document(paid, receipt, shop, tz=WIB), "a4").data
    (out / "receipt-pdf.png").write_bytes(png_of_page_one(pdf, args.dpi))
    print(f"wrote {out / 'invoice-pdf.png'} and {out / 'receipt-pdf.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
