"""Tampering with the history table: randomised single changes (a byte, a row
deleted, a row inserted, two rows swapped) are all detected, the entry named.

KASIR_TAMPER_TRIALS sets the number of trials (default 300)."""

from __future__ import annotations

import os
import random

import pytest

from app.domain.validation import DraftInput, LineInput
from app.services import invoices
from app.services.customers import CustomerInput, add_customer
from app.store.history_chain import GENESIS, entry_hash
from app.trust.chain import verify
from tests.app.trust.memory_copies import fresh_copy, into_memory, verify_copy
from app.services.roles import login, with_approval
from app.trust.staff import add_staff

TRIALS = int(os.environ.get("KASIR_TAMPER_TRIALS", "300"))
TEXT_COLS = ("entity_type", "action", "operator", "till_code", "at", "before", "after", "note",
             "approved_by", "prev_hash", "entry_hash")
INT_COLS = ("entity_id", "chain_seq")
ALL_COLS = ("chain_seq", "entity_type", "entity_id", "action", "operator", "till_code", "at",
            "before", "after", "note", "approved_by", "prev_hash", "entry_hash")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A database with a few dozen real history entries, kept in memory."""
    from app.services.context import Context, open_store

    path = tmp_path_factory.mktemp("tamper") / "kasir.db"
    store = open_store(path)
    ctx = Context(store, operator="ana", till="T1")
    add_staff(ctx, "olga", "owner", "4821")
    owner = login(ctx, "olga", "4821")
    add_staff(owner, "cici", "cashier", "9173")
    cashier = login(ctx, "cici", "9173")
    rng = random.Random(7)
    for c in range(4):
        cust = add_customer(cashier, CustomerInput(f"Pelanggan {c} — Ünïcode", "", "", "", ""))
        for _ in range(3):
            inv = invoices.create_and_issue(cashier, DraftInput(
                cust.id, "IDR", (LineInput("Nasi goreng", rng.randint(1, 5), 25000),), 0, 0, None, ""))
            if rng.random() < 0.5:
                invoices.mark_paid(cashier, inv.id, invoices.PaymentInput("cash"))
            else:
                invoices.void(with_approval(cashier, "void", "olga", "4821"), inv.id, "salah")
    assert verify(store).ok
    store.dispose()
    return into_memory(path)


_copy, _verify = fresh_copy, verify_copy


def _rows(conn):
    cur = conn.execute(f"SELECT id, {', '.join(ALL_COLS)} FROM history ORDER BY chain_seq")
    names = ("id",) + ALL_COLS
    return [dict(zip(names, r)) for r in cur]


def _flip(text: str, rng) -> str:
    """One character replaced by another (a byte, for ASCII text)."""
    i = rng.randrange(len(text))
    choices = [c for c in "0123456789abcdefXYZ :-\"{}é" if c != text[i]]
    return text[:i] + rng.choice(choices) + text[i + 1:]


def tamper_byte(conn, rng):
    rows = _rows(conn)
    row = rng.choice(rows)
    col = rng.choice(TEXT_COLS + INT_COLS)
    value = row[col]
    if col in INT_COLS:
        taken = {r["chain_seq"] for r in rows}
        new = value + rng.choice([1, -1, 1000, 7])
        while col == "chain_seq" and new in taken:
            new += 1000
    elif value is None or value == "":
        new = "x"
    else:
        new = _flip(value, rng)
    conn.execute(f"UPDATE history SET {col} = ? WHERE id = ?", (new, row["id"]))
    return f"byte {col}", lambda p: p.history_id == row["id"]


def tamper_delete(conn, rng):
    row = rng.choice(_rows(conn))
    conn.execute("DELETE FROM history WHERE id = ?", (row["id"],))
    return "delete", lambda p: p.kind == "removed" and p.seq == row["chain_seq"]


def tamper_insert(conn, rng):
    rows = _rows(conn)
    src = dict(rng.choice(rows))
    new_id = max(r["id"] for r in rows) + 1
    variant = rng.choice(["loose", "forged_append", "copied_hash"])
    last = rows[-1]
    src["id"] = new_id
    if variant == "loose":
        src["chain_seq"] = None
    else:
        src["chain_seq"] = last["chain_seq"] + 1
        if variant == "forged_append":
            # The strongest forger without the head: a well-formed link at the end.
            src["prev_hash"] = last["entry_hash"]
            src["entry_hash"] = entry_hash(src["prev_hash"], src)
    cols = ("id",) + ALL_COLS
    conn.execute(f"INSERT INTO history ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                 tuple(src[c] for c in cols))
    return f"insert {variant}", lambda p: p.history_id == new_id


def tamper_swap(conn, rng):
    rows = _rows(conn)
    a, b = rng.sample(rows, 2)
    if rng.random() < 0.5:
        cols = ALL_COLS  # whole rows change places (ids stay)
    else:
        cols = tuple(c for c in ALL_COLS if c not in ("chain_seq", "prev_hash", "entry_hash"))
    while all(a[c] == b[c] for c in cols):  # identical content: not a change at all
        a, b = rng.sample(rows, 2)
    if "chain_seq" in cols:  # out of the way of the unique index while they swap
        conn.execute("UPDATE history SET chain_seq = NULL WHERE id IN (?, ?)", (a["id"], b["id"]))
    for row, other in ((a, b), (b, a)):
        conn.execute(f"UPDATE history SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                     tuple(other[c] for c in cols) + (row["id"],))
    return "swap", lambda p: p.history_id in (a["id"], b["id"])


TAMPERS = (tamper_byte, tamper_delete, tamper_insert, tamper_swap)


def test_untouched_chain_verifies(pristine):
    report = _verify(_copy(pristine))
    assert report.ok and report.checked > 40


def test_random_single_changes_are_all_detected_and_named(pristine):
    rng = random.Random(int(os.environ.get("KASIR_TAMPER_SEED", "20261122")))
    counts: dict[str, int] = {}
    for trial in range(TRIALS):
        conn = _copy(pristine)
        kind, names_it = TAMPERS[trial % len(TAMPERS)](conn, rng)
        report = _verify(conn)
        assert not report.ok, f"trial {trial}: {kind} went unnoticed"
        assert names_it(report.first), f"trial {trial}: {kind}: {report.first}"
        counts[kind.split()[0]] = counts.get(kind.split()[0], 0) + 1
        conn.close()
    print(f"\nTAMPER TRIALS: {TRIALS} run, {TRIALS} detected with the entry named: {counts}")


def test_deleting_the_chain_head_or_last_entries_shows(pristine):
    conn = _copy(pristine)
    conn.execute("DELETE FROM history WHERE chain_seq >= (SELECT MAX(chain_seq) - 2 FROM history)")
    report = _verify(conn)
    assert report.first.kind == "removed" and "end of the history" in report.first.message
    conn = _copy(pristine)
    conn.execute("DELETE FROM history_chain_head")
    assert "end marker" in _verify(conn).first.message
    conn = _copy(pristine)
    conn.execute("DELETE FROM history")
    assert not _verify(conn).ok


def test_empty_history_is_fine():
    from app.trust.chain import check_rows
    assert check_rows([], (0, GENESIS)).ok
