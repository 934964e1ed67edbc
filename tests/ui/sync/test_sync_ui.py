"""Plugipay sync in the app, against a real sandbox process on 127.0.0.1: the
connection settings (keyring in memory), the background runner feeding the
status bar and refreshing the views, payments made online, a refused sale as a
conflict resolved from its screen, and the reminder settings."""

from __future__ import annotations

import json


from app.services.invoices import issue
from app.services.queries import get_invoice
from app.sync import credentials

SLOW = 20000  # ms: a sync pass is a few HTTP requests to a local process




def connection_box(qtbot, window, idle):
    window.nav.setCurrentRow(3)
    box = window.settings_page.connection
    idle()
    qtbot.waitUntil(lambda: box.sync.net.is_idle(), timeout=5000)
    return box


def fill(box, key_id, secret, base_url):
    box.key_id.setText(key_id)
    box.secret.setText(secret)
    box.base_url.setText(base_url)


def list_row(window, inv_id):
    from ui.common.paged_model import ID_ROLE

    model = window.invoice_list.model
    for r in range(model.rowCount()):
        if model.index(r, 0).data(ID_ROLE) == inv_id:
            return r
    return None


def cell(window, inv_id, col):
    r = list_row(window, inv_id)
    return None if r is None else window.invoice_list.model.index(r, col).data()


def test_connect_in_settings_then_sales_sync_and_online_payments_come_back(
        qtbot, ctx, full_window, sync_bridge, memory_keyring, sandbox, make_draft, idle, bus):
    from ui.common.changes import INVOICE_ACTION
    from ui.invoices.list import Columns

    inv = issue(ctx, make_draft().id)
    bus.announce(INVOICE_ACTION)  # as the screen that issued it would
    qtbot.waitUntil(lambda: list_row(full_window, inv.id) is not None, timeout=5000)
    assert "not connected" in full_window.sync_label.text()
    box = connection_box(qtbot, full_window, idle)
    fill(box, sandbox.key_id, sandbox.secret, sandbox.base_url)
    box.save()
    qtbot.waitUntil(lambda: "Saved in this computer's password store" in box.banner.text(),
                    timeout=5000)
    stored = json.loads(memory_keyring.data[(credentials.SERVICE, credentials.ENTRY)])
    assert stored["keyId"] == sandbox.key_id and box.secret.text() == ""
    assert sync_bridge.running

    qtbot.waitUntil(lambda: get_invoice(ctx, inv.id).sync_state == "synced", timeout=SLOW)
    qtbot.waitUntil(lambda: full_window.online_label.text() == "● Online"
                    and full_window.pending_label.text() == "0 waiting to sync", timeout=SLOW)
    qtbot.waitUntil(lambda: full_window.sync_label.text() == "Sync: up to date", timeout=SLOW)
    # The list heard of it on the bus: its sync column says so.
    full_window.nav.setCurrentRow(0)
    qtbot.waitUntil(lambda: cell(full_window, inv.id, Columns.SYNC) == "Synced", timeout=SLOW)

    full_window.open_invoice(inv.id)
    qtbot.waitUntil(lambda: "Plugipay: Synced" in full_window.detail.info.text(), timeout=5000)
    full_window.back_to_list()

    # Paid in Plugipay (a bank transfer to the hosted page): the till learns it.
    plugipay_id = get_invoice(ctx, inv.id).plugipay_id
    sandbox.pay_invoice(plugipay_id)
    sync_bridge.wake()
    qtbot.waitUntil(lambda: get_invoice(ctx, inv.id).status == "paid", timeout=SLOW)
    qtbot.waitUntil(lambda: cell(full_window, inv.id, Columns.STATUS) == "Paid", timeout=SLOW)


def test_a_refused_sale_is_a_conflict_resolved_from_its_screen(
        qtbot, ctx, full_window, sync_bridge, sandbox, make_draft, monkeypatch):
    from app.store.models import OutboxOperation

    monkeypatch.setenv("PLUGIPAY_KEY_ID", sandbox.key_id)
    monkeypatch.setenv("PLUGIPAY_SECRET", sandbox.secret)
    monkeypatch.setenv("PLUGIPAY_BASE_URL", sandbox.base_url)
    bad = issue(ctx, make_draft().id)
    with ctx.store.unit_of_work() as uow:  # Plugipay will refuse this sale's currency
        op = uow.session.query(OutboxOperation).filter_by(aggregate=f"invoice:{bad.id}",
                                                          operation="invoice.issue").one()
        op.payload = {**op.payload, "currency": "EUR"}
        op_id = op.id
        uow.commit()
    sync_bridge.start_if_connected()  # as `kasir` does at start-up (demo: environment)
    qtbot.waitUntil(lambda: full_window.conflicts_button.isVisible(), timeout=SLOW)
    assert full_window.conflicts_button.text() == "⚠ 1 sync conflict"
    qtbot.waitUntil(lambda: get_invoice(ctx, bad.id).sync_state == "conflict", timeout=SLOW)

    full_window.conflicts_button.click()
    dialog = full_window.conflicts_dialog
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=5000)
    assert dialog.table.item(0, 1).text() == "T1-000001"
    assert "holding back" in dialog.table.item(0, 3).text()
    assert dialog.retry_button.isEnabled() and "currency" in dialog.details.text()

    with ctx.store.unit_of_work() as uow:  # the cause fixed...
        op = uow.session.get(OutboxOperation, op_id)
        op.payload = {**op.payload, "currency": "IDR"}
        uow.commit()
    dialog.note.setText("currency fixed")
    dialog.retry_button.click()  # ...and sent again
    qtbot.waitUntil(lambda: "resolved (sent again)" in dialog.banner.text(), timeout=5000)
    qtbot.waitUntil(lambda: get_invoice(ctx, bad.id).sync_state == "synced", timeout=SLOW)
    qtbot.waitUntil(lambda: not full_window.conflicts_button.isVisible(), timeout=SLOW)
    dialog.show_resolved.setChecked(True)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1
                    and "Resolved (sent again) by ana" in dialog.table.item(0, 3).text(),
                    timeout=5000)
    dialog.close()


def test_accept_a_conflict_with_a_note(qtbot, ctx, window, make_draft, bus):
    from app.sync.conflicts import list_conflicts, record_conflict
    from ui.sync.conflicts import ConflictsDialog

    inv = issue(ctx, make_draft().id)
    with ctx.store.unit_of_work() as uow:
        record_conflict(uow.session, ctx, aggregate=f"invoice:{inv.id}", operation="pull",
                        kind="diverged", message="The till shows open but Plugipay shows void.",
                        local_state={"status": "open"}, remote_state={"status": "void"})
        uow.commit()
    dialog = ConflictsDialog(window.worker, bus, None, window)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.show()
    assert dialog.table.item(0, 2).text() == "Differs from Plugipay"
    assert not dialog.retry_button.isEnabled() and dialog.accept_button.isEnabled()
    assert "Plugipay: " in dialog.details.text()
    dialog.note.setText("checked with the owner")
    with qtbot.waitSignal(bus.changed, timeout=5000):
        dialog.accept_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0, timeout=5000)
    [c] = list_conflicts(ctx, include_resolved=True)
    assert (c.state, c.resolution, c.note) == ("resolved", "accept", "checked with the owner")
    assert dialog.details.text() == "No conflicts."
    dialog.close()


def test_test_connection_and_forget(qtbot, full_window, sync_bridge, memory_keyring, sandbox,
                                    idle):
    box = connection_box(qtbot, full_window, idle)
    fill(box, sandbox.key_id, "wrong-secret", sandbox.base_url)
    box.test()
    qtbot.waitUntil(lambda: "refused the key" in box.banner.text(), timeout=SLOW)
    assert memory_keyring.data == {}  # a test stores nothing
    fill(box, sandbox.key_id, sandbox.secret, sandbox.base_url)
    box.test()
    qtbot.waitUntil(lambda: box.banner.text().startswith("Connected:"), timeout=SLOW)
    fill(box, sandbox.key_id, sandbox.secret, "http://127.0.0.1:9")  # nothing listens there
    box.test()
    qtbot.waitUntil(lambda: "could not be reached" in box.banner.text(), timeout=SLOW)

    fill(box, sandbox.key_id, sandbox.secret, sandbox.base_url)
    box.save()
    qtbot.waitUntil(lambda: sync_bridge.running, timeout=5000)
    qtbot.waitUntil(lambda: "Connected with key" in box.state.text(), timeout=5000)
    box.forget()
    qtbot.waitUntil(lambda: "removed from this computer" in box.banner.text(), timeout=5000)
    assert memory_keyring.data == {} and not sync_bridge.running
    qtbot.waitUntil(lambda: "not connected" in box.state.text(), timeout=5000)


def test_bad_input_and_no_keyring_are_refused_plainly(qtbot, full_window, memory_keyring, idle):
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    box = connection_box(qtbot, full_window, idle)
    fill(box, "ak test", "s", "")
    box.save()
    qtbot.waitUntil(lambda: "spaces" in box.errors.message("key_id"), timeout=5000)
    fill(box, "ak_test_1", "", "")
    box.save()
    qtbot.waitUntil(lambda: box.errors.message("secret") != "", timeout=5000)
    keyring.set_keyring(FailKeyring())
    fill(box, "ak_test_1", "sk_secret_value", "http://127.0.0.1:1")
    box.save()
    qtbot.waitUntil(lambda: "PLUGIPAY_SECRET" in box.banner.text(), timeout=5000)
    assert not box.sync.running


def test_no_credentials_no_runner(qtbot, full_window, sync_bridge):
    sync_bridge.start_if_connected()
    qtbot.waitUntil(lambda: sync_bridge.status is not None, timeout=5000)
    assert sync_bridge.status.state == "not_connected" and not sync_bridge.running
    assert full_window.sync_label.text() == "Sync: not connected"


def test_reminder_settings(qtbot, ctx, window, idle):
    from app.sync.emails import reminder_settings

    window.nav.setCurrentRow(3)
    box = window.settings_page.reminders
    qtbot.waitUntil(lambda: box.every.value() == 3 and box.enabled.isChecked(), timeout=5000)
    box.every.setValue(7)
    box.save()
    qtbot.waitUntil(lambda: "every 7 day" in box.banner.text(), timeout=5000)
    assert reminder_settings(ctx) == {"enabled": True, "everyDays": 7}
    box.enabled.setChecked(False)
    box.save()
    qtbot.waitUntil(lambda: "off" in box.banner.text(), timeout=5000)
    assert reminder_settings(ctx)["enabled"] is False and not box.every.isEnabled()


def test_a_long_drain_shows_a_progress_bar_with_what_is_left(
        qtbot, ctx, full_window, sync_bridge, memory_keyring, sandbox, make_draft):
    """Forty sales queued offline, then a slow link: the status bar's bar counts
    up with the changes left and an estimate, and goes away when all is sent."""
    ids = [issue(ctx, make_draft().id).id for _ in range(40)]
    sandbox.set_faults(latency_ms=150)
    seen = []  # (visible, value, maximum, text) at every step of the drain
    bar = full_window.sync_progress
    sync_bridge.drain_changed.connect(
        lambda: seen.append((bar.isVisible(), bar.value(), bar.maximum(), bar.format())))
    credentials.save(sandbox.key_id, sandbox.secret, sandbox.base_url)
    sync_bridge.start()
    qtbot.waitUntil(lambda: all(get_invoice(ctx, i).sync_state == "synced" for i in ids),
                    timeout=SLOW * 2)
    qtbot.waitUntil(lambda: not bar.isVisible(), timeout=SLOW)
    shown = [s for s in seen if s[0]]
    assert shown, seen
    values = [s[1] for s in shown]
    total = shown[0][2]  # every operation waiting: the sales and their customers
    assert total >= 40 and values == sorted(values) and all(s[2] == total for s in shown)
    assert any("changes left, about" in s[3] for s in shown), shown
