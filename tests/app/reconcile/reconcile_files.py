"""Statement files generated for the tests: BCA and Mandiri style CSV, OFX, MT940."""

from __future__ import annotations

import hashlib
from datetime import date

DAY = date(2026, 11, 23)


def bca_csv(rows) -> bytes:
    """BCA-style export: a preamble, `1,500,000.00 CR` amounts, a footer."""
    out = ["Informasi Rekening - Mutasi Rekening", "No. rekening : 1234567890",
           "Nama : TOKO KASIR", "", "Tanggal Transaksi,Keterangan,Cabang,Jumlah,Saldo"]
    balance = 1_000_000
    for day, desc, amount in rows:
        balance += amount
        kind = "CR" if amount > 0 else "DB"
        out.append(f'{day:%d/%m/%Y},{desc},0000,"{abs(amount):,}.00 {kind}","{balance:,}.00"')
    out += ["", "Saldo Awal,:,1,000,000.00", "Mutasi Kredit,:,0.00", "PEND,x,0,0,0"]
    return ("\n".join(out) + "\n").encode()


def mandiri_csv(rows) -> bytes:
    """Mandiri-style: semicolons, `1.500.000,00` in separate Debit/Kredit columns."""
    out = ["Tanggal;Keterangan;Debit;Kredit;Saldo"]
    balance = 2_000_000
    for day, desc, amount in rows:
        balance += amount
        fmt = lambda v: f"{v:,}".replace(",", ".") + ",00"  # noqa: E731
        out.append(f"{day:%d/%m/%Y};{desc};{fmt(-amount) if amount < 0 else ''};"
                   f"{fmt(amount) if amount > 0 else ''};{fmt(balance)}")
    return ("\n".join(out) + "\n").encode()


def ofx_file(rows, currency="IDR") -> bytes:
    tx = "".join(
        f"<STMTTRN><TRNTYPE>{'CREDIT' if a > 0 else 'DEBIT'}<DTPOSTED>{d:%Y%m%d}"
        f"<TRNAMT>{a}.00<FITID>F{i}<NAME>{desc[:32]}<MEMO>{desc}</STMTTRN>\n"
        for i, (d, desc, a) in enumerate(rows, start=1))
    return (
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
        "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX>\n"
        "<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>"
        "<DTSERVER>20261123120000<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>\n"
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>\n"
        f"<STMTRS><CURDEF>{currency}<BANKACCTFROM><BANKID>008<ACCTID>9876543210"
        "<ACCTTYPE>CHECKING</BANKACCTFROM>\n<BANKTRANLIST><DTSTART>20261101<DTEND>20261130\n"
        + tx +
        "</BANKTRANLIST><LEDGERBAL><BALAMT>0.00<DTASOF>20261130</LEDGERBAL></STMTRS>"
        "</STMTTRNRS></BANKMSGSRSV1></OFX>\n").encode()


def mt940_file(rows, opening=1_000_000, ref="STMT1") -> bytes:
    out = [f":20:{ref}", ":25:BMRIIDJA/1234567890", ":28C:00001/001",
           f":60F:C261101IDR{opening},00"]
    balance = opening
    for d, desc, a in rows:
        balance += a
        out.append(f":61:{d:%y%m%d}{d:%m%d}{'C' if a > 0 else 'D'}{abs(a)},00NTRFNONREF")
        out.append(f":86:{desc}")
    out.append(f":62F:C{rows[-1][0]:%y%m%d}IDR{balance},00")
    out.append("-")
    return ("\n".join(out) + "\n").encode()


def old_fingerprint_hex(bank: str, account: str, line, occurrence: int) -> str:
    """A line's fingerprint as Kasir computed and stored it before migration 0012."""
    if line.bank_ref:
        parts = ["id", bank.lower(), account, line.bank_ref]
    else:
        parts = ["line", bank.lower(), account, line.booked_on.isoformat(), str(line.amount),
                 " ".join(line.description.split()).upper()[:500],
                 "" if line.balance is None else str(line.balance), str(occurrence)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
