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

from .document_model import Document
from .qr_code import qr_svg

log = logging.getLogger(__name__)

MAX_LOGO_BYTES = 512 * 1024
_TONES = {"good": "#15803D", "bad": "#B91C1C", "muted": "#6B7280"}
_IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}

_CSS = """
body{margin:0;background:#f3f4f6;color:#111827;font:14px/1.45 "DejaVu Sans",
"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
.page{max-width:760px;margin:16px auto;background:#fff;border-top:8px solid ACCENT;
padding:28px 32px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.head{display:flex;justify-content:space-between;gap:24px;flex-wrap:wrap}
.shop h1{font-size:22px;margin:4px 0 6px}.muted{color:#6B7280}.small{font-size:12px}
.logo{max-width:130px;max-height:54px;display:block}
.title{text-align:right}.title h2{color:ACCENT;font-size:30px;margin:0;letter-spacing:1px}
.title .number{font-weight:bold;font-size:16px;margin-bottom:8px}
table.meta td{padding:1px 0 1px 16px;font-size:12px;text-align:right}
table.meta td.k{color:#6B7280;text-align:left}
.billto{margin-top:22px;display:flex;justify-content:space-between;align-items:center}
.label{color:ACCENT;font-weight:bold;font-size:11px;letter-spacing:.5px;text-transform:uppercase}
.customer{font-weight:bold;font-size:16px}
.stamp{border:3px solid;border-radius:6px;padding:4px 14px;font-weight:bold;font-size:22px;
transform:rotate(-10deg);opacity:.8;white-space:nowrap}
table.lines{width:100%;border-collapse:collapse;margin-top:20px}
table.lines th{background:ACCENT;color:#fff;font-size:11px;text-align:right;padding:6px 8px}
table.lines td{border-bottom:1px solid #E5E7EB;padding:6px 8px;text-align:right;
vertical-align:top;white-space:nowrap}
table.lines th.d,table.lines td.d{text-align:left;white-space:normal;word-break:break-word}
.closing{display:flex;justify-content:space-between;gap:24px;margin-top:18px;flex-wrap:wrap}
.notes{flex:1;min-width:220px;word-break:break-word}.notes p{margin:0 0 10px}
table.totals{border-collapse:collapse;min-width:280px}
table.totals td{padding:3px 8px;text-align:right}table.totals td.k{text-align:left;color:#6B7280}
table.totals tr.strong td{font-weight:bold;font-size:16px;color:#111827;
border-top:1px solid ACCENT;padding-top:6px}
.qr{display:flex;gap:12px;align-items:flex-start}
.footer{border-top:1px solid #E5E7EB;margin-top:28px;padding-top:10px;text-align:center}
@media print{body{background:#fff}.page{box-shadow:none;margin:0}}
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
    parts = ['<div class="shop">']
    if logo:
        parts.append(f'<img class="logo" src="{logo}" alt="{escape(shop.name)}">')
    parts.append(f"<h1>{escape(shop.name)}</h1>")
    for line in shop.address_lines + shop.contact_lines:
        parts.append(f'<div class="muted small">{escape(line)}</div>')
    parts.append("</div>")
    meta = "".join(f'<tr><td class="k">{escape(k)}</td><td>{escape(v)}</td></tr>'
                   for k, v in doc.meta)
    parts.append(f'<div class="title"><h2>{escape(doc.title)}</h2>'
                 f'<div class="number">{escape(doc.number)}</div>'
                 f'<table class="meta">{meta}</table></div>')
    return f'<div class="head">{"".join(parts)}</div>'


def _bill_to(doc: Document) -> str:
    name, *rest = doc.bill_to
    who = "".join(f'<div class="muted">{escape(line)}</div>' for line in rest)
    stamp = ""
    if doc.stamp:
        color = _TONES.get(doc.stamp_tone, _TONES["muted"])
        stamp = f'<div class="stamp" style="color:{color}">{escape(doc.stamp)}</div>'
    return (f'<div class="billto"><div><div class="label">Bill to</div>'
            f'<div class="customer">{escape(name)}</div>{who}</div>{stamp}</div>')


def _lines(doc: Document) -> str:
    rows = "".join(
        f'<tr><td class="d">{escape(l.description)}</td><td>{escape(l.quantity)}</td>'
        f"<td>{escape(l.unit_amount)}</td><td>{escape(l.amount)}</td></tr>" for l in doc.lines)
    if not rows:
        rows = '<tr><td class="d muted" colspan="4">No items.</td></tr>'
    return ('<table class="lines"><thead><tr><th class="d">Description</th><th>Qty</th>'
            f"<th>Unit price</th><th>Amount</th></tr></thead><tbody>{rows}</tbody></table>")


def _closing(doc: Document) -> str:
    notes = "".join(f'<p><span class="label">{escape(k)}</span><br>{_br(v)}</p>'
                    for k, v in doc.notes)
    if doc.hosted_url:
        url = escape(doc.hosted_url, quote=True)
        link = f'<a href="{url}">{url}</a>'
        if doc.show_qr:
            notes += (f'<div class="qr">{qr_svg(doc.hosted_url)}<p><span class="label">'
                      f'Pay online</span><br>Scan the code or open:<br>'
                      f'<span class="small">{link}</span></p></div>')
        else:
            notes += f'<p><span class="label">Online</span><br><span class="small">{link}</span></p>'
    totals = "".join(
        f'<tr{" class=strong" if t.strong else ""}><td class="k">{escape(t.label)}</td>'
        f"<td>{escape(t.value)}</td></tr>" for t in doc.totals)
    return (f'<div class="closing"><div class="notes">{notes}</div>'
            f'<table class="totals">{totals}</table></div>')


def render_html(doc: Document) -> str:
    """A complete UTF-8 HTML page (no external resources)."""
    css = _CSS.replace("ACCENT", doc.shop.accent)  # accent is a checked #RRGGBB
    title = escape(f"{doc.title.title()} {doc.number} \u2013 {doc.shop.name}")
    footer = (f'<div class="footer muted small">{_br(doc.shop.footer)}</div>'
              if doc.shop.footer else "")
    return ("<!DOCTYPE html>\n"
            f'<html lang="id"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{title}</title><style>{css}</style></head>"
            f'<body><div class="page" data-kind="{escape(doc.kind)}">'
            f"{_head(doc)}{_bill_to(doc)}{_lines(doc)}{_closing(doc)}{footer}"
            "</div></body></html>\n")
