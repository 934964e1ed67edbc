"""A slip laid out as lines of a given column count (32, 42, 48, 56 or 64).

Text is folded to the printer's code page first (see `encoding.fold`), so one
character is one column and no line can run past the edge. Amounts are never
split across lines: when a label and its amount do not fit together, the
amount goes right-aligned on a line of its own.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo

from app.domain.formatting import format_amount
from app.i18n import N_, _, gettext, using_language
from app.domain.labels import method_label, shop_footer
from app.domain.refunds import reason_label

from .encoding import FoldReport, fold
from .slip_model import Slip

# English msgids; a slip prints in the language chosen when it is laid out (at print time).
LABELS = {
    "invoice": N_("INVOICE"), "receipt": N_("RECEIPT"), "test": N_("PRINTER TEST"),
    "reprint": N_("REPRINT"), "number": N_("No."), "plugipay": N_("Plugipay no."),
    "date": N_("Date"), "operator": N_("Cashier"), "customer": N_("Customer"),
    "subtotal": N_("Subtotal"), "discount": N_("Discount"), "tax": N_("Tax"),
    "total": N_("TOTAL"), "paid": N_("Amount paid"), "due": N_("Amount due"),
    "due_at": N_("Due date"), "memo": N_("Memo"), "quote": N_("Transfer note:"),
    "receipt_no": N_("Receipt no."), "method": N_("Method"), "reference": N_("Reference"),
    "amount": N_("Amount"), "scan": N_("Scan to pay"), "phone": N_("Tel."), "tax_id": N_("Tax id"),
    "status_void": N_("*** VOID ***"), "status_uncollectible": N_("*** WRITTEN OFF ***"),
    "status_paid": N_("PAID"),
    "refund": N_("REFUND"), "refund_no": N_("Refund no."), "invoice_no": N_("Invoice no."),
    "returned": N_("Returned"), "given_back": N_("GIVEN BACK"), "reason": N_("Reason"),
    "approved": N_("Approved by"), "refunded": N_("Refunded in all"), "signature": N_("Signature"),
}


class _Labels:
    """LABELS in the current language: `L["date"]` -> `Tanggal`."""

    def __getitem__(self, key: str) -> str:
        return gettext(LABELS[key])


@dataclass(frozen=True)
class Text:
    text: str  # folded and padded: exactly what prints, never longer than the width
    bold: bool = False
    tall: bool = False  # double height (the width stays the same)


@dataclass(frozen=True)
class Qr:
    data: str


@dataclass(frozen=True)
class Logo:
    path: str


Block = Text | Qr | Logo


def local_time(iso_text: str, tz: tzinfo | None) -> str:
    if not iso_text:
        return ""
    dt = datetime.fromisoformat(iso_text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    dt = dt.astimezone(tz) if tz is not None else dt.astimezone()
    return dt.strftime("%d-%m-%Y %H:%M")


class _Builder:
    def __init__(self, columns: int, codepage: str, report: FoldReport):
        self.w = columns
        self.cp = codepage
        self.report = report
        self.blocks: list[Block] = []

    def f(self, text: str) -> str:
        return fold(text, self.cp, self.report)

    def wrap(self, text: str, width: int | None = None) -> list[str]:
        width = width or self.w
        out = []
        for para in self.f(text).split("\n") if text else []:
            out += textwrap.wrap(para, width, break_long_words=True, break_on_hyphens=False,
                                 drop_whitespace=True) or [""]
        return out

    def line(self, text: str = "", *, bold=False, tall=False) -> None:
        assert len(text) <= self.w, (text, self.w)
        self.blocks.append(Text(text.rstrip(), bold, tall))

    def para(self, text: str, *, center=False, bold=False, tall=False) -> None:
        for part in self.wrap(text):
            self.line(part.center(self.w).rstrip() if center else part, bold=bold, tall=tall)

    def pair(self, left: str, right: str, *, bold=False, tall=False) -> None:
        """`left` then `right` flush right; the right part is never split."""
        left, right = self.f(left), self.f(right)
        if len(right) > self.w:  # cannot happen for amounts; keep a reference whole-ish
            self.para(left, bold=bold)
            self.para(right, bold=bold)
            return
        if len(left) + 1 + len(right) <= self.w:
            self.line(left + " " * (self.w - len(left) - len(right)) + right, bold=bold, tall=tall)
            return
        for part in self.wrap(left):
            self.line(part, bold=bold, tall=tall)
        self.line(right.rjust(self.w), bold=bold, tall=tall)

    def rule(self, ch: str = "-") -> None:
        self.line(ch * self.w)


def layout_slip(slip: Slip, columns: int, codepage: str = "CP858", *, tz: tzinfo | None = None,
                report: FoldReport | None = None, lang: str | None = None) -> list[Block]:
    """The slip as blocks: text lines (already within `columns`), QR and logo, every
    word in one language: `lang`, else the slip's (the shop's), else the current one."""
    with using_language(lang or slip.lang or None):
        return _layout(slip, columns, codepage, tz=tz, report=report)


def _layout(slip: Slip, columns: int, codepage: str, *, tz: tzinfo | None,
            report: FoldReport | None) -> list[Block]:
    b = _Builder(columns, codepage, report if report is not None else FoldReport())
    money = lambda amount: format_amount(amount, slip.currency)  # noqa: E731
    L = _Labels()
    shop = slip.shop
    if shop.logo_path:
        b.blocks.append(Logo(shop.logo_path))
    b.para(shop.name, center=True, bold=True, tall=True)
    if shop.address:
        b.para(shop.address, center=True)
    if shop.phone:
        b.para(f"{L['phone']} {shop.phone}", center=True)
    if shop.tax_id:
        b.para(f"{L['tax_id']} {shop.tax_id}", center=True)
    b.rule("=")
    b.para(L[slip.kind], center=True, bold=True)
    if slip.reprint_at:
        b.para(f"{L['reprint']} {local_time(slip.reprint_at, tz)}", center=True, bold=True)
    if slip.status in ("void", "uncollectible"):
        b.para(L["status_" + slip.status], center=True, bold=True)
    if slip.kind == "test":
        for extra in slip.extra:
            b.para(extra)
        b.rule()
        b.line("".join(str(i % 10) for i in range(1, columns + 1)))
        b.para(_("{columns} columns", columns=columns), center=True)
        b.blocks.append(Qr(slip.hosted_url))
        _footer(b, slip)
        return b.blocks
    b.rule()
    if slip.refund:
        _refund(b, slip, L, money, tz)
        _footer(b, slip)
        return b.blocks
    if slip.payment:
        b.pair(L["receipt_no"], slip.payment.receipt_number)
    b.pair(L["number"], slip.local_number, bold=True)
    if slip.plugipay_number:
        b.pair(L["plugipay"], slip.plugipay_number)
    b.pair(L["date"], local_time(slip.at, tz))
    if slip.operator:
        b.pair(L["operator"], slip.operator)
    if slip.customer:
        b.pair(L["customer"], slip.customer)
    b.rule()
    for item in slip.lines:
        b.para(item.description)
        b.pair(f"  {item.quantity} x {money(item.unit_amount)}", money(item.amount))
    b.rule()
    b.pair(L["subtotal"], money(slip.subtotal))
    if slip.discount:
        b.pair(L["discount"], "-" + money(slip.discount))
    if slip.tax:
        b.pair(L["tax"], money(slip.tax))
    b.pair(L["total"], money(slip.total), bold=True, tall=True)
    if slip.payment:
        p = slip.payment
        b.rule()
        b.pair(L["paid"], money(p.amount), bold=True)
        b.pair(L["method"], method_label(p.method))
        if p.reference:
            b.pair(L["reference"], p.reference)
        b.pair(L["date"], local_time(p.paid_at, tz))
        if slip.amount_due > 0:
            b.pair(L["due"], money(slip.amount_due), bold=True)
        else:
            b.para(L["status_paid"], center=True, bold=True)
    else:
        b.pair(L["paid"], money(slip.amount_paid))
        b.pair(L["due"], money(slip.amount_due), bold=True)
        if slip.due_at:
            b.pair(L["due_at"], local_time(slip.due_at, tz)[:10])
        if slip.memo:
            b.rule()
            b.para(f"{L['memo']}: {slip.memo}")
        if slip.amount_due > 0 and slip.status not in ("void", "uncollectible"):
            b.rule()
            b.para(L["quote"], center=True)
            b.para(slip.transfer_reference, center=True, bold=True, tall=True)
            if slip.hosted_url:
                b.para(L["scan"], center=True)
                b.blocks.append(Qr(slip.hosted_url))
    _footer(b, slip)
    return b.blocks


def _refund(b: _Builder, slip: Slip, L: _Labels, money, tz) -> None:
    """The refund slip: which invoice, what came back, how the money went back."""
    r = slip.refund
    b.pair(L["refund_no"], r.number, bold=True)
    b.pair(L["invoice_no"], slip.local_number)
    if slip.plugipay_number:
        b.pair(L["plugipay"], slip.plugipay_number)
    b.pair(L["date"], local_time(slip.at, tz))
    b.pair(L["operator"], r.operator)
    if r.approved_by:
        b.pair(L["approved"], r.approved_by)
    if slip.customer:
        b.pair(L["customer"], slip.customer)
    if slip.lines:
        b.rule()
        b.para(L["returned"], bold=True)
        for item in slip.lines:
            b.para(item.description)
            b.pair(f"  {item.quantity} x {money(item.unit_amount)}", money(item.amount))
    b.rule()
    b.pair(L["given_back"], money(r.amount), bold=True, tall=True)
    b.pair(L["method"], method_label(r.method))
    b.pair(L["reason"], reason_label(r.reason))
    if r.note:
        b.para(f"{L['memo']}: {r.note}")
    b.pair(L["total"], money(slip.total))
    b.pair(L["refunded"], money(r.refunded_total))
    b.rule()
    b.line()
    b.pair(L["signature"], "_" * min(16, b.w // 2))


def _footer(b: _Builder, slip: Slip) -> None:
    b.rule()
    footer = shop_footer(slip.shop.footer)  # empty: thanks, in the slip's language
    if footer:
        b.para(footer, center=True)
    if slip.chain:  # issue 17: the history's head, an anchor outside the database
        b.para(slip.chain, center=True)


def render_slip_lines(slip: Slip, columns: int, codepage: str = "CP858", *,
                      tz: tzinfo | None = None, lang: str | None = None) -> list[str]:
    """Plain text lines for an on-screen preview; the QR code shows as a marker line."""
    out = []
    for block in layout_slip(slip, columns, codepage, tz=tz, lang=lang):
        if isinstance(block, Text):
            out.append(block.text)
        elif isinstance(block, Qr):
            out.append("[QR]".center(columns).rstrip())
    return out
