"""Fixtures for the sync engine tests: a real sandbox subprocess on 127.0.0.1
(shared per module, reset per test), an in-memory keyring, an engine."""

from __future__ import annotations

import pytest

from app.sync.engine import SyncEngine
from app.sync.outbox import Backoff
from tests.app.sync.helpers import creds_for


@pytest.fixture
def db_path(tmp_path):
    """The till's database on tmpfs where there is one (SQLite fsyncs every commit)."""
    from tests.app.sync.faultrun import fast_dir

    return fast_dir(tmp_path) / "kasir.db"


@pytest.fixture(autouse=True)
def _no_real_keyring(memory_keyring):
    """Every sync test runs on the in-memory keyring."""
    return memory_keyring




@pytest.fixture
def engine(store, sandbox):
    eng = SyncEngine(store, till="T1", credentials=creds_for(sandbox),
                     backoff=Backoff(base=0.01, cap=0.05), remind=False, timeout=5)
    yield eng
    eng.close()
