"""The same `Document` as one self-contained HTML page, for preview and e-mail.

Every piece of shop or customer text goes through `html.escape`; the accent is
a validated #RRGGBB and links are plain http(s), so nothing a user typed can
become markup, style or script. The logo travels inline as a data: URI.
"""

from __future__ import annotations

import base64
import logging
import os
from html import escape

from app.i18n import _, current_language, using_language

from .document_model import Document
from .qr_code import qr_svg

log = logging.getLogger(__name__)

MAX_LOGO_BYTES = 512 * 1024
_TONES = {"good": "#15803D", "bad": "#B91C1C", "muted": "#6B7280"}
_IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}

# Layout is tables, not flexbox: e-mail programs and Qt's rich text (the
# preview in the desktop app) understand tables and little else.
_CSS = """
body{margin:0;background:#f3f4f6;color:#111827;font-family:"DejaVu Sans","Segoe UI",Roboto,
Helvetica,Arial,sans-serif;font-size:14px}
.wrap{max-width:760px;margin:16px auto;background:#fff}
td{vertical-align:top}.inner{padding:24px 32px}
h1{font-size:22px;margin:4px 0 6px}.muted{color:#6B7280}.small{font-size:12px}
.title{color:ACCENT;font-size:30px;font-weight:bold;letter-spacing:1px}
.number{font-weight:bold;font-size:16px}
.meta td{padding:1px 0 1px 16px;font-size:12px;text-align:right}
.meta td.k{color:#6B7280;text-align:left}
.label{color:ACCENT;font-weight:bold;font-size:11px;letter-spacing:.5px}
.customer{font-weight:bold;font-size:16px}
.stamp{border:3px solid;padding:4px 14px;font-weight:bold;font-size:22px;white-space:nowrap}
.lines{border-collapse:collapse;margin-top:20px}
.lines th{background-color:ACCENT;color:#fff;font-size:11px;text-align:right;padding:6px 8px}
.lines td{border-bottom:1px solid #E5E7EB;padding:6px 8px;text-align:right;white-space:nowrap}
.lines th.d,.lines td.d{text-align:left;white-space:normal;word-break:break-word}
.notes{word-break:break-word;padding-right:24px}
.totals td{padding:3px 8px;text-align:right}.totals td.k{text-align:left;color:#6B7280}
.totals tr.strong td{font-weight:bold;font-size:16px;color:#111827;border-top:1px solid ACCENT}
.footer{border-top:1px solid #E5E7EB;padding-top:10px;text-align:center}
@media print{body{background:#fff}.wrap{margin:0}}
"""


def _logo_uri(path: str) -> str | None:
    if not path:
        return None
    try:
        if os.path.getsize(path) > MAX_LOGO_BYTES:
            log.warning("Shop logo %s is over %d bytes; left out of HTML.", path, MAX_LOGO_BYTES)
            return None
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        log.warning("Shop logo %s could not be read (%s).", path, exc)
        return None
    kind = next((t for magic, t in _IMAGE_TYPES.items() if data.startswith(magic)), None)
    if kind is None:
        return None
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _br(text: str) -> str:
    return "<br>".join(escape(line) for line in text.splitlines())


def _head(doc: Document) -> str:
    shop = doc.shop
    logo = _logo_uri(shop.logo_path)
    left = []
    if logo:
        left.append(f'<img src="{logo}" alt="{escape(shop.name)}" style="max-height:54px">')
    left.append(f"<h1>{escape(shop.name)}</h1>")
    for line in shop.address_lines + shop.contact_lines:
        left.append(f'<div class="muted small">{escape(line)}</div>')
    meta = "".join(f'<tr><td class="k">{escape(k)}</td><td align="right">{escape(v)}</td></tr>'
                   for k, v in doc.meta)
    right = (f'<div class="title">{escape(doc.title)}</div>'
             f'<div class="number">{escape(doc.number)}</div>'
             f'<table class="meta" align="right" cellspacing="0">{meta}</table>')
    return (f'<table width="100%" cellspacing="0" cellpadding="0"><tr>'
            f'<td width="55%">{"".join(left)}</td><td align="right">{right}</td></tr></table>')


def _bill_to(doc: Document) -> str:
    name, *rest = doc.bill_to
    who = "".join(f'<div class="muted">{escape(line)}</div>' for line in rest)
    stamp = ""
    if doc.stamp:
        color = _TONES.get(doc.stamp_tone, _TONES["muted"])
        stamp = (f'<span class="stamp" style="color:{color};border-color:{color}">'
                 f"{escape(doc.stamp)}</span>")
    return (f'<table width="100%" cellspacing="0" cellpadding="0" style="margin-top:22px"><tr>'
            f'<td><div class="label">{escape(_("BILL TO"))}</div><div class="customer">{escape(name)}</div>'
            f'{who}</td><td align="right" style="vertical-align:middle">{stamp}</td>'
            f"</tr></table>")


def _lines(doc: Document) -> str:
    rows = "".join(
        f'<tr><td class="d">{escape(l.description)}</td><td>{escape(l.quantity)}</td>'
        f"<td>{escape(l.unit_amount)}</td><td>{escape(l.amount)}</td></tr>" for l in doc.lines)
    if not rows:
        rows = f'<tr><td class="d muted" colspan="4">{escape(_("No items."))}</td></tr>'
    heads = "".join(f"<th>{escape(h)}</th>" for h in (_("Qty"), _("Unit price"), _("Amount")))
    return ('<table class="lines" width="100%" cellspacing="0"><thead><tr>'
            f'<th class="d">{escape(_("Description"))}</th>{heads}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def _qr_img(url: str) -> str:
    svg = base64.b64encode(qr_svg(url).encode("ascii")).decode("ascii")
    return (f'<img src="data:image/svg+xml;base64,{svg}" width="132" height="132" '
            f'alt="{escape(_("QR code of the payment link"), quote=True)}">')


def _closing(doc: Document) -> str:
    notes = "".join(f'<p><span class="label">{escape(k.upper())}</span><br>{_br(v)}</p>'
                    for k, v in doc.notes)
    if doc.hosted_url:
        url = escape(doc.hosted_url, quote=True)
        link = f'<a href="{url}">{url}</a>'
        if doc.show_qr:
            notes += (f'<table cellspacing="0" cellpadding="0"><tr><td>{_qr_img(doc.hosted_url)}'
                      f'</td><td style="padding-left:12px"><span class="label">'
                      f'{escape(_("PAY ONLINE"))}</span><br>{escape(_("Scan the code or open:"))}'
                      f'<br><span class="small">{link}</span></td>'
                      f"</tr></table>")
        else:
            notes += (f'<p><span class="label">{escape(_("ONLINE"))}</span><br>'
                      f'<span class="small">{link}</span></p>')
    totals = "".join(
        f'<tr{" class=strong" if t.strong else ""}><td class="k">{escape(t.label)}</td>'
        f'<td align="right">{escape(t.value)}</td></tr>' for t in doc.totals)
    return (f'<table width="100%" cellspacing="0" cellpadding="0" style="margin-top:18px"><tr>'
            f'<td class="notes">{notes}</td><td align="right">'
            f'<table class="totals" align="right" cellspacing="0">{totals}</table></td>'
            f"</tr></table>")


def render_html(doc: Document) -> str:
    """A complete UTF-8 HTML page (no external resources), in the document's language."""
    with using_language(doc.lang or None):
        return _render_html(doc)


def _render_html(doc: Document) -> str:
    css = _CSS.replace("ACCENT", doc.shop.accent)  # accent is a checked #RRGGBB
    title = escape(f"{doc.title.title()} {doc.number} \u2013 {doc.shop.name}")
    footer = (f'<div class="footer muted small">{_br(doc.shop.footer)}</div>'
              if doc.shop.footer else "")
    bar = (f'<tr><td bgcolor="{doc.shop.accent}" height="8" '
           f'style="background-color:{doc.shop.accent};font-size:1px">&nbsp;</td></tr>')
    return ("<!DOCTYPE html>\n"
            f'<html lang="{current_language()}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{title}</title><style>{css}</style></head><body>"
            f'<div class="wrap" data-kind="{escape(doc.kind)}">'
            f'<table width="100%" cellspacing="0" cellpadding="0">{bar}<tr><td class="inner">'
            f"{_head(doc)}{_bill_to(doc)}{_lines(doc)}{_closing(doc)}{footer}"
            "</td></tr></table></div></body></html>\n")
