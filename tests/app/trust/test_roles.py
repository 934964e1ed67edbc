"""Role and PIN rules for every guarded action, from the app and the command line."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.domain.errors import PermissionDeniedError
from app.services import invoices
from app.store.models import HistoryEntry
from app.services.roles import GUARDED, needs_approval, require_role, with_approval

GUARDED_SERVICES = {"void": invoices.void, "write_off": invoices.write_off}


def _history_count(store) -> int:
    with store.reader() as uow:
        return uow.session.execute(select(func.count()).select_from(HistoryEntry)).scalar_one()


def _last(store):
    with store.reader() as uow:
        h = uow.session.execute(select(HistoryEntry).order_by(HistoryEntry.id.desc())).scalars().first()
        return h.action, h.operator, h.approved_by


def _issued(ctx, customer):
    from app.domain.validation import DraftInput, LineInput

    return invoices.create_and_issue(ctx, DraftInput(customer.id, "IDR",
                                                     (LineInput("Kopi", 1, 18000),), 0, 0, None, ""))


def test_without_staff_there_are_no_role_rules(ctx, customer, store):
    inv = _issued(ctx, customer)
    voided = invoices.void(ctx, inv.id, "typo")
    assert voided.status.value == "void"
    assert _last(store) == ("void", "ana", None)


@pytest.mark.parametrize("action", sorted(GUARDED_SERVICES))
def test_cashier_alone_is_refused_and_nothing_changes(action, staffed, customer, store):
    inv = _issued(staffed["owner"], customer)
    before = _history_count(store)
    for who in ("cashier", "anonymous"):
        with pytest.raises(PermissionDeniedError) as err:
            GUARDED_SERVICES[action](staffed[who], inv.id, "why")
        assert err.value.code == "permission_denied"
        assert "PIN" in err.value.message
    assert _history_count(store) == before
    from app.services.queries import get_invoice
    assert get_invoice(staffed["owner"], inv.id).status.value == "open"


@pytest.mark.parametrize("action", sorted(GUARDED_SERVICES))
def test_cashier_with_a_managers_pin_on_the_spot(action, staffed, staff_pins, customer, store):
    inv = _issued(staffed["cashier"], customer)
    cashier = staffed["cashier"]
    with pytest.raises(PermissionDeniedError, match="Wrong PIN"):
        with_approval(cashier, action, "maya", "0000")
    with pytest.raises(PermissionDeniedError, match="cannot approve"):
        with_approval(cashier, action, "cici", staff_pins["cici"])
    approved = with_approval(cashier, action, "maya", staff_pins["maya"])
    assert needs_approval(cashier, action) and not needs_approval(approved, action)
    rec = GUARDED_SERVICES[action](approved, inv.id, "customer left")
    assert rec.status.value in ("void", "uncollectible")
    assert _last(store)[1:] == ("cici", "maya")


@pytest.mark.parametrize("who", ["manager", "owner"])
@pytest.mark.parametrize("action", sorted(GUARDED_SERVICES))
def test_managers_and_owners_act_alone(action, who, staffed, customer, store):
    inv = _issued(staffed["cashier"], customer)
    GUARDED_SERVICES[action](staffed[who], inv.id, "")
    assert _last(store)[1:] == (staffed[who].operator, None)


@pytest.mark.parametrize("action", sorted(GUARDED))
def test_every_guarded_action(action, staffed, staff_pins):
    """The actions other parts guard (reconcile undo, shift close) follow the same rules."""
    with pytest.raises(PermissionDeniedError):
        require_role(staffed["cashier"], action)
    with pytest.raises(PermissionDeniedError):
        require_role(staffed["anonymous"], action)
    forged = dataclasses.replace(staffed["cashier"], approved_by="cici")  # a cashier "approving"
    with pytest.raises(PermissionDeniedError):
        require_role(forged, action)
    require_role(staffed["manager"], action)
    require_role(staffed["owner"], action)
    require_role(with_approval(staffed["cashier"], action, "olga", staff_pins["olga"]), action)


def test_context_hooks_ask_for_pins(staffed, staff_pins):
    asked = []
    ctx = dataclasses.replace(staffed["anonymous"], ask_pin=lambda p: asked.append(p) or staff_pins["cici"],
                              ask_approval=lambda p: ("maya", staff_pins["maya"]))
    require_role(ctx, "void")
    assert asked and ctx.role == "cashier" and ctx.approved_by == "maya"
    ctx = dataclasses.replace(staffed["anonymous"], ask_pin=lambda p: "0000")
    with pytest.raises(PermissionDeniedError, match="Wrong PIN"):
        require_role(ctx, "void")


# ---------------------------------------------------------------- command line

@pytest.fixture
def cli(db_path, capsys):
    def run(*argv):
        code = main(["--db", str(db_path), "--json", *argv])
        out = capsys.readouterr().out
        return code, json.loads(out) if out.strip() else None
    return run


def test_cli_roles(cli, db_path):
    assert cli("staff", "add", "olga", "--role", "manager", "--new-pin", "4821")[0] == 3
    assert cli("staff", "add", "olga", "--role", "owner", "--new-pin", "4821")[0] == 0
    code, out = cli("staff", "add", "cici", "--role", "cashier", "--new-pin", "9173")
    assert code == 6 and out["error"]["code"] == "permission_denied"
    assert cli("staff", "add", "cici", "--role", "cashier", "--new-pin", "9173",
               "--operator", "olga", "--pin", "4821")[0] == 0
    assert cli("staff", "add", "maya", "--role", "manager", "--new-pin", "7305",
               "--operator", "olga", "--pin", "4821")[0] == 0
    cli("customer", "add", "--name", "Budi")
    for _n in range(3):
        assert cli("invoice", "create", "--customer", "1", "--currency", "IDR",
                   "--line", "Kopi", "1", "18000", "--issue", "--operator", "cici")[0] == 0
    for command in (["void", "1"], ["write-off", "1"]):
        code, out = cli("invoice", *command, "--operator", "cici", "--pin", "9173")
        assert code == 6 and "manager" in out["error"]["message"]
        code, out = cli("invoice", *command, "--operator", "cici")  # no PIN, no terminal
        assert code == 6
        code, out = cli("invoice", *command, "--operator", "cici", "--pin", "9173",
                        "--approver", "maya", "--approver-pin", "1357")
        assert code == 6 and "Wrong PIN" in out["error"]["message"]
    code, out = cli("invoice", "void", "1", "--operator", "cici", "--pin", "9173",
                    "--approver", "maya", "--approver-pin", "7305")
    assert code == 0 and out["status"] == "void"
    code, out = cli("invoice", "write-off", "2", "--operator", "maya", "--pin", "7305")
    assert code == 0 and out["status"] == "uncollectible"
    code, hist = cli("invoice", "history", "1")
    assert hist[-1]["action"] == "void" and hist[-1]["operator"] == "cici"
    code, report = cli("audit", "verify")
    assert code == 0 and report["ok"]
    from app.services.context import open_store
    store = open_store(db_path)
    with store.reader() as uow:
        rows = uow.session.execute(select(HistoryEntry.action, HistoryEntry.approved_by)
                                   .where(HistoryEntry.entity_type == "invoice",
                                          HistoryEntry.action.in_(("void", "write_off")))).all()
    store.dispose()
    assert sorted(rows) == [("void", "maya"), ("write_off", None)]
