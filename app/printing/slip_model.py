"""What a slip says, gathered from the invoice, its receipts and the shop.

A `Slip` is a plain snapshot: the print queue stores it as JSON when the job
is made, so a slip printed an hour later (printer out of paper) still shows
what was true when it was asked for, and a reprint says when it was reprinted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime

from app.i18n import _
from app.domain.errors import ConflictError, NotFoundError, ValidationError
from app.domain.labels import METHOD_LABELS
from app.services.audit import chain_code
from app.services.queries import get_invoice, invoice_receipts
from app.services.settings import get_print_language, get_shop

KINDS = ("invoice", "receipt")

PAYMENT_LABELS = METHOD_LABELS  # English msgids; print them with app.domain.labels.method_label


@dataclass(frozen=True)
class SlipShop:
    name: str
    address: str = ""
    phone: str = ""
    tax_id: str = ""
    footer: str = ""
    logo_path: str = ""


@dataclass(frozen=True)
class SlipLine:
    description: str
    quantity: int
    unit_amount: int
    amount: int


@dataclass(frozen=True)
class SlipPayment:
    receipt_number: str
    amount: int
    method: str  # transfer | cash | edc | other
    reference: str
    operator: str
    paid_at: str  # ISO 8601, UTC


@dataclass(frozen=True)
class SlipRefund:
    """Money given back (issue 15): the refund slip's own part."""

    number: str  # the refund's local number, T1-F000001
    amount: int
    method: str  # cash | transfer | edc | other
    reason: str  # Plugipay's reason code
    note: str
    operator: str
    approved_by: str
    refunded_total: int  # everything given back on the invoice so far, this one included


@dataclass(frozen=True)
class Slip:
    kind: str  # invoice | receipt | test
    shop: SlipShop
    invoice_id: int | None
    local_number: str
    plugipay_number: str
    status: str
    at: str  # when the document was made (issue time, payment time), ISO 8601 UTC
    operator: str
    customer: str
    currency: str
    lines: tuple[SlipLine, ...]
    subtotal: int
    discount: int
    tax: int
    total: int
    amount_paid: int
    amount_due: int
    due_at: str = ""
    memo: str = ""
    hosted_url: str = ""
    payment: SlipPayment | None = None
    reprint_at: str = ""  # set on reprints: the slip then says REPRINT and when
    extra: tuple[str, ...] = field(default=())  # free lines (the test slip)
    lang: str = ""  # the shop's language, which the slip prints in ("": the current one)
    refund: SlipRefund | None = None  # kind "refund": the lines are the lines returned
    chain: str = ""  # issue 17: the history chain's head when the slip was made (#seq·hash8)

    @property
    def transfer_reference(self) -> str:
        """What the customer writes in the bank transfer note, so it can be matched."""
        return self.local_number

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Slip":
        names = {f.name for f in fields(cls)}
        kw = {k: v for k, v in data.items() if k in names}
        kw["shop"] = SlipShop(**data["shop"])
        kw["lines"] = tuple(SlipLine(**l) for l in data.get("lines") or ())
        kw["payment"] = SlipPayment(**data["payment"]) if data.get("payment") else None
        kw["extra"] = tuple(data.get("extra") or ())
        kw["refund"] = SlipRefund(**data["refund"]) if data.get("refund") else None
        return cls(**kw)

    def as_reprint(self, at: datetime) -> "Slip":
        return replace(self, reprint_at=_iso(at))


def _iso(dt: datetime | None) -> str:
    return dt.isoformat() if dt else ""


def shop_of(ctx) -> SlipShop:
    s = get_shop(ctx)
    return SlipShop(s.name, s.address, s.phone, s.tax_id, s.footer, s.logo_path)


def slip_from_records(kind: str, invoice, shop: SlipShop, receipt=None) -> Slip:
    """A slip from an `InvoiceRecord` (and a `ReceiptRecord` for a receipt slip)."""
    if kind not in KINDS:
        raise ValidationError(_("The slip is 'invoice' or 'receipt', not {kind}.", kind=repr(kind)), field="slip")
    if not invoice.local_number:
        raise ConflictError(_("Issue the invoice before printing it: a draft has no number yet."))
    payment = None
    at = invoice.issued_at
    operator = invoice.created_by
    if kind == "receipt":
        if receipt is None:
            raise ConflictError(_("Invoice {number} has no payment yet: print the invoice slip "
                                  "instead.", number=invoice.local_number))
        payment = SlipPayment(receipt.number, receipt.amount, receipt.method, receipt.reference,
                              receipt.operator, _iso(receipt.issued_at))
        at, operator = receipt.issued_at, receipt.operator
    return Slip(
        kind=kind, shop=shop, invoice_id=invoice.id, local_number=invoice.local_number,
        plugipay_number=invoice.number or "", status=str(invoice.status), at=_iso(at),
        operator=operator, customer=invoice.customer_name, currency=invoice.currency,
        lines=tuple(SlipLine(l.description, l.quantity, l.unit_amount, l.amount)
                    for l in invoice.lines),
        subtotal=invoice.subtotal, discount=invoice.discount, tax=invoice.tax,
        total=invoice.total, amount_paid=invoice.amount_paid, amount_due=invoice.amount_due,
        due_at=_iso(invoice.due_at), memo=invoice.memo or "", hosted_url=invoice.hosted_url or "",
        payment=payment)


def build_slip(ctx, invoice_ref, kind: str = "invoice", *, receipt_number: str | None = None,
               reprint: bool = False) -> Slip:
    """Gather the slip for an invoice (id, local number, Plugipay id or number)."""
    invoice = get_invoice(ctx, invoice_ref)
    receipt = None
    if kind == "receipt":
        receipts = invoice_receipts(ctx, invoice.id)
        if receipt_number:
            receipt = next((r for r in receipts if r.number == receipt_number), None)
            if receipt is None:
                raise NotFoundError(_("Invoice {number} has no receipt {receipt_number}.",
                                      number=invoice.display_number,
                                      receipt_number=receipt_number), field="receipt")
        elif receipts:
            receipt = receipts[-1]
    slip = replace(slip_from_records(kind, invoice, shop_of(ctx), receipt),
                   lang=get_print_language(ctx), chain=chain_code(ctx))
    return slip.as_reprint(ctx.now()) if reprint else slip


def make_test_slip(shop: SlipShop, *, title: str, details: tuple[str, ...], at: datetime) -> Slip:
    """The slip printed from printer settings to check width, characters and cutter."""
    sample = ("Rp 1.500.000  \u20ac 12,50  caf\u00e9 cr\u00e8me br\u00fbl\u00e9e",
              "Se\u00f1or \u00c5ngstr\u00f6m \u00e7a \u00df \u201cquotes\u201d \u2013 \u2713",
              "Kopi Susu Gula Aren \u00d7 2")
    return Slip(kind="test", shop=shop, invoice_id=None, local_number="", plugipay_number="",
                status="", at=_iso(at), operator="", customer="", currency="IDR", lines=(),
                subtotal=0, discount=0, tax=0, total=0, amount_paid=0, amount_due=0,
                hosted_url="https://plugipay.com/", extra=(title,) + details + sample)
