"""After a real sync with known credentials, none of them is in the database,
its backups, the configuration, the logs or the crash reports."""

from __future__ import annotations

import logging
import secrets as pysecrets

import pytest

from app.domain.validation import DraftInput, LineInput
from app.services import invoices
from app.services.context import Context, open_store
from app.services.customers import CustomerInput, add_customer
from app.store.backup import backup_if_due, make_backup
from app.services.roles import login, with_approval
from app.trust.secrets_scan import scan
from app.trust.staff import add_staff




def test_scanner_finds_what_is_there(tmp_path):
    (tmp_path / "a.bin").write_bytes(b"\x00junk" + "sk_live_abcdef".encode("utf-16-le"))
    (tmp_path / "b.txt").write_text("nothing here")
    found = scan([tmp_path], {"secret": "sk_live_abcdef"})
    assert [(f.path.name, f.encoding) for f in found] == [("a.bin", "utf-16")]


def test_no_secret_anywhere_after_a_sync(tmp_path, tmp_path_factory, memory_keyring, monkeypatch):
    pytest.importorskip("app.sync.engine")
    from app.sandbox.testing import running_sandbox
    from app.sync import credentials
    from app.sync.engine import SyncEngine

    home = tmp_path / "home"
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                     ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state"), ("HOME", "")):
        monkeypatch.setenv(var, str(home / sub))
    key_id = "ak_test_" + pysecrets.token_hex(8)
    secret = "sk_test_" + pysecrets.token_hex(16)
    pins = {"olga": "48213", "cici": "91730"}
    log_file = tmp_path / "logs" / "kasir.log"
    log_file.parent.mkdir()
    handler = logging.FileHandler(log_file)
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    db_path = tmp_path / "data" / "kasir.db"
    try:
        with running_sandbox(tmp_path_factory.mktemp("sandbox"), key_id=key_id,
                             secret=secret) as sbx:
            credentials.save(key_id, secret, sbx.base_url)  # the OS keyring (here: memory)
            store = open_store(db_path)
            ctx = Context(store, operator="setup", till="T1")
            add_staff(ctx, "olga", "owner", pins["olga"])
            owner = login(ctx, "olga", pins["olga"])
            add_staff(owner, "cici", "cashier", pins["cici"])
            cashier = login(ctx, "cici", pins["cici"])
            cust = add_customer(cashier, CustomerInput("Budi", "budi@example.com", "", "", ""))
            made = [invoices.create_and_issue(cashier, DraftInput(
                cust.id, "IDR", (LineInput("Kopi", 2, 18000),), 0, 0, None, "")) for _ in range(3)]
            invoices.mark_paid(cashier, made[0].id, invoices.PaymentInput("cash"))
            invoices.void(with_approval(cashier, "void", "olga", pins["olga"]), made[1].id, "x")
            engine = SyncEngine(store, till="T1", timeout=5, remind=False)  # keyring creds
            try:
                report = engine.run_pass(reconcile=True)
            finally:
                engine.close()
            assert report.online and report.pushed >= 4, report.to_json()
            make_backup(db_path)
            backup_if_due(db_path)
            make_backup(db_path, tmp_path / "exports" / "copy.db")
            store.dispose()
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()
    assert log_file.stat().st_size > 0  # the sync did log
    watched = {"Plugipay secret": secret, "Plugipay key id": key_id,
               **{f"{n}'s PIN": f'"{p}"' for n, p in pins.items()}}
    findings = scan([tmp_path], watched)
    assert findings == [], [f"{f.secret_label} in {f.path} ({f.encoding})" for f in findings]
    assert memory_keyring.get_password(credentials.SERVICE, credentials.ENTRY)  # where it lives
