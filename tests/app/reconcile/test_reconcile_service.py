"""Confirming, undoing and auto-matching against a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.errors import ConflictError, NotFoundError, ValidationError
from app.reconcile.csv_format import PRESETS
from app.reconcile.importer import import_statement
from app.reconcile.report import reconcile_report
from app.reconcile.service import (auto_match, confirm, list_lines, set_auto_threshold,
                                   suggest)
from app.reconcile.shift import close_shift
from app.reconcile.undo import undo_match
from app.services.queries import get_invoice, invoice_history
from app.services.settings import get_setting
from app.store.models import OutboxOperation, Payment
from reconcile_files import DAY, bca_csv, mandiri_csv, mt940_file, ofx_file

STATEMENT = [
    (DAY, "TRSF E-BANKING CR 2311/FTSCY/WS95031 t1 000001 BUDI SANTOSO", 150_000),  # 1 exact
    (DAY, "TRF DARI SITI AMINAH", 150_000),                                        # 2 name only
    (DAY, "BIAYA ADM", -5_000),                                                    # 3 debit
    (DAY, "TRF T1-000004 T1-000005 PT MAJU JAYA", 2_000_000),                      # 4 two invoices
    (DAY, "TRF T1-000006 SITI AMINAH", 250_000),                                   # 5 short
    (DAY, "SETORAN TUNAI", 77_000),                                                # 6 nothing
]


@pytest.fixture
def imported(ctx, clock, shop):
    clock.advance(days=1)
    import_statement(ctx, bca_csv(STATEMENT), "csv", mapping=PRESETS["bca"])
    return shop


def status(ctx, inv):
    return get_invoice(ctx, inv.id).status.value


def test_suggestions_for_every_unmatched_credit(ctx, imported):
    inv = imported["inv"]
    by_line = {r.line_id: r for r in suggest(ctx)}
    assert set(by_line) == {1, 2, 4, 5, 6}  # the debit is not a candidate
    assert by_line[1].best.invoice_ids == (inv["budi_150"].id,)
    assert by_line[4].best.invoice_ids == (inv["toko_1"].id, inv["toko_2"].id)
    assert by_line[5].flag == "underpaid"
    assert by_line[6].flag == "no_match"


def test_confirm_pays_two_invoices_in_one_transaction(ctx, imported):
    inv = imported["inv"]
    made = confirm(ctx, 4, [inv["toko_1"].local_number, inv["toko_2"].id])
    assert [m.invoice_id for m in made] == [inv["toko_1"].id, inv["toko_2"].id]
    for key in ("toko_1", "toko_2"):
        rec = get_invoice(ctx, inv[key].id)
        assert rec.status.value == "paid" and rec.amount_due == 0
        h = invoice_history(ctx, inv[key].id)[-1]
        assert h.action == "pay" and h.operator == "ana" and "line #4" in h.note
    with ctx.store.reader() as uow:
        pays = [(p.method, p.paid_at, p.reference) for p in uow.session.execute(
            select(Payment).order_by(Payment.id)).scalars()]
    assert [p[0] for p in pays] == ["transfer", "transfer"]
    assert pays[0][1].date() <= DAY and "line #4" in pays[0][2]
    lines = {l.id: l for l in list_lines(ctx, None)}
    assert lines[4].state == "matched" and set(lines[4].invoice_ids) == {inv["toko_1"].id,
                                                                        inv["toko_2"].id}
    with pytest.raises(ConflictError, match="already matched"):
        confirm(ctx, 4, [inv["siti_300"].id])


def test_a_refused_confirmation_changes_nothing(ctx, imported):
    inv = imported["inv"]
    # Short payment: never forced.
    with pytest.raises(ConflictError, match="pays less"):
        confirm(ctx, 5, [inv["siti_300"].id])
    # One good invoice and one already paid: neither is paid.
    confirm(ctx, 1, [inv["budi_150"].id])
    with pytest.raises(ConflictError):
        confirm(ctx, 2, [inv["budi_150"].id])
    with pytest.raises(ConflictError, match="pays more"):
        confirm(ctx, 4, [inv["toko_1"].id])
    with pytest.raises(ConflictError, match="debit"):
        confirm(ctx, 3, [inv["siti_150"].id])
    with pytest.raises(NotFoundError):
        confirm(ctx, 99, [inv["siti_150"].id])
    with pytest.raises(ValidationError, match="twice"):
        confirm(ctx, 4, [inv["toko_1"].id, inv["toko_1"].local_number])
    assert status(ctx, inv["siti_300"]) == "open"
    assert status(ctx, inv["toko_1"]) == "open" and status(ctx, inv["siti_150"]) == "open"
    assert {l.id for l in list_lines(ctx)} == {2, 4, 5, 6}


def test_undo_before_sending_restores_the_invoice(ctx, imported):
    inv = imported["inv"]
    confirm(ctx, 1, [inv["budi_150"].id])
    with pytest.raises(ValidationError, match="manager"):
        undo_match(ctx, 1, "", "typo")
    with pytest.raises(ValidationError, match="why"):
        undo_match(ctx, 1, "Pak Manajer", " ")
    undone = undo_match(ctx, 1, "Pak Manajer", "wrong customer")
    assert undone[0].state == "undone" and undone[0].approved_by == "Pak Manajer"
    rec = get_invoice(ctx, inv["budi_150"].id)
    assert rec.status.value == "open" and rec.amount_paid == 0 and rec.paid_at is None
    last = invoice_history(ctx, inv["budi_150"].id)[-1]
    assert last.action == "unpay" and "Pak Manajer" in last.note
    with ctx.store.reader() as uow:
        op_state = uow.session.execute(select(OutboxOperation.state).where(
            OutboxOperation.operation == "invoice.pay")).scalar_one()
    assert op_state == "cancelled"
    assert [l.id for l in list_lines(ctx) if l.id == 1] == [1]
    # ...and it can be matched again.
    confirm(ctx, 1, [inv["budi_150"].id])
    assert status(ctx, inv["budi_150"]) == "paid"
    with pytest.raises(ConflictError, match="not matched"):
        undo_match(ctx, 6, "Pak Manajer", "x")


def test_undo_refused_once_the_payment_left_for_plugipay(ctx, imported):
    inv = imported["inv"]
    confirm(ctx, 1, [inv["budi_150"].id])
    with ctx.store.unit_of_work() as uow:
        op = uow.session.execute(select(OutboxOperation).where(
            OutboxOperation.operation == "invoice.pay")).scalar_one()
        op.attempts = 1  # a send was tried: the outcome may have reached Plugipay
        uow.commit()
    with pytest.raises(ConflictError, match="already been sent to Plugipay"):
        undo_match(ctx, 1, "Pak Manajer", "oops")
    assert status(ctx, inv["budi_150"]) == "paid"


def test_undo_refused_after_the_shift_is_closed(ctx, imported, clock):
    inv = imported["inv"]
    confirm(ctx, 1, [inv["budi_150"].id])
    clock.advance(hours=1)
    close_shift(ctx, {})
    with pytest.raises(ConflictError, match="closed"):
        undo_match(ctx, 1, "Pak Manajer", "late")
    assert status(ctx, inv["budi_150"]) == "paid"


def test_auto_match_confirms_only_what_is_certain(ctx, imported):
    inv = imported["inv"]
    outcomes = {o.line_id: o for o in auto_match(ctx, 90)}
    done = {k for k, o in outcomes.items() if o.confirmed}
    assert done == {1, 4}
    assert outcomes[5].confirmed is False and "short" in outcomes[5].note
    assert "below" in outcomes[2].note
    assert status(ctx, inv["budi_150"]) == "paid" and status(ctx, inv["siti_150"]) == "open"
    assert status(ctx, inv["siti_300"]) == "open"
    with ctx.store.reader() as uow:
        from app.store.reconcile_models import StatementMatch
        ms = list(uow.session.execute(select(StatementMatch.auto, StatementMatch.confidence)))
    assert len(ms) == 3 and all(auto and conf >= 90 for auto, conf in ms)
    assert auto_match(ctx, 90) and all(not o.confirmed for o in auto_match(ctx, 90))


def test_auto_match_leaves_two_lines_claiming_one_invoice(ctx, clock, shop):
    clock.advance(days=1)
    rows = [(DAY, "TRF T1-000003 BUDI SANTOSO", 50_000),
            (DAY, "TRF T1 000003 BUDI SANTOSO", 50_000)]
    import_statement(ctx, bca_csv(rows), "csv", mapping=PRESETS["bca"])
    outcomes = auto_match(ctx, 90)
    assert not any(o.confirmed for o in outcomes)
    assert all("same invoice" in o.note for o in outcomes)


def test_auto_threshold_is_the_shops_setting(ctx, imported):
    with pytest.raises(ValidationError):
        set_auto_threshold(ctx, 40)
    with pytest.raises(ValidationError):
        auto_match(ctx, 101)
    set_auto_threshold(ctx, 100)
    assert get_setting(ctx, "reconcile.auto_min_confidence") == 100
    done = [o for o in auto_match(ctx) if o.confirmed]
    assert [o.line_id for o in done] == [1, 4]  # both reach 100 with ref + amount + name


def test_report_lists_matched_flagged_and_unpaid(ctx, imported):
    inv = imported["inv"]
    confirm(ctx, 1, [inv["budi_150"].id])
    rep = reconcile_report(ctx)
    s = rep["summary"]["IDR"]
    assert (s["credits"], s["matched"], s["unmatched"], s["debits"]) == (5, 1, 4, 1)
    assert s["matchedAmount"] == 150_000 and s["debitAmount"] == 5_000
    flags = {a["lineId"]: a["flag"] for a in rep["needsAttention"]}
    assert flags[5] == "underpaid" and flags[6] == "no_match"
    unpaid = {u["invoiceId"] for u in rep["unpaidInvoices"]}
    assert inv["budi_150"].id not in unpaid and inv["siti_300"].id in unpaid
    assert rep["unpaidCount"] == 5
    empty = reconcile_report(ctx, DAY.replace(day=1), DAY.replace(day=2))
    assert empty["summary"] == {} and empty["needsAttention"] == []


@pytest.mark.parametrize("fmt", ["bca", "mandiri", "ofx", "mt940"])
def test_hard_cases_read_alike_in_every_format(ctx, clock, shop, fmt):
    """The same deposits through each format: same suggestions, same flags; a second
    import of the file adds nothing."""
    inv = shop["inv"]
    clock.advance(days=1)
    files = {"bca": lambda: (bca_csv(STATEMENT), "csv", PRESETS["bca"]),
             "mandiri": lambda: (mandiri_csv(STATEMENT), "csv", PRESETS["mandiri"]),
             "ofx": lambda: (ofx_file(STATEMENT), "ofx", None),
             "mt940": lambda: (mt940_file(STATEMENT), "mt940", None)}
    data, kind, mapping = files[fmt]()
    assert import_statement(ctx, data, kind, mapping=mapping).added == 6
    assert import_statement(ctx, data, kind, mapping=mapping).added == 0
    got = {r.line_id: r for r in suggest(ctx)}
    assert got[1].best.invoice_ids == (inv["budi_150"].id,) and got[1].best.exact
    assert got[4].best.invoice_ids == (inv["toko_1"].id, inv["toko_2"].id)
    assert got[5].flag == "underpaid" and got[6].flag == "no_match"
    assert [o.line_id for o in auto_match(ctx, 90) if o.confirmed] == [1, 4]
