"""Tampering with the records themselves (issue 17): an invoice's total, a line,
a status, a payment, a tender, a receipt, a customer, an item, a staff account,
a till, changed, deleted or added with sqlite3 outside the app, is detected by
`audit verify` and named; `kasir check` agrees. Plus the history wiped or cut
back at its end.

KASIR_TAMPER_TRIALS sets the number of random trials (default 300)."""

from __future__ import annotations

import os
import random
import sqlite3

import pytest

from app.domain.tenders import Tender
from app.domain.validation import DraftInput, LineInput
from app.services import invoices
from app.domain.refunds import RefundInput, RefundLineInput
from app.services.customers import CustomerInput, add_customer
from app.services.refunds import refund
from app.services.items import ItemInput, add_item
from app.services.roles import login, with_approval
from app.setup.first_run import TillInfo, register_till
from app.trust.chain import verify
from tests.app.trust.memory_copies import fresh_copy, into_memory, verify_copy
from app.trust.checks import check_file
from app.trust.staff import add_staff

TRIALS = int(os.environ.get("KASIR_TAMPER_TRIALS", "300"))

# table -> (columns that matter, how a row names its record: (entity noun, sql for its id))
TABLES = {
    "invoices": (("till_code", "local_number", "customer_id", "currency", "status", "subtotal",
                  "discount", "tax", "total", "amount_paid", "due_at", "issued_at", "paid_at",
                  "voided_at", "reason", "memo", "created_by", "created_at"),
                 ("Invoice", "id")),
    "invoice_lines": (("position", "description", "quantity", "unit_amount", "amount",
                       "tax_rate", "invoice_id"), ("Invoice", "invoice_id")),
    "payments": (("amount", "currency", "method", "reference", "operator", "paid_at",
                  "recorded_at", "cash_received", "change", "invoice_id"),
                 ("Invoice", "invoice_id")),
    "payment_tenders": (("position", "method", "amount", "reference", "payment_id"),
                        ("Invoice", "(SELECT invoice_id FROM payments p WHERE p.id = payment_id)")),
    "receipts": (("number", "amount", "currency", "issued_at", "payment_id", "invoice_id"),
                 ("Invoice", "invoice_id")),
    "refunds": (("amount", "currency", "method", "reason", "note", "by_lines", "operator",
                 "created_at", "invoice_id"), ("Invoice", "invoice_id")),
    "refund_lines": (("line_position", "description", "quantity", "unit_amount", "refund_id"),
                     ("Invoice", "(SELECT invoice_id FROM refunds r WHERE r.id = refund_id)")),
    "customers": (("name", "email", "phone", "tax_id", "notes", "created_at"), ("Customer", "id")),
    "items": (("code", "name", "unit_amount", "currency", "active", "tax_rate"), ("Item", "id")),
    "staff": (("name", "display_name", "role", "pin_hash", "active"), ("Staff account", "id")),
    "tills": (("code", "name", "created_at"), ("Till", "id")),
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A shop's database made through the services, kept in memory."""
    from app.services.context import Context, open_store

    path = tmp_path_factory.mktemp("tamper_records") / "kasir.db"
    store = open_store(path)
    ctx = Context(store, operator="ana", till="T1")
    register_till(ctx, TillInfo("T1", "Kasir depan"))
    add_staff(ctx, "olga", "owner", "4821")
    owner = login(ctx, "olga", "4821")
    add_staff(owner, "cici", "cashier", "9173")
    cashier = login(ctx, "cici", "9173")
    add_item(owner, ItemInput("KOPI", "Kopi susu", 18000))
    add_item(owner, ItemInput("TEH", "Es teh", 8000, tax_rate="11"))
    rng = random.Random(17)
    for c in range(3):
        cust = add_customer(cashier, CustomerInput(f"Pelanggan {c}", f"p{c}@contoh.id", "", "", ""))
        for n in range(4):
            inv = invoices.create_and_issue(cashier, DraftInput(
                cust.id, "IDR", (LineInput("Nasi goreng", rng.randint(1, 5), 25000),
                                 LineInput("Es teh", 2, 8000)), 0, 0, None, "meja 4"))
            if n % 3 == 0:
                invoices.pay_with_tenders(cashier, inv.id, invoices.PaymentInput(tenders=(
                    Tender("edc", 10000, "APPR 1234"), Tender("cash", inv.total))))
            elif n % 3 == 1:
                invoices.mark_paid(cashier, inv.id, invoices.PaymentInput("transfer", "BCA 77"))
            else:
                invoices.void(with_approval(cashier, "void", "olga", "4821"), inv.id, "salah")
    invoices.create_draft(cashier, DraftInput(None, "IDR", (LineInput("Roti", 1, 15000),),
                                              0, 0, None, ""))
    manager = with_approval(cashier, "refund", "olga", "4821")
    refund(manager, 1, RefundInput(amount=5000, note="kembalian"))
    refund(with_approval(cashier, "refund", "olga", "4821"), 4,
           RefundInput(lines=(RefundLineInput(1, 1),), method="transfer"))
    report = verify(store)
    assert report.ok, report.summary()
    assert report.records.counts["invoice"]["checked"] == 13
    assert {k: v["checked"] for k, v in report.records.counts.items()} == {
        "invoice": 13, "customer": 4, "item": 2, "staff": 2, "till": 1}, report.records.counts
    store.dispose()
    return into_memory(path)


_copy, _verify = fresh_copy, verify_copy


def _messages(report) -> str:
    return "\n".join(p.message for p in report.problems)


def test_the_issue_edits_are_detected_and_named(pristine):
    edits = {
        "update invoices set total=1 where id=2": "Invoice 2 was changed outside Kasir",
        "update invoice_lines set amount=amount+1 where id=3": "Invoice 2 was changed",
        "update invoices set status='open' where id=1": "Invoice 1 was changed",
        "update payments set amount=5 where id=1": "Invoice 1 was changed",
        "update payment_tenders set amount=1 where id=1": "Invoice 1 was changed",
        "update receipts set amount=1 where id=1": "Invoice 1 was changed",
        "update refunds set amount=1 where invoice_id=1": "Invoice 1 was changed",
        "update invoices set amount_refunded=0 where id=1": "Invoice 1 was changed",
        "update customers set name='Maling' where id=2": "Customer 2 was changed",
        "update staff set role='owner' where name='cici'": "Staff account 2 was changed",
        "update staff set pin_hash=(select pin_hash from staff where name='cici') "
        "where name='olga'": "Staff account 1 was changed",
        "update items set unit_amount=1 where code='KOPI'": "Item 1 was changed",
        "update tills set name='X' where code='T1'": "Till 1 was changed",
        "delete from receipts where id=2": "Invoice",
        "delete from invoice_lines where id=1": "Invoice 1 was changed",
        "insert into invoice_lines (invoice_id, position, description, quantity, unit_amount, "
        "amount) values (2, 9, 'extra', 1, 1, 1)": "Invoice 2 was changed",
    }
    for sql, expected in edits.items():
        conn = _copy(pristine)
        conn.execute(sql)
        report = _verify(conn)
        assert not report.ok, sql
        assert expected in _messages(report), (sql, _messages(report))


def test_history_wiped_names_every_invoice_and_staff_account(pristine):
    conn = _copy(pristine)
    conn.execute("delete from history")
    conn.execute("delete from history_chain_head")
    report = _verify(conn)
    assert not report.ok
    text = _messages(report)
    for n in range(1, 14):
        assert f"Invoice {n} has no history entry at all" in text
    assert "Staff account 1 has no history entry" in text
    assert "Customer 1 has no history entry" in text  # a shop without old data: all are named
    assert report.summary().startswith("Records changed outside Kasir")


def test_last_entry_cut_and_head_moved_back_is_detected(pristine):
    conn = _copy(pristine)
    last_id, seq, etype, eid = conn.execute(
        "select id, chain_seq, entity_type, entity_id from history order by chain_seq desc "
        "limit 1").fetchone()
    assert etype == "invoice"  # the refund of invoice 4
    prev = conn.execute("select entry_hash from history where chain_seq=?", (seq - 1,)).fetchone()
    conn.execute("delete from history where id=?", (last_id,))
    conn.execute("update history_chain_head set last_seq=?, last_hash=?", (seq - 1, prev[0]))
    report = _verify(conn)
    assert not report.ok
    assert f"Invoice {eid} was changed outside Kasir" in _messages(report)


def test_a_record_deleted_is_named_with_its_last_entry(pristine):
    conn = _copy(pristine)
    conn.execute("pragma foreign_keys=off")
    conn.execute("delete from customers where id=3")
    report = _verify(conn)
    assert "Customer 3 is gone" in _messages(report)
    assert "customers table no longer holds it" in _messages(report)


def _mutate(rng: random.Random, value):
    if value is None:
        return rng.choice([1, "x", "2026-01-01 00:00:00.000000"])
    if isinstance(value, int):
        return value + rng.choice([-1, 1, 1000, -value - 1 if value else 7])
    if isinstance(value, float):
        return value + 1
    if len(value) >= 19 and value[4] == "-" and value[10] == " ":  # a time as SQLite keeps it
        return rng.choice([value[:17] + ("59" if value[17:19] != "59" else "58") + value[19:],
                           value.replace(" ", "T"), value[:19]])
    if rng.random() < 0.3:
        return value + "\u202e"
    pos = rng.randrange(len(value) + 1)
    return value[:pos] + rng.choice("xZ9 ") + value[pos:]


def _trial(conn, rng: random.Random) -> tuple[str, str]:
    """One random change over a random table; returns (what was done, expected name)."""
    table = rng.choice(list(TABLES))
    columns, (noun, owner_sql) = TABLES[table]
    ids = [r[0] for r in conn.execute(f"select id from {table}")]
    rid = rng.choice(ids)
    owner = conn.execute(f"select {owner_sql} from {table} where id=?", (rid,)).fetchone()[0]
    kind = rng.choice(["update"] * 6 + ["delete", "insert"])
    conn.execute("pragma foreign_keys=off")
    if kind == "update":
        col = rng.choice(columns)
        old = conn.execute(f"select {col} from {table} where id=?", (rid,)).fetchone()[0]
        new = _mutate(rng, old)
        # (a child moved to another record: the one it left is named)
        conn.execute(f"update {table} set {col}=? where id=?", (new, rid))
        what = f"{table}.{col} of row {rid}: {old!r} -> {new!r}"
    elif kind == "delete":
        conn.execute(f"delete from {table} where id=?", (rid,))
        what = f"{table} row {rid} deleted"
    else:
        cols = [r[1] for r in conn.execute(f"pragma table_info({table})") if r[1] != "id"]
        unique = {"local_number", "number", "code", "name", "payment_id", "plugipay_id"}
        values = ", ".join(f"{c} || '-copy'" if c in unique and table in (
            "invoices", "receipts", "items", "staff", "tills") and c != "payment_id" else c
                           for c in cols)
        if table == "receipts":
            values = values.replace("payment_id", "payment_id + 1000")
        conn.execute(f"insert into {table} ({', '.join(cols)}) select {values} from {table} "
                     f"where id=?", (rid,))
        new_id = conn.execute("select last_insert_rowid()").fetchone()[0]
        what = f"{table} row {rid} copied as row {new_id}"
        if owner_sql == "id":
            owner = new_id
    return what, f"{noun} {owner} "


def test_random_edits_over_every_record_table_are_detected_and_named(pristine):
    rng = random.Random(int(os.environ.get("KASIR_TAMPER_SEED", "1717")))
    for n in range(TRIALS):
        conn = _copy(pristine)
        while True:
            try:
                what, name = _trial(conn, rng)
                break
            except sqlite3.IntegrityError:  # a UNIQUE column refused the change: another one
                continue
        report = _verify(conn)
        assert not report.ok, f"trial {n}: {what} went unseen"
        assert name in _messages(report), f"trial {n}: {what}: {name!r} not named in\n" \
                                          f"{_messages(report)}"
        conn.close()


def test_check_agrees_with_audit_verify(pristine, tmp_path):
    rng = random.Random(99)
    for n in range(20):
        path = tmp_path / f"t{n}.db"
        disk = sqlite3.connect(path)
        pristine.backup(disk)
        what = "nothing"
        while n:
            try:
                what, _name = _trial(disk, rng)
                break
            except sqlite3.IntegrityError:
                continue
        disk.commit()
        disk.close()
        conn = sqlite3.connect(path, check_same_thread=False)
        verdict = _verify(conn)
        conn.close()
        checked = check_file(path)
        assert checked.ok == verdict.ok == (n == 0), what
        if not verdict.ok:
            assert verdict.summary() in checked.problems, what


def test_the_commands_from_the_issue(pristine, tmp_path, capsys):
    """`sqlite3 db "update invoices set total=1 where id=2"`: `kasir audit verify` and
    `kasir check` both refuse it and name the invoice; `delete from history; delete from
    history_chain_head` no longer answers ok with 0 checked."""
    from app.cli import main

    for sql, named in (("update invoices set total=1 where id=2", "Invoice 2 was changed"),
                       ("delete from history; delete from history_chain_head",
                        "Invoice 1 has no history entry at all")):
        path = tmp_path / f"shop{len(sql)}.db"
        disk = sqlite3.connect(path)
        pristine.backup(disk)
        disk.executescript(sql)
        disk.close()
        db = ["--db", str(path), "--operator", "ana"]
        assert main(["audit", "verify", *db]) == 1
        out = capsys.readouterr().out
        assert named in out and "Records changed outside Kasir" in out
        assert main(["check", *db]) == 1
        assert named in capsys.readouterr().out
