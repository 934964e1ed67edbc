"""Anchors of the history outside the database (issue 17): the chain head goes
to Plugipay in each synced change's metadata (real HTTP to the sandbox), into a
manifest beside each backup, onto slips and the Z report; `kasir audit verify
--against plugipay|BACKUP` shows a chain cut back, or rebuilt from an older
point, that the file alone no longer shows."""

from __future__ import annotations

import json
import sqlite3

import pytest

from app.printing.slip_layout import render_slip_lines
from app.printing.slip_model import build_slip
from app.reconcile.shift import close_shift, open_shift
from app.services.invoices import PaymentInput, create_and_issue, mark_paid
from app.store import backup as bk
from app.store.history_chain import GENESIS, entry_hash, read_head, read_rows, short_code
from app.sync.engine import SyncEngine
from app.sync.outbox import Backoff
from app.trust.chain import verify
from tests.app.sync.helpers import creds_for
from tests.conftest import draft_input


def _cli(capsys, *argv):
    from app.cli import main

    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def synced(ctx, customer, sandbox, memory_keyring, monkeypatch):
    """Three sales pushed to the sandbox; the CLI finds the sandbox's key in the environment."""
    for n in range(3):
        inv = create_and_issue(ctx, draft_input(customer.id, lines=(("Kopi", n + 1, 18000),)))
        mark_paid(ctx, inv.id, PaymentInput("cash"))
    engine = SyncEngine(ctx.store, till="T1", credentials=creds_for(sandbox),
                        backoff=Backoff(base=0.01, cap=0.05), remind=False, timeout=5)
    try:
        engine.drain(max_passes=20)
    finally:
        engine.close()
    monkeypatch.setenv("PLUGIPAY_KEY_ID", sandbox.key_id)
    monkeypatch.setenv("PLUGIPAY_SECRET", sandbox.secret)
    monkeypatch.setenv("PLUGIPAY_BASE_URL", sandbox.base_url)
    return ctx


def _cut_last_sale(db_path) -> None:
    """What someone with sqlite3 does to make the last sale vanish without a trace in
    the file: its invoice, lines, payment, receipt and history entries go, and the
    chain head is set back to the entry before them. The file then checks clean."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys=OFF")
    iid = conn.execute("SELECT max(id) FROM invoices").fetchone()[0]
    first = conn.execute("SELECT min(chain_seq) FROM history WHERE entity_type='invoice' AND "
                         "entity_id=?", (iid,)).fetchone()[0]
    for sql in ("DELETE FROM payment_tenders WHERE payment_id IN "
                "(SELECT id FROM payments WHERE invoice_id=?)",
                "DELETE FROM receipts WHERE invoice_id=?", "DELETE FROM payments WHERE invoice_id=?",
                "DELETE FROM invoice_lines WHERE invoice_id=?", "DELETE FROM invoices WHERE id=?"):
        conn.execute(sql, (iid,))
    conn.execute("DELETE FROM history WHERE chain_seq >= ?", (first,))
    seq, h = conn.execute("SELECT chain_seq, entry_hash FROM history ORDER BY chain_seq DESC "
                          "LIMIT 1").fetchone()
    conn.execute("UPDATE history_chain_head SET last_seq=?, last_hash=?", (seq, h))
    conn.execute("DELETE FROM outbox")
    conn.commit()
    conn.close()


def _rebuild_from(db_path, seq: int) -> None:
    """Someone with this code changes entry `seq` and re-links every entry after it."""
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{db_path}")
    with engine.begin() as c:
        rows = read_rows(c)
        prev = GENESIS
        for r in sorted(rows, key=lambda r: r["chain_seq"]):
            if r["chain_seq"] == seq:
                r["note"] = (r["note"] or "") + " (rewritten)"
            if r["chain_seq"] >= seq:
                r["prev_hash"], r["entry_hash"] = prev, entry_hash(prev, r)
                c.exec_driver_sql("UPDATE history SET note=?, prev_hash=?, entry_hash=? WHERE id=?",
                                  (r["note"], r["prev_hash"], r["entry_hash"], r["id"]))
            prev = r["entry_hash"]
        c.exec_driver_sql("UPDATE history_chain_head SET last_seq=?, last_hash=?",
                          (rows[-1]["chain_seq"], prev))
    engine.dispose()


def test_plugipay_keeps_the_chain_head_and_verify_reads_it_back(synced, db_path, sandbox,
                                                                 capsys):
    docs = sandbox.client().invoices.list(limit=100).data
    anchors = [d.raw["metadata"].get("kasirChain") for d in docs]
    assert len(anchors) == 3 and all(a and ":" in a for a in anchors)
    assert verify(synced.store).ok  # sync's write-backs leave the records matching
    db = ["--db", str(db_path), "--operator", "ana"]
    code, out, err = _cli(capsys, "audit", "verify", "--against", "plugipay", "--json", *db)
    assert code == 0, out + err
    found = json.loads(out)["anchors"][0]
    assert found["ok"] and found["checked"] == 3

    synced.store.dispose()
    _cut_last_sale(db_path)
    code, out, err = _cli(capsys, "audit", "verify", *db)
    assert code == 0, out  # the file alone no longer shows it ...
    code, out, err = _cli(capsys, "audit", "verify", "--against", "plugipay", *db)
    assert code == 1  # ... Plugipay's copy of the head does
    assert "entries were removed from its end" in out and "Plugipay invoice" in out


def test_a_chain_rebuilt_from_an_older_point_disagrees_with_plugipay(synced, db_path, capsys):
    synced.store.dispose()
    _rebuild_from(db_path, 3)
    db = ["--db", str(db_path), "--operator", "ana"]
    code, out, _ = _cli(capsys, "audit", "verify", *db)
    assert code == 0, out  # the rebuilt chain is consistent in itself
    code, out, _ = _cli(capsys, "audit", "verify", "--against", "plugipay", "--json", *db)
    assert code == 1
    problems = json.loads(out)["anchors"][0]["problems"]
    assert problems and all("rebuilt from before that point" in p for p in problems)


def test_backup_manifest_keeps_the_head_and_shows_a_cut(ctx, customer, db_path, capsys, store):
    for _n in range(2):
        mark_paid(ctx, create_and_issue(ctx, draft_input(customer.id)).id, PaymentInput("cash"))
    info = bk.make_backup(db_path)
    manifest = bk.manifest_path(info.path)
    data = json.loads(manifest.read_text())
    assert data["chain"] and data["chain"].split(":")[0] == str(verify(store).checked)
    db = ["--db", str(db_path), "--operator", "ana"]
    assert _cli(capsys, "audit", "verify", "--against", str(info.path), *db)[0] == 0
    store.dispose()
    _cut_last_sale(db_path)
    info.path.unlink()  # rotated away: the manifest is left, and enough
    code, out, _ = _cli(capsys, "audit", "verify", "--against", str(manifest), *db)
    assert code == 1 and "The manifest" in out and "removed from its end" in out
    code, out, err = _cli(capsys, "audit", "verify", "--against", str(db_path) + ".nope", *db)
    assert code != 0 and "There is no backup or manifest" in out + err


def test_slip_and_z_report_print_the_chain_head(ctx, customer, store):
    open_shift(ctx, {"IDR": 0})
    inv = create_and_issue(ctx, draft_input(customer.id))
    mark_paid(ctx, inv.id, PaymentInput("cash"))
    with store.reader() as uow:
        head = read_head(uow.session.connection())
    slip = build_slip(ctx, inv.id, "receipt")
    assert slip.chain == short_code(head) and slip.chain.startswith(f"#{head[0]}\u00b7")
    assert short_code(head) in "\n".join(render_slip_lines(slip, 32))
    from app.reconcile.shift_print import shift_report_lines

    report = close_shift(ctx, {"IDR": 36000})
    with store.reader() as uow:
        head = read_head(uow.session.connection())
    assert report["chain"] == short_code(head)  # the head after the shift's seal
    assert any(report["chain"] in line for line in shift_report_lines(report, 42))


def test_another_databases_invoices_on_the_same_account_are_not_anchors(synced, db_path,
                                                                       sandbox, capsys):
    """A second shop database (till T9) syncs to the same Plugipay account: its chain is
    its own, and this database's check neither reads it nor fails on it."""
    from app.services.context import Context, open_store
    from app.services.customers import CustomerInput, add_customer

    other = open_store(db_path.parent / "other.db")
    try:
        octx = Context(other, operator="ana", till="T9")
        cust = add_customer(octx, CustomerInput("Lain", "lain@example.com"))
        create_and_issue(octx, draft_input(cust.id))
        engine = SyncEngine(other, till="T9", credentials=creds_for(sandbox),
                            backoff=Backoff(base=0.01, cap=0.05), remind=False, timeout=5)
        try:
            engine.drain(max_passes=20)
        finally:
            engine.close()
    finally:
        other.dispose()
    assert len(sandbox.client().invoices.list(limit=100).data) == 4
    code, out, _ = _cli(capsys, "audit", "verify", "--against", "plugipay", "--json",
                        "--db", str(db_path), "--operator", "ana")
    assert code == 0, out
    assert json.loads(out)["anchors"][0]["checked"] == 3
