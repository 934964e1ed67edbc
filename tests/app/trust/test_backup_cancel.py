"""A closing app stops a long backup or history check at once, and leaves nothing half made."""

import pytest

from app.services import invoices as svc
from app.services.audit import record_history
from app.store.backup import BackupCancelled, list_backups, make_backup
from app.trust.chain import ChainCheckCancelled, verify
from app.trust.checks import startup_check
from tests.conftest import draft_input


def test_backup_and_chain_check_stop_when_asked(ctx, customer, db_path):
    for _ in range(30):
        svc.create_and_issue(ctx, draft_input(customer.id))
    asked = []

    def stop_now():
        asked.append(1)
        return True
    with pytest.raises(BackupCancelled):
        make_backup(db_path, kind="manual", should_stop=stop_now)
    assert asked and list_backups(db_path) == []
    assert not list((db_path.parent / "backups").glob("*.part")) if (db_path.parent / "backups").exists() else True
    assert make_backup(db_path, kind="manual").path.exists()  # and the next one works

    with ctx.store.unit_of_work() as uow:  # enough entries for the check to ask
        for _ in range(5100):
            record_history(uow.session, ctx, "invoice", 1, "note", None, None)
        uow.commit()
    with pytest.raises(ChainCheckCancelled):
        verify(ctx.store, should_stop=lambda: True)
    assert verify(ctx.store).ok and startup_check(db_path).ok


def test_a_cancelled_start_up_check_gives_no_verdict(ctx, customer, db_path):
    with ctx.store.unit_of_work() as uow:
        for _ in range(5100):
            record_history(uow.session, ctx, "invoice", 1, "note", None, None)
        uow.commit()
    with pytest.raises(ChainCheckCancelled):
        startup_check(db_path, should_stop=lambda: True)
