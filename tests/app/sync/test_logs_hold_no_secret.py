"""After a real sync run against the sandbox, and after a logged exception that
carries the secret, the log file holds no Plugipay secret (app/logs.py)."""

from __future__ import annotations

import logging

import pytest

from app import logs
from app.services.invoices import PaymentInput, create_and_issue, mark_paid
from tests.conftest import draft_input


@pytest.fixture
def log_file(tmp_path, monkeypatch):
    monkeypatch.setenv(logs.ENV_LOG_DIR, str(tmp_path / "logs"))
    logs.uninstall()
    path = logs.install(level=logging.DEBUG)  # every library's debug line goes through the filter
    old_level = logging.getLogger().level
    logging.getLogger().setLevel(logging.DEBUG)
    yield path
    logging.getLogger().setLevel(old_level)
    logs.uninstall()


def test_a_sync_run_and_a_logged_exception_leave_no_secret_in_the_log(ctx, customer, engine,
                                                                      sandbox, log_file):
    secret = sandbox.secret
    assert secret.startswith("sk_")
    invoice = create_and_issue(ctx, draft_input(customer.id))
    mark_paid(ctx, invoice.id, PaymentInput("cash"))
    report = engine.run_pass(reconcile=True)
    assert report.online and report.pushed >= 2, report.summary()
    logging.getLogger("kasir.sync").warning("credentials in use: key %s secret %s",
                                            sandbox.key_id, secret)
    try:
        raise RuntimeError(f"server refused the secret {secret}")
    except RuntimeError:
        logging.getLogger("kasir.sync").exception("push failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "kasir.sync" in text and "push failed" in text and "Traceback" in text
    assert "sk_***" in text  # the lines were written, masked
    assert sandbox.key_id in text  # the key id is no secret
    assert secret not in text
    assert secret[3:] not in text
