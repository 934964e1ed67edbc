"""Fixtures for the Plugipay sandbox tests: a real ``python -m app.sandbox``
subprocess on 127.0.0.1, driven through the official SDK."""

from __future__ import annotations

import sys
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.sandbox.testing import SandboxProcess, running_sandbox  # noqa: E402


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> SandboxProcess:
    """One server per test module (tests make their own customers, so they
    do not see each other's data when they filter by customer)."""
    with running_sandbox(tmp_path_factory.mktemp("sandbox")) as sbx:
        yield sbx


@pytest.fixture
def client(sandbox):
    with sandbox.client() as c:
        yield c


@pytest.fixture
def start_sandbox(tmp_path):
    """Factory for a private server with options: ``start_sandbox(fail_rate=1)``."""
    with ExitStack() as stack:
        counter = iter(range(100))

        def start(**options: Any) -> SandboxProcess:
            return stack.enter_context(running_sandbox(tmp_path / f"sbx{next(counter)}", **options))

        yield start


@pytest.fixture
def customer(client):
    return client.customers.create(email=f"{uuid.uuid4().hex[:8]}@example.com", name="Ada")
