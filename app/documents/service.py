"""Documents for one invoice or receipt in the store: render, and save to a file.

These read only; nothing in the database changes. `ref` is anything
`app.services.queries.get_invoice` accepts, or a receipt number (`T1-R000003`).
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import tzinfo
from pathlib import Path

from sqlalchemy import select

from app.i18n import _
from app.domain.errors import ConflictError, NotFoundError, ValidationError
from app.services.customers import get_customer
from app.services.queries import get_invoice, invoice_receipts
from app.services.settings import get_print_language, get_shop
from app.store.models import Receipt

from .document_model import Document, invoice_document, receipt_document
from .html_render import render_html

PAPER_SIZES = ("a4", "letter")
_RECEIPT_NUMBER = re.compile(r"^[A-Z0-9]{1,8}-R\d+$")


def check_paper(paper: str) -> str:
    value = (paper or "").strip().lower()
    if value not in PAPER_SIZES:
        raise ValidationError(_("Paper {paper} is not known. Choose a4 or letter.",
                                paper=repr(paper)),
                              field="paper")
    return value


def _receipt_by_number(ctx, number: str):
    with ctx.store.reader() as uow:
        row = uow.session.execute(
            select(Receipt.invoice_id).where(Receipt.number == number)).first()
    if row is None:
        raise NotFoundError(_("There is no receipt {number}.", number=number), field="id")
    return row[0]


def _customer(ctx, customer_id):
    try:
        return get_customer(ctx, customer_id)
    except NotFoundError:
        return None


def invoice_doc(ctx, ref, *, tz: tzinfo | None = None) -> Document:
    text = str(ref).strip().upper() if ref is not None else ""
    if _RECEIPT_NUMBER.match(text):
        ref = _receipt_by_number(ctx, text)
    inv = get_invoice(ctx, ref)
    return invoice_document(inv, get_shop(ctx), customer=_customer(ctx, inv.customer_id), tz=tz,
                            lang=get_print_language(ctx))


def receipt_doc(ctx, ref, *, receipt_number: str | None = None,
                tz: tzinfo | None = None) -> Document:
    """The receipt named by `receipt_number` or `ref`, else the invoice's latest one."""
    text = str(ref).strip().upper() if ref is not None else ""
    if receipt_number is None and _RECEIPT_NUMBER.match(text):
        receipt_number, ref = text, _receipt_by_number(ctx, text)
    inv = get_invoice(ctx, ref)
    receipts = invoice_receipts(ctx, inv.id)
    if receipt_number is not None:
        wanted = receipt_number.strip().upper()
        chosen = next((r for r in receipts if r.number == wanted), None)
        if chosen is None:
            raise NotFoundError(_("Invoice {number} has no receipt {wanted}.",
                                  number=inv.display_number, wanted=wanted),
                                field="receipt")
    elif receipts:
        chosen = receipts[-1]
    else:
        raise ConflictError(_("Invoice {number} has no receipt yet: a receipt is issued when it "
                              "is marked paid.", number=inv.display_number), field="receipt")
    return receipt_document(inv, chosen, get_shop(ctx), customer=_customer(ctx, inv.customer_id),
                            tz=tz, lang=get_print_language(ctx))


def render_doc_pdf(doc: Document, paper: str = "a4"):
    from .pdf_render import render_pdf  # lazy: reportlab (~0.3 s) only when a PDF is made

    return render_pdf(doc, check_paper(paper))


def render_doc_html(doc: Document) -> str:
    return render_html(doc)


def render_invoice_pdf(ctx, ref, paper: str = "a4", *, tz: tzinfo | None = None) -> bytes:
    paper = check_paper(paper)
    return render_doc_pdf(invoice_doc(ctx, ref, tz=tz), paper).data


def render_receipt_pdf(ctx, ref, paper: str = "a4", *, receipt_number: str | None = None,
                       tz: tzinfo | None = None) -> bytes:
    paper = check_paper(paper)
    return render_doc_pdf(receipt_doc(ctx, ref, receipt_number=receipt_number, tz=tz),
                          paper).data


def render_invoice_html(ctx, ref, *, tz: tzinfo | None = None) -> str:
    return render_doc_html(invoice_doc(ctx, ref, tz=tz))


def render_receipt_html(ctx, ref, *, receipt_number: str | None = None,
                        tz: tzinfo | None = None) -> str:
    return render_doc_html(receipt_doc(ctx, ref, receipt_number=receipt_number, tz=tz))


def suggested_filename(doc: Document, fmt: str = "pdf") -> str:
    """`T1-000042.pdf`, `T1-R000003.html`: for save dialogs and the default of `kasir pdf`."""
    return f"{doc.file_stem}.{'html' if fmt == 'html' else 'pdf'}"


def write_file_atomically(path: str | os.PathLike, data: bytes) -> Path:
    """Write next to the target and rename: a failure never leaves half a document."""
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise ValidationError(_("{target} is a folder. Give a file name.", target=target), field="output")
    if not folder.is_dir():
        raise ValidationError(_("The folder {folder} does not exist.", folder=folder), field="output")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".kasir-", suffix=".part", dir=folder)
    except OSError as exc:
        raise ValidationError(_("Cannot write in {folder}: {reason}.",
                                folder=folder, reason=exc.strerror),
                              field="output") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise ValidationError(_("Cannot write {target}: {reason}.",
                                target=target, reason=exc.strerror), field="output") from None
    return target.resolve()


def save_document(ctx, ref, path, *, receipt: bool = False, paper: str = "a4",
                  html: bool = False, receipt_number: str | None = None,
                  tz: tzinfo | None = None) -> dict:
    """Render and write one document; returns what was written (for the CLI and the UI)."""
    paper = check_paper(paper)
    doc = (receipt_doc(ctx, ref, receipt_number=receipt_number, tz=tz)
           if receipt or receipt_number else invoice_doc(ctx, ref, tz=tz))
    if html:
        data, pages = render_doc_html(doc).encode("utf-8"), None
    else:
        result = render_doc_pdf(doc, paper)
        data, pages = result.data, result.pages
    if path is None:
        path = suggested_filename(doc, "html" if html else "pdf")
    target = write_file_atomically(path, data)
    return {"path": str(target), "format": "html" if html else "pdf", "kind": doc.kind,
            "number": doc.number, "paper": None if html else paper, "pages": pages,
            "bytes": len(data)}
