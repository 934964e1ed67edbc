"""Emailing invoices, reminders, the background runner, the demo sandbox and
the command line."""

from __future__ import annotations

import json
import threading

import pytest

from app.domain.errors import ConflictError, ValidationError
from app.services.customers import CustomerInput, add_customer
from app.services.invoices import PaymentInput, create_and_issue, mark_paid, void
from app.services.queries import get_invoice, invoice_history
from app.sync.emails import invoice_emails, queue_reminders, send_invoice, set_reminders
from app.sync.engine import SyncEngine
from app.sync.outbox import Backoff
from app.sync.runner import SyncRunner
from tests.app.sync.helpers import creds_for
from tests.conftest import draft_input


def _sent(sandbox):
    return sandbox.client().events.list(limit=100, type="plugipay.invoice.sent.v1").data


def test_send_is_queued_offline_and_goes_out(ctx, customer, engine, sandbox, make_draft):
    inv = create_and_issue(ctx, draft_input(customer.id))
    mail = send_invoice(ctx, inv.id)
    send_invoice(ctx, inv.local_number, "Boss@Example.com")
    assert mail.sent_at is None and get_invoice(ctx, inv.id).sync_state == "pending"
    assert engine.run_pass().pending == 0
    mails = invoice_emails(ctx, inv.id)
    assert [m.sent_to for m in mails] == ["budi@example.com", "boss@example.com"]
    assert all(m.sent_at for m in mails) and len(_sent(sandbox)) == 2
    actions = [h.action for h in invoice_history(ctx, inv.id)]
    assert actions.count("email_queued") == 2 and actions.count("email_sent") == 2
    with pytest.raises(ValidationError):
        send_invoice(ctx, inv.id, "not-an-email")
    with pytest.raises(ConflictError):
        send_invoice(ctx, make_draft().id)
    nomail = add_customer(ctx, CustomerInput("Tanpa Email"))
    other = create_and_issue(ctx, draft_input(nomail.id))
    with pytest.raises(ValidationError):
        send_invoice(ctx, other.id)
    void(ctx, other.id, "x")
    with pytest.raises(ConflictError):
        send_invoice(ctx, other.id, "a@b.co")


def test_reminders_every_n_days_until_paid(ctx, clock, customer):
    a = create_and_issue(ctx, draft_input(customer.id))
    b = create_and_issue(ctx, draft_input(customer.id))
    nomail = add_customer(ctx, CustomerInput("Tanpa Email"))
    create_and_issue(ctx, draft_input(nomail.id))
    assert queue_reminders(ctx) == 0
    clock.advance(days=3)
    assert queue_reminders(ctx) == 2 and queue_reminders(ctx) == 0
    mark_paid(ctx, a.id, PaymentInput("cash"))
    clock.advance(days=2)
    assert queue_reminders(ctx) == 0
    clock.advance(days=1)
    assert queue_reminders(ctx) == 1
    assert [m.reason for m in invoice_emails(ctx, b.id)] == ["reminder", "reminder"]
    set_reminders(ctx, enabled=True, every_days=7)
    clock.advance(days=6)
    assert queue_reminders(ctx) == 0
    set_reminders(ctx, enabled=False)
    clock.advance(days=30)
    assert queue_reminders(ctx) == 0
    with pytest.raises(ValidationError):
        set_reminders(ctx, every_days=0)


def test_runner_reports_online_offline_and_queue(ctx, store, customer, sandbox):
    seen, done = [], threading.Event()

    def on_status(s):
        seen.append(s)
        if s.state == "idle" and s.pending == 0:
            done.set()
    engine = SyncEngine(store, credentials=creds_for(sandbox), remind=False,
                        backoff=Backoff(base=0.01, cap=0.02))
    runner = SyncRunner(store, engine=engine, interval=0.2, on_status=on_status)
    create_and_issue(ctx, draft_input(customer.id))
    runner.start()
    try:
        assert done.wait(20), seen
    finally:
        runner.stop()
    assert not runner.running
    assert seen[0].state == "syncing" and seen[0].pending == 2
    assert any(s.online for s in seen) and seen[-1].pending == 0
    offline = SyncEngine(store, credentials=creds_for(sandbox)._replace_url("http://127.0.0.1:9"),
                         remind=False, timeout=1)
    r = SyncRunner(store, engine=offline)
    create_and_issue(ctx, draft_input(customer.id))
    r.run_once()
    assert r.last.state == "offline" and not r.last.online and r.last.pending == 1
    r.stop()
    nocreds = SyncRunner(store)
    nocreds.run_once()
    assert nocreds.last.state == "not_connected" and "kasir login" in nocreds.last.message
    nocreds.stop()


def test_demo_sandbox_connects(tmp_path, store, ctx, customer):
    from app.sync.demo import start_demo_sandbox

    with start_demo_sandbox(tmp_path / "demo") as demo:
        engine = SyncEngine(store, credentials=demo.credentials, remind=False)
        create_and_issue(ctx, draft_input(customer.id))
        report = engine.run_pass()
        engine.close()
        assert report.online and report.pending == 0, report.summary()
    assert demo.process.poll() is not None
    assert not any(demo.secret.encode() in p.read_bytes()
                   for p in (tmp_path / "demo").rglob("*") if p.is_file())


def _cli(capsys, *argv):
    from app.cli import main

    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_login_sync_conflicts_send(db_path, sandbox, capsys, monkeypatch, memory_keyring):
    import io

    db = ["--db", str(db_path), "--operator", "ana"]
    code, out, err = _cli(capsys, "sync", *db)
    assert code == 6 and "kasir login" in err
    monkeypatch.setattr("sys.stdin", io.StringIO(sandbox.secret + "\n"))
    code, out, _ = _cli(capsys, "login", "--key-id", sandbox.key_id, "--base-url",
                        sandbox.base_url, "--secret-stdin", "--json", *db)
    assert code == 0 and sandbox.secret not in out and json.loads(out)["keyId"] == sandbox.key_id
    assert _cli(capsys, "customer", "add", "--name", "Sari", "--email", "sari@example.com", *db)[0] == 0
    code, out, _ = _cli(capsys, "invoice", "create", "--customer", "1", "--currency", "IDR",
                        "--line", "Kopi", "2", "18000", "--issue", "--json", *db)
    inv = json.loads(out)
    assert _cli(capsys, "invoice", "send", str(inv["id"]), "--to", "x@example.com", *db)[0] == 0
    code, out, err = _cli(capsys, "sync", "--window", "99", *db)
    assert code != 0 and "between 1 and 64" in err  # refused: nothing sent
    code, out, _ = _cli(capsys, "sync", "--window", "2", *db)
    assert code == 0 and "sent 3 changes" in out and "Waiting: 0" in out, out
    code, out, _ = _cli(capsys, "invoice", "show", str(inv["id"]), "--json", *db)
    shown = json.loads(out)
    assert shown["number"].startswith("INV-") and shown["syncState"] == "synced"
    sandbox.pay_invoice(shown["plugipayId"])
    _cli(capsys, "invoice", "void", str(inv["id"]), "--reason", "oops", *db)
    code, out, _ = _cli(capsys, "sync", "--json", *db)
    assert json.loads(out)["conflicts"] == 1
    code, out, _ = _cli(capsys, "sync", "conflicts", *db)
    assert "paid_elsewhere" in out and "refund" in out
    code, out, _ = _cli(capsys, "sync", "resolve", "1", "--note", "ok", *db)
    assert code == 0
    code, out, _ = _cli(capsys, "sync", "status", *db)
    assert "Conflicts 0" in out and sandbox.secret not in out
    code, out, _ = _cli(capsys, "invoice", "emails", str(inv["id"]), *db)
    assert "x@example.com" in out and "sent" in out
    code, out, _ = _cli(capsys, "sync", "reminders", "--every-days", "5", *db)
    assert "every 5 day" in out
    assert _cli(capsys, "logout", *db)[0] == 0 and memory_keyring.data == {}
