"""Statement files: CSV with bank mappings, OFX, MT940; bad files; de-duplication."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain.errors import NotFoundError, ValidationError
from app.reconcile.csv_format import PRESETS, CsvMapping, parse_csv
from app.reconcile.importer import (detect_format, get_mapping, import_statement,
                                    list_mapping_names, save_mapping)
from app.reconcile.parsed import parse_decimal, to_minor
from app.store.reconcile_models import BankStatement, StatementLine
from reconcile_files import DAY, bca_csv, mandiri_csv, mt940_file, ofx_file

ROWS = [(DAY, "TRSF E-BANKING CR 2311/FTSCY/WS95031 T1-000001 BUDI SANTOSO", 150_000),
        (DAY, "BIAYA ADM", -5_000),
        (DAY, "TRF DARI SITI AMINAH", 300_000)]


def count_lines(ctx):
    with ctx.store.reader() as uow:
        return uow.session.execute(select(func.count()).select_from(StatementLine)).scalar()


@pytest.mark.parametrize("text,dec,thou,want", [
    ("1.500.000,00", ",", ".", Decimal("1500000.00")),
    ("1,500,000.00 CR", ".", ",", Decimal("1500000.00")),
    ("5,000.00 DB", ".", ",", Decimal("-5000.00")),
    ("(25.000)", ",", ".", Decimal("-25000")),
    ("-12,50", ",", ".", Decimal("-12.50")),
    ("Rp 10.000", ",", ".", Decimal("10000")),
])
def test_indonesian_amounts_parse_exactly(text, dec, thou, want):
    assert parse_decimal(text, dec, thou) == want


def test_amounts_become_integers_never_floats():
    assert to_minor(Decimal("1500000.00"), "IDR") == 1_500_000
    assert to_minor(Decimal("10.25"), "USD") == 1025
    with pytest.raises(ValidationError, match="decimals"):
        to_minor(Decimal("100.50"), "IDR")
    with pytest.raises(ValidationError):
        parse_decimal("12abc", ",", ".")


def test_bca_export_with_preamble_and_footer():
    st = parse_csv(bca_csv(ROWS), PRESETS["bca"])
    assert [(l.booked_on, l.amount) for l in st.lines] == [
        (DAY, 150_000), (DAY, -5_000), (DAY, 300_000)]
    assert st.lines[0].balance == 1_150_000
    assert "T1-000001" in st.lines[0].description
    assert all(isinstance(l.amount, int) for l in st.lines)


def test_mandiri_export_debit_and_credit_columns():
    st = parse_csv(mandiri_csv(ROWS), PRESETS["mandiri"])
    assert [l.amount for l in st.lines] == [150_000, -5_000, 300_000]
    assert st.lines[-1].balance == 2_445_000


def test_custom_mapping_by_column_number_and_signed_amount():
    data = b"01-11-2026|setoran T1 000004|1250000\n02-11-2026|tarik|-20000\n"
    m = CsvMapping(name="mine", bank="BNI", date_col="1", description_cols=("2",),
                   amount_col="3", date_format="%d-%m-%Y", delimiter="|")
    st = parse_csv(data, m)
    assert [(l.booked_on, l.amount) for l in st.lines] == [
        (date(2026, 11, 1), 1_250_000), (date(2026, 11, 2), -20_000)]


def test_type_column_gives_the_sign():
    data = b"Tgl,Ket,Nominal,DK\n05/11/2026,x,\"10.000,00\",D\n06/11/2026,y,\"20.000,00\",K\n"
    m = CsvMapping(date_col="Tgl", description_cols=("Ket",), amount_col="Nominal",
                   type_col="DK")
    assert [l.amount for l in parse_csv(data, m).lines] == [-10_000, 20_000]


@pytest.mark.parametrize("data,message", [
    (b"Tanggal Transaksi,Keterangan,Cabang,Jumlah,Saldo\n31/02/2026,x,0,\"1.00 CR\",1\n",
     "does not match"),
    (b"Tanggal Transaksi,Keterangan,Cabang,Jumlah,Saldo\n01/11/2026,x,0,abc,1\n",
     "not an amount"),
    (b"Tanggal Transaksi,Keterangan,Cabang,Jumlah,Saldo\n01/11/2026,x,0,\"1.50 CR\",1\n",
     "decimals"),
    (b"Date,Text,Value\n01/11/2026,x,1\n", "No header row"),
    (b"Tanggal Transaksi,Keterangan,Cabang,Jumlah,Saldo\n", "no statement lines"),
])
def test_bad_csv_imports_nothing(ctx, data, message):
    good_then_bad = data
    with pytest.raises(ValidationError, match=message):
        import_statement(ctx, good_then_bad, "csv", mapping=PRESETS["bca"])
    assert count_lines(ctx) == 0


def test_a_bad_row_after_good_ones_imports_nothing(ctx):
    data = bca_csv(ROWS).replace(b"BIAYA ADM,0000,\"5,000.00 DB\"", b"BIAYA ADM,0000,\"lima\"")
    with pytest.raises(ValidationError, match="Line 7"):
        import_statement(ctx, data, "csv", mapping=PRESETS["bca"])
    assert count_lines(ctx) == 0


def test_reimport_and_overlapping_statement_add_nothing_twice(ctx):
    first = import_statement(ctx, bca_csv(ROWS), "csv", mapping=PRESETS["bca"],
                             filename="nov.csv")
    assert (first.added, first.skipped, first.credits, first.debits) == (3, 0, 2, 1)
    again = import_statement(ctx, bca_csv(ROWS), "csv", mapping=PRESETS["bca"])
    assert (again.added, again.skipped, again.statement_id) == (0, 3, None)
    more = ROWS + [(date(2026, 11, 24), "TRF T1-000006", 300_000)]
    overlap = import_statement(ctx, bca_csv(more), "csv", mapping=PRESETS["bca"])
    assert (overlap.added, overlap.skipped) == (1, 3)
    assert count_lines(ctx) == 4
    with ctx.store.reader() as uow:
        assert uow.session.execute(select(func.count()).select_from(BankStatement)).scalar() == 2


def test_two_identical_transfers_in_one_file_are_two_lines(ctx):
    rows = [(DAY, "SETORAN TUNAI", 50_000), (DAY, "SETORAN TUNAI", 50_000)]
    data = mandiri_csv(rows).replace(b";2.050.000,00", b";").replace(b";2.100.000,00", b";")
    assert import_statement(ctx, data, "csv", mapping=PRESETS["mandiri"]).added == 2
    assert import_statement(ctx, data, "csv", mapping=PRESETS["mandiri"]).added == 0


def test_ofx_import_and_reimport(ctx):
    data = ofx_file(ROWS)
    assert detect_format("x.txt", data) == "ofx"
    r = import_statement(ctx, data)
    assert (r.format, r.account, r.currency, r.added, r.credits) == ("ofx", "9876543210", "IDR", 3, 2)
    assert import_statement(ctx, data).added == 0
    # An overlapping download: the bank's FITIDs keep known lines out.
    assert import_statement(ctx, ofx_file(ROWS + [(DAY, "TRF X", 10_000)])).added == 1


def test_ofx_in_dollars_keeps_cents():
    from app.reconcile.ofx_format import parse_ofx
    st = parse_ofx(ofx_file([(DAY, "wire", 12)], "USD").replace(b"12.00", b"12.34"))
    assert (st.currency, st.lines[0].amount) == ("USD", 1234)


def test_mt940_import_with_running_balance(ctx):
    data = mt940_file(ROWS)
    assert detect_format("x.txt", data) == "mt940"
    r = import_statement(ctx, data, "mt940")
    assert (r.added, r.credits, r.debits, r.account) == (3, 2, 1, "BMRIIDJA/1234567890")
    assert import_statement(ctx, data, "mt940").added == 0
    with ctx.store.reader() as uow:
        bal = list(uow.session.execute(select(StatementLine.balance)
                                       .order_by(StatementLine.id)).scalars())
    assert bal == [1_150_000, 1_145_000, 1_445_000]


@pytest.mark.parametrize("fmt,data", [
    ("ofx", b"<OFX><garbage"), ("mt940", b"hello world"), ("ofx", b"not ofx at all"),
    ("mt940", b":20:X\n:25:ACC\n:60F:C261101IDR1,00\n:61:26110X\n-"),
])
def test_bad_ofx_and_mt940_files_import_nothing(ctx, fmt, data):
    with pytest.raises(ValidationError):
        import_statement(ctx, data, fmt)
    assert count_lines(ctx) == 0


def test_empty_file_and_unknown_format(ctx):
    with pytest.raises(ValidationError, match="empty"):
        import_statement(ctx, b"  \n", "csv", mapping=PRESETS["bca"])
    with pytest.raises(ValidationError, match="Unknown statement format"):
        import_statement(ctx, b"x", "qif")
    with pytest.raises(ValidationError, match="does not recognise this statement's columns"):
        import_statement(ctx, b"a,b\n", "csv")


def test_mapping_saved_per_bank_and_reused(ctx):
    m = CsvMapping(name="BNI", bank="BNI", date_col="Tgl", description_cols=("Ket",),
                   amount_col="Nominal", type_col="DK")
    save_mapping(ctx, m)
    got = get_mapping(ctx, "bni")
    assert got.amount_col == "Nominal" and got.bank == "BNI"
    assert "bni" in list_mapping_names(ctx) and "bca" in list_mapping_names(ctx)
    save_mapping(ctx, CsvMapping.from_dict({**got.to_dict(), "date_format": "%Y-%m-%d"}))
    assert get_mapping(ctx, "bni").date_format == "%Y-%m-%d"
    with pytest.raises(NotFoundError):
        get_mapping(ctx, "nope")


def test_invalid_mapping_is_refused(ctx):
    with pytest.raises(ValidationError) as e:
        save_mapping(ctx, CsvMapping(name="x", date_col="A"))
    fields = {f for f, _ in e.value.problems}
    assert {"description_col", "amount_col"} <= fields
    with pytest.raises(ValidationError, match="differ"):
        save_mapping(ctx, CsvMapping(name="x", date_col="A", description_cols=("B",),
                                     amount_col="C", decimal_sep=",", thousands_sep=","))
