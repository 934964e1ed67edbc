"""SWIFT MT940 statements through the mt-940 package."""

from __future__ import annotations

from datetime import date

from app.i18n import _
from app.domain.errors import ValidationError

from .parsed import ParsedLine, ParsedStatement, clean_description, to_minor


def parse_mt940(data: bytes, bank: str = "") -> ParsedStatement:
    import mt940  # lazy: the library only when such a file comes

    text = data.decode("utf-8", errors="replace")
    if ":61:" not in text or ":25:" not in text:
        raise ValidationError(_("This is not an MT940 statement: it has no :25: account and no "
                                ":61: lines."), field="file")
    try:
        trs = mt940.models.Transactions()
        trs.parse(text)
    except Exception as exc:  # the parser raises plain exceptions on bad fields
        raise ValidationError(_("This MT940 file cannot be read ({error}).",
                                error=f"{type(exc).__name__}: {str(exc)[:120]}"),
                              field="file") from None
    account = str(trs.data.get("account_identification") or "")
    opening = trs.data.get("final_opening_balance") or trs.data.get("opening_balance")
    currency = None
    balance = None
    if opening is not None:
        currency = opening.amount.currency
        balance = to_minor(opening.amount.amount, currency, "Opening balance: ")
    lines = []
    for i, t in enumerate(trs, start=1):
        d = t.data
        cur = (d.get("currency") or currency or "IDR").upper()
        if currency is None:
            currency = cur
        if cur != currency:
            raise ValidationError(_("Line {i} is in {cur}, the statement in {currency}.",
                                    i=i, cur=cur, currency=currency),
                                  field="file")
        amount = to_minor(d["amount"].amount, currency, f"Line {i}: ")
        if balance is not None:
            balance += amount  # the running balance makes each line unique across files
        desc = clean_description(d.get("transaction_details") or d.get("extra_details") or "")
        day = d["date"]
        if amount:
            # The bank reference is not unique across statements: the balance is the key.
            lines.append(ParsedLine(date(day.year, day.month, day.day), amount, desc,
                                    balance, "", i))
    if not lines:
        raise ValidationError(_("The MT940 file has no statement lines."), field="file")
    return ParsedStatement(bank or account.split("/")[0] or "mt940", account, currency or "IDR",
                           "mt940", tuple(lines))
