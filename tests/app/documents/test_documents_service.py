"""Documents from the store: by any reference, receipts, saving, and refusals."""

import pytest

from app.documents import (render_invoice_html, render_invoice_pdf, render_receipt_html,
                           render_receipt_pdf, save_document)
from app.domain.errors import ConflictError, NotFoundError, ValidationError
from app.services.invoices import PaymentInput, issue, mark_paid
from app.services.queries import invoice_history
from app.services.settings import ShopProfile, save_shop


@pytest.fixture
def paid(ctx, make_draft):
    inv = issue(ctx, make_draft(lines=(("Es teh manis", 3, 5000),), discount=1000, tax=1500).id)
    inv, receipt = mark_paid(ctx, inv.id, PaymentInput("cash", "", None))
    return inv, receipt


def test_invoice_pdf_by_id_and_by_local_number(ctx, make_draft, kit):
    save_shop(ctx, ShopProfile(name="Warung Bu Tini", address="Jl. Kenanga 5, Yogyakarta",
                               accent_color="#1D4ED8"))
    inv = issue(ctx, make_draft(memo="Pesanan kantor").id)
    by_id = render_invoice_pdf(ctx, inv.id, tz=kit.WIB)
    assert by_id == render_invoice_pdf(ctx, inv.local_number.lower(), tz=kit.WIB)
    text = kit.text(by_id)
    for expected in ("Warung Bu Tini", "Jl. Kenanga 5, Yogyakarta", inv.local_number,
                     "Budi Santoso", "budi@example.com", "+62 812 3456 7890", "Kopi susu",
                     "Rp 36.000", "Pesanan kantor", f"Quote {inv.local_number}"):
        assert expected in text, expected


def test_letter_paper(ctx, make_draft, kit):
    inv = make_draft()
    data = render_invoice_pdf(ctx, inv.id, "LETTER")
    assert b"/MediaBox [ 0 0 612 792 ]" in data or b"/MediaBox [0 0 612 792]" in data
    assert "DRAFT" in kit.text(data, raw=True) and f"Draft #{inv.id}" in kit.text(data)


def test_receipt_by_invoice_and_by_receipt_number(ctx, paid, kit):
    inv, receipt = paid
    data = render_receipt_pdf(ctx, inv.id)
    assert data == render_receipt_pdf(ctx, receipt.number)
    assert data == render_receipt_pdf(ctx, inv.local_number, receipt_number=receipt.number)
    text = kit.text(data)
    assert receipt.number in text and inv.local_number in text and "Cash" in text
    assert "Rp 15.500" in text  # 3 x 5.000 - 1.000 + 1.500
    html = render_receipt_html(ctx, receipt.number)
    assert receipt.number in html and "Amount received" in html


def test_receipt_number_opens_the_invoice_too(ctx, paid, kit):
    inv, receipt = paid
    assert inv.local_number in kit.text(render_invoice_pdf(ctx, receipt.number))


def test_refusals(ctx, make_draft, paid):
    inv = issue(ctx, make_draft().id)
    with pytest.raises(ConflictError, match="no receipt yet"):
        render_receipt_pdf(ctx, inv.id)
    with pytest.raises(NotFoundError):
        render_invoice_pdf(ctx, "T1-999999")
    with pytest.raises(NotFoundError):
        render_receipt_pdf(ctx, "T1-R999999")
    with pytest.raises(NotFoundError, match="has no receipt"):
        render_receipt_pdf(ctx, paid[0].id, receipt_number="T1-R000777")
    with pytest.raises(ValidationError, match="a4 or letter"):
        render_invoice_pdf(ctx, inv.id, "a5")


def test_rendering_changes_nothing(ctx, paid):
    inv, _ = paid
    before = invoice_history(ctx, inv.id)
    render_invoice_pdf(ctx, inv.id)
    render_invoice_html(ctx, inv.id)
    render_receipt_pdf(ctx, inv.id)
    assert invoice_history(ctx, inv.id) == before


def test_save_document_writes_pdf_and_html(ctx, paid, tmp_path, kit):
    inv, receipt = paid
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    info = save_document(ctx, inv.id, tmp_path / "inv.pdf", paper="letter")
    assert info["format"] == "pdf" and info["pages"] == 1 and info["kind"] == "invoice"
    assert (tmp_path / "inv.pdf").read_bytes().startswith(b"%PDF-")
    info = save_document(ctx, inv.id, tmp_path / "r.html", receipt=True, html=True)
    assert info["kind"] == "receipt" and info["number"] == receipt.number
    assert receipt.number in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inv.pdf", "r.html"]  # no temp files


def test_save_refuses_a_missing_folder_and_leaves_the_old_file(ctx, paid, make_draft, tmp_path):
    inv, _ = paid
    unpaid = issue(ctx, make_draft().id)
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(ValidationError, match="does not exist"):
        save_document(ctx, inv.id, tmp_path / "nope" / "x.pdf")
    with pytest.raises(ValidationError, match="is a folder"):
        save_document(ctx, inv.id, tmp_path)
    target = tmp_path / "keep.pdf"
    target.write_bytes(b"old")
    with pytest.raises(ValidationError):
        save_document(ctx, inv.id, target, paper="a3")
    with pytest.raises(ConflictError):
        save_document(ctx, unpaid.id, target, receipt=True)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.pdf"]


def test_lazy_package_exports():
    import app.documents as docs

    assert callable(docs.render_invoice_pdf)
    with pytest.raises(AttributeError):
        docs.nope  # noqa: B018
