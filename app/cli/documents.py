"""`kasir pdf ID [--receipt] [--paper a4|letter] [--html] [-o FILE]`.

Module-level imports stay cheap: reportlab and the store load only when the
command runs.
"""

from __future__ import annotations

import sys

from app.domain.errors import ValidationError
from app.i18n import _, _n


def _credit_note(args, env, paper, html, output) -> dict:
    """Issue 15: the credit note of a refund (`ID` a refund number, or an invoice
    and --refund, default its latest refund), saved like the other documents."""
    from app.cli.refunds import refund_ref
    from app.documents.credit_note import credit_note_doc
    from app.documents.service import (render_doc_html, render_doc_pdf, suggested_filename,
                                       write_file_atomically)

    doc = credit_note_doc(env.ctx, refund_ref(env.ctx, args.id, args.refund))
    if html:
        data, pages = render_doc_html(doc).encode("utf-8"), None
    else:
        result = render_doc_pdf(doc, paper)
        data, pages = result.data, result.pages
    if output == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return {}
    target = write_file_atomically(output or suggested_filename(doc, "html" if html else "pdf"),
                                   data)
    return {"path": str(target), "format": "html" if html else "pdf", "kind": doc.kind,
            "number": doc.number, "paper": None if html else paper, "pages": pages,
            "bytes": len(data)}


def cmd_pdf(args, env):
    from app.documents.service import check_paper, save_document

    paper = check_paper(args.paper)
    output = args.output
    html = bool(args.html) or (output not in (None, "-")
                               and output.lower().endswith((".html", ".htm")))
    if args.credit_note or args.refund:
        if args.receipt or args.receipt_number:
            raise ValidationError(_("Choose --receipt or --credit-note, not both."),
                                  field="credit_note")
        if output == "-" and env.json:
            raise ValidationError(_("--json and '-o -' both want standard output. Choose one."),
                                  field="output")
        info = _credit_note(args, env, paper, html, output)
        if output == "-":
            return 0
    elif output == "-":
        return _to_stdout(args, env, paper, html)
    else:
        info = save_document(env.ctx, args.id, output, receipt=args.receipt, paper=paper,
                             html=html, receipt_number=args.receipt_number)
    size = paper.upper() if paper == "a4" else "Letter"
    if html:
        fmt = "HTML"
    elif info["pages"]:
        fmt = _n("PDF ({size}, {n} page)", "PDF ({size}, {n} pages)", info["pages"], size=size)
    else:
        fmt = f"PDF ({size})"
    if info["kind"] == "credit_note":
        return info, _("Credit note {number} saved as {format}: {path}", number=info["number"],
                       format=fmt, path=info["path"])
    if info["kind"] == "receipt":
        return info, _("Receipt {number} saved as {format}: {path}", number=info["number"],
                       format=fmt, path=info["path"])
    return info, _("Invoice {number} saved as {format}: {path}", number=info["number"],
                   format=fmt, path=info["path"])


def _to_stdout(args, env, paper, html):
    from app.documents.service import invoice_doc, receipt_doc, render_doc_html, render_doc_pdf

    if env.json:
        raise ValidationError(_("--json and '-o -' both want standard output. Choose one."),
                              field="output")
    doc = (receipt_doc(env.ctx, args.id, receipt_number=args.receipt_number)
           if args.receipt or args.receipt_number else invoice_doc(env.ctx, args.id))
    data = render_doc_html(doc).encode("utf-8") if html else render_doc_pdf(doc, paper).data
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0


def register(subparsers, common) -> None:
    p = subparsers.add_parser(
        "pdf", parents=[common], help="save an invoice or receipt as PDF (or HTML)",
        description="Save an invoice, or its receipt with --receipt, as a PDF on A4 or Letter "
                    "paper, or as an HTML page with --html (or an -o name ending in .html). "
                    "ID is an invoice id or number, or a receipt number like T1-R000003.")
    p.add_argument("id", metavar="ID")
    p.add_argument("--receipt", action="store_true",
                   help="the receipt of a paid invoice instead of the invoice")
    p.add_argument("--receipt-number", metavar="NUMBER",
                   help="which receipt, when an invoice has more than one (default: the latest)")
    p.add_argument("--credit-note", action="store_true",
                   help="the credit note of a refund: ID is a refund number (T1-F000001) or "
                        "an invoice (its latest refund)")
    p.add_argument("--refund", metavar="NUMBER", help="which refund's credit note")
    p.add_argument("--paper", default="a4", metavar="a4|letter", help="paper size (default a4)")
    p.add_argument("--html", action="store_true", help="write HTML instead of PDF")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="file to write ('-' for standard output; default: the document's "
                        "number, e.g. T1-000042.pdf, in the current folder)")
    p.set_defaults(handler=cmd_pdf)
