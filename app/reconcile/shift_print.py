"""The Z report as plain slip lines (any width) and as a simple PDF."""

from __future__ import annotations

from datetime import datetime

from app.domain.labels import method_label
from app.domain.formatting import format_amount
from app.i18n import _


def _when(text: str | None) -> str:
    if not text:
        return "-"
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone().strftime(
        "%Y-%m-%d %H:%M")


def _pair(left: str, right: str, width: int) -> str:
    room = width - len(right) - 1
    if room < 1:
        return (left[:width] + "\n" + right.rjust(width))
    return left[:room].ljust(room) + " " + right


def _wrap(text: str, width: int, indent: str = "  ") -> list[str]:
    out, line = [], indent
    for word in text.split():
        if len(line) + len(word) + 1 > width and line.strip():
            out.append(line.rstrip())
            line = indent
        while len(word) > width - len(indent):
            out.append(indent + word[:width - len(indent)])
            word = word[width - len(indent):]
        line += word + " "
    if line.strip():
        out.append(line.rstrip())
    return out


def shift_report_lines(report: dict, width: int = 42) -> list[str]:
    """Plain lines, none longer than `width`, for the slip printer."""
    if width < 24:
        raise ValueError("a Z report needs at least 24 columns")
    m = format_amount
    rule = "-" * width
    title = _("Z REPORT") if report.get("state") == "closed" else _("X REPORT (shift open)")
    out = [title.center(width).rstrip(), rule,
           _pair(_("Till"), str(report.get("till")), width),
           _pair(_("Operator"), str(report.get("operator"))[:width - 10], width),
           _pair(_("From"), _when(report.get("openedAt") or report.get("from")), width),
           _pair(_("To"), _when(report.get("closedAt") or report.get("to")), width)]
    if report.get("shiftId"):
        out.insert(2, _pair(_("Shift"), f"#{report['shiftId']}", width))
    out += [rule, _pair(_("Invoices issued"), str(report.get("invoicesIssued", 0)), width)]
    for cur, t in report.get("totals", {}).items():
        out.append(_pair("  " + _("Issued {currency}", currency=cur), m(t["issued"], cur), width))
    out += [rule, _("PAYMENTS")]
    for p in report.get("payments", []):
        out.append(_pair(f"  {method_label(p['method'])} x{p['count']}",
                         m(p["amount"], p["currency"]), width))
    if not report.get("payments"):
        out.append("  " + _("none"))
    for label, key in ((_("VOIDS"), "voids"), (_("WRITE-OFFS"), "writeOffs")):
        rows = report.get(key, [])
        out += [rule, f"{label} ({len(rows)})"]
        for v in rows:
            out.append(_pair(f"  {v.get('number') or v['invoiceId']}", m(v["total"], v["currency"]),
                             width))
            out += _wrap(_("reason: {reason}", reason=v.get("reason") or "-"), width, "    ")
    refunds = report.get("refunds", [])
    if refunds:  # issue 15: refunds by method (cash ones also leave the drawer, below)
        out += [rule, _("REFUNDS")]
        for r in refunds:
            out.append(_pair("  " + _("Refunded {method}", method=method_label(r["method"])),
                             m(r["amount"], r["currency"]), width))
    out += [rule, _("TOTALS")]
    for cur, t in report.get("totals", {}).items():
        out.append(_pair("  " + _("Paid {currency}", currency=cur), m(t["paid"], cur), width))
        out.append(_pair("  " + _("Voided {currency}", currency=cur), m(t["voided"], cur), width))
        out.append(_pair("  " + _("Written off {currency}", currency=cur), m(t["writtenOff"], cur),
                         width))
        if t.get("refunded"):
            out.append(_pair("  " + _("Refunded {currency}", currency=cur), m(t["refunded"], cur),
                             width))
    out += [rule, _("CASH DRAWER")]
    for cur, c in report.get("cash", {}).items():
        out.append(_pair("  " + _("Float {currency}", currency=cur), m(c["float"], cur), width))
        if c.get("change"):  # issue 14: what was handed over, what went back
            out.append(_pair("  " + _("Cash received"), m(c["cashReceived"], cur), width))
            out.append(_pair("  " + _("Change given"), m(c["change"], cur), width))
        out.append(_pair("  " + _("Cash taken"), m(c["cashPayments"], cur), width))
        if c.get("cashRefunds"):
            out.append(_pair("  " + _("Cash refunded"), "-" + m(c["cashRefunds"], cur), width))
        out.append(_pair("  " + _("Expected"), m(c["expected"], cur), width))
        if c.get("counted") is not None:
            out.append(_pair("  " + _("Counted"), m(c["counted"], cur), width))
            diff = c["difference"]
            word = _("Over") if diff > 0 else _("Short") if diff < 0 else _("Difference")
            out.append(_pair(f"  {word}", m(abs(diff), cur), width))
    if report.get("paymentsUndone"):
        out.append(_pair(_("Bank matches undone"), str(report["paymentsUndone"]), width))
    out.append(rule)
    if report.get("state") == "closed":
        out.append(_pair(_("Closed by"), str(report.get("closedBy") or "-")[:width - 11], width))
    if report.get("chain"):  # issue 17: the history chain's head at the close
        out.append(_pair(_("History"), report["chain"], width))
    return [l for chunk in out for l in chunk.split("\n")]


def shift_report_pdf(report: dict, path) -> None:
    """A one-column A4 PDF of the same lines, in a monospaced font."""
    from reportlab.lib.pagesizes import A4  # lazy: reportlab only when a PDF is made
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    lines = shift_report_lines(report, 64)
    c = Canvas(str(path), pagesize=A4)
    c.setTitle(_("Shift report {till} {operator}", till=report.get("till"),
                 operator=report.get("operator")))
    width, height = A4
    y = height - 20 * mm
    for line in lines:
        if y < 20 * mm:
            c.showPage()
            y = height - 20 * mm
        c.setFont("Courier-Bold" if line.isupper() else "Courier", 10)
        c.drawString(20 * mm, y, line)
        y -= 5 * mm
    c.showPage()
    c.save()
