"""A key that may only read: the till says so plainly and keeps every sale queued."""

from app.sandbox.testing import running_sandbox
from app.services.invoices import create_and_issue
from app.sync.credentials import Credentials
from app.sync.engine import SyncEngine
from app.sync.outbox import Backoff
from tests.conftest import draft_input


def test_read_only_key_stops_the_push_without_losing_anything(tmp_path, store, ctx, customer):
    inv = create_and_issue(ctx, draft_input(customer.id))
    with running_sandbox(tmp_path / "sbx", read_key_id="ak_test_ro",
                         read_secret="sk_test_ro_secret") as sbx:
        creds = Credentials("ak_test_ro", "sk_test_ro_secret", sbx.base_url, "test")
        engine = SyncEngine(store, till="T1", credentials=creds,
                            backoff=Backoff(base=0.01, cap=0.05), remind=False, timeout=5)
        try:
            report = engine.run_pass()
        finally:
            engine.close()
        assert "may not" in report.error and report.pushed == 0
        assert report.pending >= 2  # the customer and the invoice still wait, nothing dropped
        assert report.conflicts == 0  # a key problem is not the sale's conflict
        with sbx.client() as full:
            assert full.invoices.list(limit=10).data == []
    from app.services.queries import get_invoice
    assert get_invoice(ctx, inv.id).sync_state == "pending"
