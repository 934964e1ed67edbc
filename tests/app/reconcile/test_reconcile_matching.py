"""The matching engine on the hard cases, without a database."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest

from app.reconcile.matching import HIGH, Candidate, Credit, Matcher
from app.reconcile.refs import RefIndex

D = date(2026, 11, 10)


def cand(i, cust, name, amount, local=None, number=None, memo="", issued=date(2026, 11, 1),
         due=date(2026, 11, 15), currency="IDR"):
    return Candidate(i, local or f"T1-{i:06d}", number, memo, cust, name, currency, amount,
                     issued, due)


@pytest.fixture
def matcher():
    return Matcher([
        cand(42, 1, "Budi Santoso", 150_000, number="INV-2026-017"),
        cand(43, 2, "Siti Aminah", 150_000),
        cand(44, 1, "Budi Santoso", 50_000),
        cand(45, 3, "PT Maju Jaya Abadi", 1_250_000, memo="PO 77812X"),
        cand(46, 3, "PT Maju Jaya Abadi", 750_000),
        cand(47, 4, "Dewi Lestari", 99_000, currency="USD"),
        cand(142, 5, "Rudi Hartono", 80_000),
    ])


def best(m, desc, amount, day=D, currency="IDR"):
    return m.suggest(Credit(1, day, amount, currency, desc))


@pytest.mark.parametrize("desc", [
    "TRSF E-BANKING CR 1011/FTSCY/WS95031 T1-000042 BUDI SANTOSO",
    "trf t1-000042", "TRF T1 000042", "TRF T1000042", "TRF T1/000042 BUDI",
    "TRF T1 000 042", "BI-FAST CR T1-000042150000", "T1.000042", "TRANSFER INV 2026 017",
    "inv-2026-017 budi", "INV2026017",
])
def test_mangled_references_find_the_invoice(matcher, desc):
    r = best(matcher, desc, 150_000)
    assert r.best.invoice_ids == (42,)
    assert r.best.confidence >= HIGH and r.best.exact and r.flag == ""


def test_leading_zeros_dropped_is_weaker_but_right(matcher):
    r = best(matcher, "TRF T1-42 BUDI SANTOSO", 150_000)
    assert r.best.invoice_ids == (42,)
    assert any("written short" in x for x in r.best.reasons)


def test_reference_cut_off_by_the_bank(matcher):
    r = best(matcher, "TRF BUDI SANTOSO T1-0000", 150_000)
    assert r.best.invoice_ids == (42,)
    assert any("cut off" in x for x in r.best.reasons)
    # Cut off *and* no other clue: the prefix could be many invoices; never high.
    r = best(matcher, "TRF T1-00004", 150_000)
    assert r.best.confidence < HIGH


def test_memo_reference(matcher):
    r = best(matcher, "PEMBAYARAN PO 77812X", 1_250_000)
    assert r.best.invoice_ids == (45,)
    assert r.best.confidence >= HIGH


def test_equal_amounts_for_different_customers(matcher):
    r = best(matcher, "TRF DARI SITI AMINAH", 150_000)
    assert r.best.invoice_ids == (43,)
    # No reference: a name and an amount are not enough to confirm on their own.
    assert r.best.confidence < HIGH
    bare = best(matcher, "SETORAN TUNAI", 150_000)
    assert {s.invoice_ids for s in bare.suggestions} == {(42,), (43,)}
    assert bare.flag == "ambiguous" and bare.best.confidence < HIGH


def test_one_transfer_for_two_invoices(matcher):
    r = best(matcher, "TRF T1-000045 T1-000046 MAJU JAYA", 2_000_000)
    assert r.best.invoice_ids == (45, 46) and r.best.exact and r.best.confidence >= HIGH
    by_name = best(matcher, "TRF DARI BUDI SANTOSO", 200_000)
    assert by_name.best.invoice_ids == (42, 44)
    assert by_name.best.confidence < HIGH  # the name alone: a person confirms


def test_short_and_over_payments_are_flagged_never_exact(matcher):
    short = best(matcher, "TRF T1-000042 BUDI SANTOSO", 140_000)
    assert short.best.invoice_ids == (42,) and short.best.difference == -10_000
    assert short.flag == "underpaid" and short.best.confidence < HIGH
    over = best(matcher, "TRF T1-000042 BUDI SANTOSO", 151_000)
    assert over.flag == "overpaid" and over.best.difference == 1_000


def test_a_deposit_that_matches_nothing(matcher):
    r = best(matcher, "SETORAN TUNAI 00123", 77_777)
    assert r.suggestions == () and r.flag == "no_match"


def test_debits_are_never_matched(matcher):
    r = best(matcher, "TRF T1-000042", -150_000)
    assert r.suggestions == () and r.flag == ""


def test_currency_must_agree(matcher):
    assert best(matcher, "T1-000047", 99_000).best is None or \
        47 not in best(matcher, "T1-000047", 99_000).best.invoice_ids
    assert best(matcher, "T1-000047 DEWI LESTARI", 99_000, currency="USD").best.invoice_ids == (47,)


def test_money_before_the_invoice_existed_is_suspicious(matcher):
    r = best(matcher, "TRF T1-000042 BUDI SANTOSO", 150_000, day=date(2026, 10, 1))
    assert r.best.confidence < HIGH
    assert any("before the invoice" in x for x in r.best.reasons)


def test_name_of_another_customer_lowers_confidence(matcher):
    r = best(matcher, "TRF T1-000043 BUDI SANTOSO", 150_000)
    top = {s.invoice_ids: s for s in r.suggestions}
    assert top[(43,)].confidence < HIGH
    assert any("another customer" in x for x in top[(43,)].reasons)


def test_reference_does_not_match_a_longer_number(matcher):
    # T1-000142 must not be read as T1-000042 or the reverse.
    assert best(matcher, "TRF T1-000142", 80_000).best.invoice_ids == (142,)
    r = best(matcher, "TRF T1-000014", 80_000)
    assert r.best is None or r.best.confidence < HIGH


def test_ref_index_kinds():
    idx = RefIndex()
    idx.add(1, "T1-000042", "INV-2026-005", "Ref T1-000042 PO AB1234")
    idx.add(2, "T2-000042", None, "")
    kinds = {(i, k) for i, k, _ in idx.find("t2 000042 and ab1234")}
    assert kinds == {(2, "exact"), (1, "memo")}


def _bench():
    path = Path(__file__).resolve().parents[3] / "scripts" / "bench_matching.py"
    spec = importlib.util.spec_from_file_location("bench_matching", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_set_never_offers_a_wrong_invoice_with_high_confidence(seed):
    result = _bench().quality(credits_n=400, invoices_n=1600, seed=seed, verbose=False)
    assert result["credits"] >= 400
    assert result["wrong_high_confidence"] == 0
    assert result["right_first_pct_with_a_clue"] >= 95
