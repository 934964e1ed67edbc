"""Fixtures shared by every test folder: a real temporary SQLite store and helpers."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, timedelta, timezone

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["KASIR_LANG"] = "en"  # the suite asserts English text; i18n tests switch on purpose
os.environ.setdefault("KASIR_LOG_DIR", tempfile.mkdtemp(prefix="kasir-test-logs-"))  # app/logs.py

from app.domain.validation import DraftInput, LineInput  # noqa: E402
from app.services.context import Context, open_store  # noqa: E402
from app.services.customers import CustomerInput, add_customer  # noqa: E402
from app.services.invoices import create_draft  # noqa: E402


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime | None = None):
        self.t = start or datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.t

    def advance(self, **kw) -> None:
        self.t += timedelta(**kw)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "kasir.db"


@pytest.fixture
def store(db_path):
    s = open_store(db_path)
    yield s
    s.dispose()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def ctx(store, clock):
    return Context(store, operator="ana", till="T1", clock=clock)


@pytest.fixture
def customer(ctx):
    return add_customer(ctx, CustomerInput("Budi Santoso", "budi@example.com", "+62 812 3456 7890"))


def draft_input(customer_id, currency="IDR", lines=(("Kopi susu", 2, 18000),), discount=0,
                tax=0, due_at=None, memo="") -> DraftInput:
    return DraftInput(customer_id, currency, tuple(LineInput(*l) for l in lines), discount, tax,
                      due_at, memo)


@pytest.fixture
def make_draft(ctx, customer):
    def make(**kw):
        return create_draft(ctx, draft_input(kw.pop("customer_id", customer.id), **kw))
    return make


@pytest.fixture
def memory_keyring(monkeypatch):
    """An in-memory keyring, and no Plugipay credentials from the environment."""
    import keyring

    from tests.keyring_memory import MemoryKeyring

    for name in ("PLUGIPAY_KEY_ID", "PLUGIPAY_SECRET", "PLUGIPAY_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="module")
def sandbox_proc(tmp_path_factory):
    """A real Plugipay sandbox process on 127.0.0.1, one per test module."""
    from app.sandbox.testing import running_sandbox

    with running_sandbox(tmp_path_factory.mktemp("sandbox")) as sbx:
        yield sbx


@pytest.fixture
def sandbox(sandbox_proc):
    """The module's sandbox, emptied and without faults."""
    sandbox_proc.set_faults(fail_rate=0, drop_rate=0, latency_ms=0, rate_limit=0, clock_skew=0)
    sandbox_proc.reset()
    return sandbox_proc


def pytest_collection_modifyitems(config, items):
    """Tests marked opt_in("ENV", ...) need minutes (soak runs, a bundle build) that the default run
    has not got: they are deselected (not skipped) unless one of those variables is set,
    so the default run reports 0 skipped. README names each opt-in job."""
    keep, dropped = [], []
    for item in items:
        marker = item.get_closest_marker("opt_in")
        wanted = marker is None or any(os.environ.get(v) for v in marker.args)
        (keep if wanted else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
