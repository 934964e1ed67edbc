"""Test helpers for the sync engine tests (imported by conftest and tests)."""

from __future__ import annotations

from app.sync.credentials import Credentials


from tests.keyring_memory import MemoryKeyring  # noqa: E402,F401  (re-exported)


def creds_for(sbx) -> Credentials:
    return Credentials(sbx.key_id, sbx.secret, sbx.base_url, "test")
