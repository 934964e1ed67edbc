"""Issue 15: a refund given back by bank transfer matches the statement's debit
line. Suggested by the refund's number, the invoice's numbers, the amount and the
date; confirmed and undone like a credit; refusals change nothing. Real SQLite
files and a generated BCA statement; the command line in a real subprocess."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.errors import ConflictError, NotFoundError, ValidationError
from app.domain.refunds import RefundInput
from app.reconcile.csv_format import PRESETS
from app.reconcile.debits import confirm_debit, confirm_line, suggest_debits
from app.reconcile.importer import import_statement
from app.reconcile.service import list_lines, suggest
from app.reconcile.undo import undo_match
from app.services.invoices import PaymentInput, mark_paid
from app.services.queries import get_invoice
from app.services.refunds import refund
from reconcile_files import bca_csv
from tests.app.cli.till_cli import make_kasir, refused_unchanged, table_digest

DAY = date(2026, 11, 24)  # the day after the refunds (the clock starts 2026-11-22 09:00 UTC)


@pytest.fixture
def refunds(ctx, clock, shop):
    inv = shop["inv"]
    for key in ("budi_150", "siti_150", "toko_1", "budi_50"):
        mark_paid(ctx, inv[key].id, PaymentInput("transfer", "in"))
    clock.advance(hours=26)  # 2026-11-23
    out = {
        "budi": refund(ctx, inv["budi_150"].id, RefundInput(amount=40_000, method="transfer")),
        "siti": refund(ctx, inv["siti_150"].id, RefundInput(amount=40_000, method="transfer")),
        "toko": refund(ctx, inv["toko_1"].id, RefundInput(amount=250_000, method="transfer")),
        "cash": refund(ctx, inv["budi_50"].id, RefundInput(amount=10_000, method="cash")),
    }
    clock.advance(days=1)
    return out


STATEMENT = [
    (DAY, "TRF KE BUDI SANTOSO REFUND T1-F000001", -40_000),   # 1 the refund's number
    (DAY, "TRSF E-BANKING DB PT MAJU JAYA T1000004", -250_000),  # 2 the invoice's number
    (DAY, "TRF KE SITI AMINAH", -40_000),                       # 3 amount only
    (DAY, "BIAYA ADM", -5_000),                                 # 4 a bank fee
    (DAY, "TRSF CR t1 000002", 150_000),                        # 5 a credit
]


@pytest.fixture
def statement(ctx, refunds):
    import_statement(ctx, bca_csv(STATEMENT), "csv", mapping=PRESETS["bca"])
    return refunds


def test_debits_are_suggested_against_transfer_refunds(ctx, statement):
    r = statement
    by_line = {s.line_id: s for s in suggest_debits(ctx)}
    assert set(by_line) == {1, 2, 3, 4}
    assert by_line[1].best.refund_id == r["budi"].id and by_line[1].best.confidence >= 85
    assert by_line[1].flag == "" and by_line[1].best.difference == 0
    assert any("T1-F000001" in why for why in by_line[1].best.reasons)
    assert by_line[2].best.refund_id == r["toko"].id and by_line[2].best.confidence >= 85
    # Two refunds of 40.000 fit line 3 by amount alone: a person chooses.
    assert by_line[3].flag == "ambiguous"
    assert {s.refund_id for s in by_line[3].suggestions} == {r["budi"].id, r["siti"].id}
    assert by_line[4].flag == "no_match" and not by_line[4].suggestions
    # A cash refund never left by transfer: never suggested.
    assert all(s.refund_id != r["cash"].id for x in by_line.values() for s in x.suggestions)
    assert {x.line_id for x in suggest(ctx)} == {5}  # credits still go their own way


def test_confirm_links_the_debit_and_undo_frees_it(ctx, statement):
    r = statement
    made = confirm_line(ctx, 1, [r["budi"].local_number])
    assert [(m.refund_number, m.amount, m.state) for m in made] == [("T1-F000001", 40_000,
                                                                     "active")]
    assert made[0].to_json()["kind"] == "refund"
    # Linked: neither the line nor the refund is offered again.
    by_line = {s.line_id: s for s in suggest_debits(ctx)}
    assert 1 not in by_line
    assert [s.refund_id for s in by_line[3].suggestions] == [r["siti"].id]
    assert by_line[3].flag == "review"  # the amount and the date alone: a person checks
    # The money was given when the refund was made: the invoice is as it was.
    inv = get_invoice(ctx, r["budi"].invoice_id)
    assert (inv.status.value, inv.amount_refunded) == ("paid", 40_000)
    with pytest.raises(ConflictError, match="already matched"):
        confirm_debit(ctx, 1, [r["siti"].id])
    with pytest.raises(ConflictError, match="already matched"):
        confirm_debit(ctx, 3, [r["budi"].id])
    undone = undo_match(ctx, 1, "mira", "wrong line")
    assert [(m.refund_number, m.state, m.approved_by) for m in undone] == [
        ("T1-F000001", "undone", "mira")]
    assert {l.id: l.state for l in list_lines(ctx, None)}[1] == "debit"
    assert 1 in {s.line_id for s in suggest_debits(ctx)}
    with pytest.raises(ConflictError, match="nothing to undo"):
        undo_match(ctx, 1, "mira", "again")
    assert confirm_line(ctx, 1, [r["budi"].id])[0].state == "active"


def test_refused_confirmations_change_nothing(ctx, statement, db_path):
    r = statement
    before = table_digest(db_path)
    cases = [
        (ConflictError, "not the", 1, [r["siti"].id, r["budi"].id]),   # 80.000 against 40.000
        (ConflictError, "not the", 2, [r["budi"].id]),                # 40.000 against 250.000
        (ConflictError, "bank transfer", 4, [r["cash"].local_number]),
        (ConflictError, "credit", 5, [r["budi"].id]),
        (ValidationError, "twice", 1, [r["budi"].id, r["budi"].local_number]),
        (ValidationError, "at least one", 1, []),
        (NotFoundError, "no refund", 1, ["T1-F000099"]),
        (NotFoundError, "statement line", 99, [r["budi"].id]),
    ]
    for error, words, line, refs in cases:
        with pytest.raises(error, match=words):
            confirm_line(ctx, line, refs) if line != 5 else confirm_debit(ctx, line, refs)
        assert table_digest(db_path) == before, (words, line)


def test_the_command_line_suggests_confirms_and_undoes_a_debit(tmp_path):
    kasir = make_kasir(tmp_path / "cli.db")
    inv = kasir("invoice", "create", "--currency", "IDR", "--line", "Kulkas", "1", "2500000",
                "--issue")
    kasir("invoice", "pay", str(inv["id"]), "--tender", "transfer", "2500000")
    r = kasir("invoice", "refund", str(inv["id"]), "--amount", "300000", "--method",
              "transfer", "--reason", "requested_by_customer")
    today = date.today()
    path = tmp_path / "bca.csv"
    path.write_bytes(bca_csv([(today, f"TRF REFUND {r['localNumber']} IBU ANI", -300_000),
                              (today, "BIAYA ADM", -6_500)]))
    kasir("reconcile", "import", str(path), "--mapping", "bca")
    lines = kasir("reconcile", "suggest", "--debits")
    assert [(l["lineId"], l["kind"]) for l in lines] == [(1, "debit"), (2, "debit")]
    assert lines[0]["suggestions"][0]["refundNumbers"] == [r["localNumber"]]
    assert lines[0]["suggestions"][0]["confidence"] >= 85 and lines[1]["flag"] == "no_match"
    refused_unchanged(kasir, "reconcile", "confirm", "2", r["localNumber"], expect="conflict",
                      code=5)
    made = kasir("reconcile", "confirm", "1", r["localNumber"])
    assert [(m["kind"], m["refundNumber"], m["amount"]) for m in made] == [
        ("refund", r["localNumber"], 300_000)]
    assert [l["lineId"] for l in kasir("reconcile", "suggest", "--debits")] == [2]
    undone = kasir("reconcile", "undo", "1", "--approved-by", "mira", "--reason", "typo")
    assert undone[0]["state"] == "undone" and undone[0]["approvedBy"] == "mira"
    assert [l["lineId"] for l in kasir("reconcile", "suggest", "--debits")] == [1, 2]
