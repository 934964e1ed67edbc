"""Hypothesis over bank statement files (issue 17): `kasir reconcile import FILE` ends in
exit 0 or a coded refusal, never a traceback, and a refusal changes nothing.

Files are built from the shapes the importer knows (BCA and Mandiri CSV, a plain
`date,description,amount` CSV, OFX, MT940) with cells mixing valid values and hostile
ones, in several encodings, and from raw bytes. Options (format, mapping, currency, date
format, separators) are drawn too.
"""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.app.cli.fuzz_grammar import NASTY, table_digest
from tests.app.cli.test_fuzz_cli import (DERANDOMIZE, EXAMPLES_PER_COMMAND, _seed, assert_coded,
                                        run)

NASTY_CELLS = [n for n in NASTY if not any("\ud800" <= c <= "\udfff" for c in n)] + [
    '"', '""', '"a,b"', ";", ",", "1,500,000.00 CR", "1.500.000,00", "-66600", "66600",
    "1e309", "0,00", "(1.000)", "Rp 66.600", "99999999999999999999999999", "05/12/2026",
    "2026-12-05", "31/02/2026", "12/31/2026", "PEND", "Saldo Awal"]
cell = st.one_of(st.sampled_from(NASTY_CELLS), st.text(max_size=12))
good_date = st.sampled_from(["05/12/2026", "2026-12-05", "01/01/2026", "28/02/2027"])
amount = st.one_of(st.integers(-10 ** 12, 10 ** 12).map(str), st.sampled_from(
    ["66.600,00", "66,600.00 CR", "1,000.00 DB", "0"]))

HEADERS = ["date,description,amount", "Tanggal Transaksi,Keterangan,Cabang,Jumlah,Saldo",
           "Tanggal;Keterangan;Debit;Kredit;Saldo", "TGL_TRAN,DESK_TRAN,MUTASI_DEBET,MUTASI_KREDIT,"
           "SALDO_AKHIR_MUTASI", ""]


@st.composite
def csv_file(draw) -> bytes:
    header = draw(st.sampled_from(HEADERS))
    sep = ";" if ";" in header else draw(st.sampled_from([",", ";", "\t", "|"]))
    width = max(1, header.count(sep) + 1)
    rows = [header]
    for _ in range(draw(st.integers(0, 6))):
        row = [draw(st.one_of(good_date, cell)), draw(cell)]
        row += [draw(st.one_of(amount, cell)) for _ in range(max(0, width - 2))]
        rows.append(sep.join(row))
    text = "\n".join(rows) + draw(st.sampled_from(["\n", "", "\r\n", "\x00"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    return text.encode(encoding, "replace")


@st.composite
def ofx_file(draw) -> bytes:
    tx = "".join(f"<STMTTRN><TRNTYPE>{draw(st.sampled_from(['CREDIT', 'DEBIT', 'X']))}"
                 f"<DTPOSTED>{draw(st.one_of(st.just('20261205'), cell))}"
                 f"<TRNAMT>{draw(st.one_of(amount, cell))}<FITID>{draw(cell)}"
                 f"<NAME>{draw(cell)}</STMTTRN>\n" for _ in range(draw(st.integers(0, 4))))
    return ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><BANKMSGSRSV1><STMTTRNRS>"
            f"<STMTRS><CURDEF>{draw(st.sampled_from(['IDR', 'USD', 'XXX', '']))}"
            f"<BANKACCTFROM><BANKID>008<ACCTID>{draw(cell)}</BANKACCTFROM><BANKTRANLIST>"
            + tx + draw(st.sampled_from(["</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1>"
                                         "</OFX>\n", ""]))).encode("utf-8", "replace")


@st.composite
def mt940_file(draw) -> bytes:
    out = [f":20:{draw(cell)}", f":25:{draw(cell)}", ":28C:00001/001",
           f":60F:{draw(st.sampled_from(['C261101IDR1000,00', 'D261101IDR', draw(cell)]))}"]
    for _ in range(draw(st.integers(0, 4))):
        out.append(f":61:{draw(st.sampled_from(['2612051205C66600,00NTRFNONREF', draw(cell)]))}")
        out.append(f":86:{draw(cell)}")
    out.append(f":62F:{draw(st.sampled_from(['C261205IDR1066600,00', draw(cell)]))}")
    out.append(draw(st.sampled_from(["-", "", "-}"])))
    return "\n".join(out).encode("utf-8", "replace")


statement = st.one_of(csv_file(), ofx_file(), mt940_file(), st.binary(max_size=600))
options = st.lists(st.sampled_from([
    ["--format", "csv"], ["--format", "ofx"], ["--format", "mt940"], ["--mapping", "bca"],
    ["--mapping", "mandiri"], ["--mapping", "nope"], ["--currency", "IDR"], ["--currency", "X"],
    ["--date-format", "%Y-%m-%d"], ["--date-format", "%Q"], ["--decimal-sep", ","],
    ["--thousands-sep", "."], ["--delimiter", ";"], ["--delimiter", ""], ["--amount-col", "3"],
    ["--amount-col", "99999999999999999999"], ["--date-col", "0"], ["--bank", "BCA\x1b"],
    ["--save-mapping", "mine"], ["--description-col", "2"]]), max_size=3)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    db = tmp_path_factory.mktemp("fuzz-statements") / "kasir.db"
    _seed(db)
    return db


def test_no_statement_file_reaches_a_traceback(template, tmp_path_factory):
    work = tmp_path_factory.mktemp("fuzz-statements-run")

    @settings(max_examples=EXAMPLES_PER_COMMAND * 10, deadline=None, database=None,
              derandomize=DERANDOMIZE, suppress_health_check=list(HealthCheck))
    @given(data=statement, opts=options)
    def check(data, opts):
        db = work / "kasir.db"
        for suffix in ("-wal", "-shm"):
            (work / f"kasir.db{suffix}").unlink(missing_ok=True)
        shutil.copy(template, db)
        path = work / "statement.txt"
        path.write_bytes(data)
        before = table_digest(db)
        argv = ["--db", str(db), "--json", "reconcile", "import", str(path),
                *[w for o in opts for w in o]]
        rc, out, err = run(argv)
        assert_coded(argv, rc, out, err, before, db)

    check()
