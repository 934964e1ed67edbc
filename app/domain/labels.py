"""The names people read for statuses, payment methods and sync states.

The dictionaries hold English msgids (marked with `N_`, or `NP_` where the
English word has another meaning elsewhere: the status "Open" is "Terbuka",
a file dialog's "Open" button is "Buka"); the `*_label` functions return them
in the chosen language.
"""

from __future__ import annotations

from app.i18n import N_, NP_, gettext, pgettext

from .lifecycle import Status

STATUS_CONTEXT = "invoice status"  # the msgctxt of every STATUS_LABELS entry
STATUS_LABELS: dict[str, str] = {
    Status.DRAFT: NP_("invoice status", "Draft"),
    Status.OPEN: NP_("invoice status", "Open"),
    Status.PAST_DUE: NP_("invoice status", "Past due"),
    Status.PAID: NP_("invoice status", "Paid"),
    Status.VOID: NP_("invoice status", "Void"),
    Status.UNCOLLECTIBLE: NP_("invoice status", "Written off"),
}

# The payment methods a till records (app.services.invoices.PAYMENT_METHODS has the same codes).
METHOD_LABELS: dict[str, str] = {
    "transfer": N_("Bank transfer"),
    "cash": N_("Cash"),
    "edc": N_("Card (EDC)"),
    "qris": N_("QRIS"),
    "other": N_("Other"),
}

SYNC_LABELS: dict[str, str] = {
    "local": N_("Local only"),
    "pending": N_("Waiting"),
    "synced": N_("Synced"),
    "failed": N_("Failed"),
    "conflict": N_("Conflict"),
}


def status_label(status) -> str:
    """`Lunas` / `Paid` for "paid"; an unknown status is shown as it is."""
    try:
        return pgettext(STATUS_CONTEXT, STATUS_LABELS[Status(status)])
    except (ValueError, KeyError):
        return str(status)


def method_label(method: str | None) -> str:
    label = METHOD_LABELS.get(str(method or ""))
    return gettext(label) if label else str(method or "-")


def sync_label(state: str | None) -> str:
    label = SYNC_LABELS.get(str(state or ""))
    return gettext(label) if label else str(state or "-")


def shop_footer(footer: str | None) -> str:
    """The footer slips and documents print: the shop's own text, or (left
    empty) "Thank you for your visit" in the language of the moment. A footer a
    shop typed (even the old Indonesian default) is printed as typed."""
    if not (footer or "").strip():
        return gettext(N_("Thank you for your visit"))
    return footer or ""
