"""Crash safety: a writer process doing real till actions is killed with SIGKILL
at random moments, many times, on the same database. After each kill: SQLite's
integrity check passes, every action the writer saw committed is there, no
action is half there, local numbers have no gap and the history chain holds.

KASIR_CRASH_TRIALS sets the number of kills (default 30)."""

from __future__ import annotations

import os
import random
import select as select_mod
import signal
import sqlite3
import sys
import time

import pytest

from app.services.context import Context, open_store
from app.trust.chain import verify
from app.services.roles import login
from app.trust.staff import add_staff

TRIALS = int(os.environ.get("KASIR_CRASH_TRIALS", "30"))

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")


def writer(db_path: str, seed: int, out_fd: int) -> None:
    """The child: real service calls, one line per committed action."""
    from app.domain.validation import DraftInput, LineInput
    from app.services import invoices
    from app.services.customers import CustomerInput, add_customer
    from app.services.pins import SCRYPT_N  # noqa: F401  (imported before timing matters)

    rng = random.Random(seed)
    store = open_store(db_path)
    base = Context(store, operator="maya", till="T1")
    ctx = login(base, "maya", "7305")
    out = os.fdopen(out_fd, "w", buffering=1)
    out.write("ready\n")
    cust = add_customer(ctx, CustomerInput(f"Pelanggan {seed}", "", "", "", ""))
    out.write(f"customer {cust.id}\n")
    open_ids: list[int] = []
    while True:
        roll = rng.random()
        if roll < 0.45 or not open_ids:
            inv = invoices.create_and_issue(ctx, DraftInput(
                cust.id, "IDR", (LineInput("Es teh", rng.randint(1, 9), 5000),), 0, 0, None, "m"))
            open_ids.append(inv.id)
            out.write(f"issue {inv.id} {inv.local_number}\n")
        elif roll < 0.75:
            inv, receipt = invoices.mark_paid(ctx, open_ids.pop(0), invoices.PaymentInput("cash"))
            out.write(f"pay {inv.id} {receipt.number}\n")
        elif roll < 0.9:
            inv = invoices.void(ctx, open_ids.pop(), "salah input")
            out.write(f"void {inv.id}\n")
        else:
            inv = invoices.create_draft(ctx, DraftInput(
                cust.id, "IDR", (LineInput("Kopi", 1, 18000),), 0, 0, None, ""))
            out.write(f"draft {inv.id}\n")
        out.flush()


def run_and_kill(db_path, seed: int, rng: random.Random) -> list[list[str]]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        try:
            os.close(read_fd)
            writer(str(db_path), seed, write_fd)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    buf = b""
    deadline = None
    try:
        while True:
            timeout = 30 if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select_mod.select([read_fd], [], [], timeout)
            if not ready:
                break  # the moment has come
            chunk = os.read(read_fd, 65536)
            if not chunk:
                break
            buf += chunk
            if deadline is None and b"ready\n" in buf:
                deadline = time.monotonic() + rng.uniform(0.0, 0.5)
    finally:
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    while chunk := os.read(read_fd, 65536):  # what was written before the kill
        buf += chunk
    os.close(read_fd)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, \
        "the writer stopped by itself (an error?) instead of being killed"
    lines = buf.decode().split("\n")[:-1]  # a half-written last line is not counted
    return [l.split() for l in lines if l and l != "ready"]


def check_after_crash(db_path, seen: dict) -> None:
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        q = lambda sql, *a: conn.execute(sql, a).fetchall()  # noqa: E731
        invoices = {r[0]: r[1:] for r in q("SELECT id, status, local_number FROM invoices")}
        # Everything the writer saw committed is there. The action in flight at the
        # kill may have committed unseen (killed between commit and print): at most
        # one invoice per kill may have moved on, and only along the lifecycle.
        moved_on = 0
        for inv_id, (status, number) in seen["invoices"].items():
            assert inv_id in invoices, f"committed invoice {inv_id} is gone"
            now_status, now_number = invoices[inv_id]
            assert now_number == number, f"invoice {inv_id} changed its number"
            if now_status != status:
                assert (status, now_status) in (("open", "paid"), ("open", "void")), \
                    f"invoice {inv_id} went from {status} to {now_status}"
                moved_on += 1
        moved_on += len(set(invoices) - set(seen["invoices"]))
        assert moved_on <= 1, f"{moved_on} unseen changes after one kill"
        receipts = {r[0] for r in q("SELECT number FROM receipts")}
        assert seen["receipts"] <= receipts
        # What is there now passed every check: it is the baseline for the next kill.
        seen["invoices"] = {i: (st, num) for i, (st, num) in invoices.items()}
        seen["receipts"] = receipts
        # Nothing is half there.
        hist = {}
        for entity, action in q("SELECT entity_id, action FROM history WHERE entity_type='invoice'"):
            hist.setdefault(entity, []).append(action)
        outbox = {}
        for agg, op in q("SELECT aggregate, operation FROM outbox"):
            outbox.setdefault(int(agg.split(":")[1]), []).append(op)
        paid = {r[0]: r[1:] for r in q(
            "SELECT p.invoice_id, COUNT(DISTINCT p.id), COUNT(r.id) FROM payments p "
            "LEFT JOIN receipts r ON r.payment_id = p.id GROUP BY p.invoice_id")}
        for inv_id, (status, number) in invoices.items():
            assert "create" in hist.get(inv_id, []), f"invoice {inv_id} has no history"
            if status == "draft":
                continue
            issued = number is not None
            if status != "void" or issued:
                assert issued and "issue" in hist[inv_id] and "invoice.issue" in outbox[inv_id]
            if status == "paid":
                assert paid.get(inv_id) == (1, 1), f"paid invoice {inv_id} lacks payment/receipt"
                assert "pay" in hist[inv_id] and "invoice.pay" in outbox[inv_id]
            else:
                assert inv_id not in paid, f"unpaid invoice {inv_id} has a payment"
            if status == "void":
                assert "void" in hist[inv_id]
                if issued:
                    assert "invoice.void" in outbox[inv_id]
        # Local numbers have no gap.
        for kind, prefix, table in (("invoice", "T1-", "invoices"), ("receipt", "T1-R", "receipts")):
            col = "local_number" if table == "invoices" else "number"
            nums = sorted(int(r[0][len(prefix):]) for r in q(
                f"SELECT {col} FROM {table} WHERE {col} IS NOT NULL"))
            last = q("SELECT last_value FROM number_series WHERE till_code='T1' AND kind=?", kind)
            assert nums == list(range(1, len(nums) + 1)), f"{kind} numbers have a gap"
            assert (last[0][0] if last else 0) == len(nums)
    finally:
        conn.close()
    store = open_store(db_path)
    try:
        report = verify(store)
        assert report.ok, report.summary()
    finally:
        store.dispose()


def test_sigkill_at_random_moments(tmp_path):
    db_path = tmp_path / "kasir.db"
    store = open_store(db_path)
    ctx = Context(store, operator="setup", till="T1")
    add_staff(ctx, "olga", "owner", "4821")
    add_staff(login(ctx, "olga", "4821"), "maya", "manager", "7305")
    store.dispose()
    rng = random.Random(int(os.environ.get("KASIR_CRASH_SEED", "7")))
    seen = {"invoices": {}, "receipts": set()}
    actions = 0
    for _trial in range(TRIALS):
        for words in run_and_kill(db_path, rng.randrange(1 << 30), rng):
            kind = words[0]
            actions += 1
            if kind == "issue":
                seen["invoices"][int(words[1])] = ("open", words[2])
            elif kind == "pay":
                seen["invoices"][int(words[1])] = ("paid", seen["invoices"][int(words[1])][1])
                seen["receipts"].add(words[2])
            elif kind == "void":
                seen["invoices"][int(words[1])] = ("void", seen["invoices"][int(words[1])][1])
            elif kind == "draft":
                seen["invoices"][int(words[1])] = ("draft", None)
        check_after_crash(db_path, seen)
    print(f"\nCRASH TRIALS: {TRIALS} SIGKILLs, {actions} committed actions seen, "
          f"{len(seen['invoices'])} invoices checked after every kill", file=sys.stderr)
    assert actions > TRIALS  # the writer really worked between kills
