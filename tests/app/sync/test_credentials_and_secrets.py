"""Credentials: keyring, environment override, no plaintext fallback, and no
secret in the database, configuration or logs after a sync."""

from __future__ import annotations

import logging

import pytest

from app.services.invoices import create_and_issue
from app.sync import credentials
from app.sync.credentials import CredentialsError
from app.sync.engine import SyncEngine
from app.sync.outbox import Backoff
from tests.conftest import draft_input


def test_keyring_round_trip(memory_keyring):
    assert credentials.load({}) is None
    saved = credentials.save("ak_test_1", "s3cr3t-value", "http://127.0.0.1:1")
    assert "s3cr3t" not in repr(saved) and "s3cr3t" not in str(saved.describe())
    got = credentials.load({})
    assert (got.key_id, got.secret, got.base_url, got.source) == (
        "ak_test_1", "s3cr3t-value", "http://127.0.0.1:1", "keyring")
    # The environment wins, and is never written anywhere.
    env = {"PLUGIPAY_KEY_ID": "ak_env", "PLUGIPAY_SECRET": "env-secret",
           "PLUGIPAY_BASE_URL": "http://127.0.0.1:2/"}
    got = credentials.load(env)
    assert (got.key_id, got.base_url, got.source) == ("ak_env", "http://127.0.0.1:2", "environment")
    assert "env-secret" not in str(memory_keyring.data)
    assert credentials.load({"PLUGIPAY_BASE_URL": "http://x:3"}).base_url == "http://x:3"
    assert credentials.forget() is True and credentials.forget() is False
    with pytest.raises(CredentialsError):
        credentials.require({})


@pytest.mark.parametrize("key_id, secret, url, field", [
    ("", "s", "", "key_id"), ("ak x", "s", "", "key_id"), ("ak", "", "", "secret"),
    ("ak", "s", "ftp://x", "base_url")])
def test_bad_credentials_are_refused(key_id, secret, url, field, memory_keyring):
    from app.domain.errors import ValidationError

    with pytest.raises(ValidationError) as e:
        credentials.save(key_id, secret, url)
    assert e.value.field == field and memory_keyring.data == {}


def test_no_keyring_backend_no_plaintext(tmp_path, monkeypatch):
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    keyring.set_keyring(FailKeyring())
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CredentialsError) as e:
        credentials.save("ak_test", "secret-xyz")
    assert "PLUGIPAY_SECRET" in e.value.message
    assert credentials.load({}) is None
    assert not any(b"secret-xyz" in p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())


def test_no_secret_anywhere_after_a_sync(ctx, customer, sandbox, db_path, tmp_path, caplog,
                                        monkeypatch, memory_keyring):
    monkeypatch.setenv("PLUGIPAY_KEY_ID", sandbox.key_id)
    monkeypatch.setenv("PLUGIPAY_SECRET", sandbox.secret)
    monkeypatch.setenv("PLUGIPAY_BASE_URL", sandbox.base_url)
    caplog.set_level(logging.DEBUG)
    create_and_issue(ctx, draft_input(customer.id))
    sandbox.set_faults(fail_rate=0.3, seed=5)  # errors get logged too
    engine = SyncEngine(ctx.store, backoff=Backoff(base=0.01, cap=0.02), remind=False)
    reports = engine.drain()
    engine.close()
    assert reports[-1].pending == 0
    secret = sandbox.secret.encode()
    ctx.store.dispose()
    files = [p for p in db_path.parent.iterdir() if p.is_file()]  # the db, -wal, -shm
    assert files and not any(secret in p.read_bytes() for p in files)
    assert sandbox.secret not in caplog.text and sandbox.secret not in str(reports)
    assert memory_keyring.data == {}  # the environment's key was not copied to the keyring
    assert not any(secret in p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
