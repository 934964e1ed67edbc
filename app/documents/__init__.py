"""PDF (reportlab) and HTML renderings of invoices and receipts.

The public functions live in `app.documents.service` and are re-exported here
lazily, so importing the package (as the command line does) stays cheap.
"""

from __future__ import annotations

_EXPORTS = (
    "render_invoice_pdf", "render_receipt_pdf", "render_invoice_html", "render_receipt_html",
    "save_document", "suggested_filename", "invoice_doc", "receipt_doc", "render_doc_pdf",
    "render_doc_html", "PAPER_SIZES",
)

__all__ = list(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        from . import service  # lazy: importing the package must not load SQLAlchemy and reportlab

        return getattr(service, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
