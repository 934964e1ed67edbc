"""OFX statements (1.x SGML and 2.x XML) through ofxtools."""

from __future__ import annotations

import io

from app.i18n import _
from app.domain.errors import ValidationError

from .parsed import ParsedLine, ParsedStatement, clean_description, to_minor


def parse_ofx(data: bytes, bank: str = "") -> ParsedStatement:
    from ofxtools.Parser import OFXTree  # lazy: the library only when such a file comes

    tree = OFXTree()
    try:
        tree.parse(io.BytesIO(data))
        ofx = tree.convert()
        statements = list(ofx.statements)
    except Exception as exc:  # ofxtools raises many kinds; all mean "not a readable OFX file"
        raise ValidationError(_("This is not a readable OFX file ({error}).",
                                error=f"{type(exc).__name__}: {str(exc)[:120]}"),
                              field="file") from None
    if len(statements) != 1:
        raise ValidationError(_("The OFX file holds {count} statements; import one account at a "
                                "time.", count=len(statements)), field="file")
    st = statements[0]
    currency = (st.curdef or "IDR").upper()
    acct = st.account
    account = str(getattr(acct, "acctid", "") or "")
    bank = bank or str(getattr(acct, "bankid", "") or "ofx")
    lines = []
    for i, t in enumerate(st.transactions, start=1):
        where = f"Transaction {i}: "
        amount = to_minor(t.trnamt, currency, where)
        if amount == 0:
            continue
        desc = clean_description(" ".join(x for x in (t.name, t.memo) if x))
        lines.append(ParsedLine(t.dtposted.date(), amount, desc, None,
                                str(t.fitid or "")[:64], i))
    if not lines:
        raise ValidationError(_("The OFX file has no transactions."), field="file")
    return ParsedStatement(bank, account, currency, "ofx", tuple(lines))
