"""Staff accounts, PINs and lock-out."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from app.store.trust_models import StaffAccount
from app.services import pins
from app.services.roles import login
from app.services.accounts import MAX_TRIES, authenticate, list_staff, needs_owner
from app.trust.staff import add_staff, disable_staff, set_pin

PINS = {"olga": "4821", "maya": "7305", "cici": "9173"}  # as in conftest.py


def test_pin_rules():
    assert pins.check_pin_rules(" 4821 ") == "4821"
    for bad in ("123", "123456789", "12a4", "", None, "١٢٣٤٥", "1111", "1234", "9876"):
        with pytest.raises(ValidationError):
            pins.check_pin_rules(bad)


def test_pin_hash_is_salted_slow_and_verifies(real_kdf):
    a, b = pins.hash_pin("4821"), pins.hash_pin("4821")
    assert a != b and "4821" not in a
    scheme, n, r, p, salt, digest = a.split("$")
    assert scheme == "scrypt" and int(n) >= 2 ** 14 and len(salt) == 32
    assert pins.verify_pin("4821", a) and not pins.verify_pin("4822", a)
    assert not pins.verify_pin("4821", "garbage")


def test_first_account_must_be_the_owner(ctx):
    assert needs_owner(ctx)
    with pytest.raises(ValidationError, match="owner"):
        add_staff(ctx, "cici", "cashier", "9173")
    assert list_staff(ctx) == []
    owner = add_staff(ctx, "Olga", "owner", "4821", "Olga W.")
    assert (owner.name, owner.role, owner.display_name) == ("olga", "owner", "Olga W.")
    assert not needs_owner(ctx)


def test_adding_staff_needs_a_signed_in_manager(ctx, staffed):
    with pytest.raises(PermissionDeniedError):
        add_staff(ctx, "dodi", "cashier", "5555" + "0")  # not signed in
    with pytest.raises(PermissionDeniedError):
        add_staff(staffed["cashier"], "dodi", "cashier", "50505")
    add_staff(staffed["manager"], "dodi", "cashier", "50505")
    with pytest.raises(PermissionDeniedError, match="Only an owner"):
        add_staff(staffed["manager"], "eko", "manager", "50505")
    with pytest.raises(ConflictError):
        add_staff(staffed["owner"], "DODI", "cashier", "50505")
    with pytest.raises(ValidationError):
        add_staff(staffed["owner"], "eko", "janitor", "50505")
    assert [s.name for s in list_staff(ctx)] == ["cici", "dodi", "maya", "olga"]


def test_authenticate_and_lockout(ctx, staffed, clock):
    assert authenticate(ctx, "cici", PINS["cici"]).role == "cashier"
    with pytest.raises(PermissionDeniedError, match="no active staff"):
        authenticate(ctx, "nobody", "4821")
    for _ in range(MAX_TRIES - 1):
        with pytest.raises(PermissionDeniedError, match="Wrong PIN"):
            authenticate(ctx, "cici", "0000")
    authenticate(ctx, "cici", PINS["cici"])  # a good PIN resets the count
    for _ in range(MAX_TRIES):
        with pytest.raises(PermissionDeniedError, match="Wrong PIN"):
            authenticate(ctx, "cici", "0000")
    with pytest.raises(PermissionDeniedError, match="Too many wrong PINs"):
        authenticate(ctx, "cici", PINS["cici"])  # even the right PIN waits
    clock.advance(minutes=6)
    assert authenticate(ctx, "cici", PINS["cici"]).name == "cici"


def test_set_pin_own_and_by_manager(ctx, staffed):
    cashier = staffed["cashier"]
    with pytest.raises(PermissionDeniedError):
        set_pin(cashier, "cici", "24680", current_pin="0000")
    set_pin(cashier, "cici", "24680", current_pin=PINS["cici"])
    login(ctx, "cici", "24680")
    with pytest.raises(PermissionDeniedError):
        set_pin(cashier, "maya", "24680")  # a cashier cannot reset a manager
    with pytest.raises(PermissionDeniedError):
        set_pin(staffed["manager"], "olga", "24680")  # a manager cannot reset the owner
    set_pin(staffed["manager"], "cici", "13579")
    login(ctx, "cici", "13579")


def test_disable(ctx, staffed):
    with pytest.raises(ConflictError, match="only owner"):
        disable_staff(staffed["owner"], "olga")
    with pytest.raises(PermissionDeniedError):
        disable_staff(staffed["cashier"], "maya")
    disable_staff(staffed["manager"], "cici")
    with pytest.raises(PermissionDeniedError, match="no active"):
        login(ctx, "cici", PINS["cici"])


def test_no_pin_in_history_or_clear_anywhere(ctx, staffed, store, db_path):
    set_pin(staffed["owner"], "cici", "86420")
    with store.reader() as uow:
        hashes = [a.pin_hash for a in uow.session.execute(select(StaffAccount)).scalars()]
    store.dispose()
    raw = db_path.read_bytes() + (db_path.with_name(db_path.name + "-wal").read_bytes()
                                  if db_path.with_name(db_path.name + "-wal").exists() else b"")
    for pin in list(PINS.values()) + ["86420"]:
        assert f'"{pin}"'.encode() not in raw
    from app.store.models import HistoryEntry
    from app.services.context import open_store
    s2 = open_store(db_path)
    with s2.reader() as uow:
        texts = " ".join(f"{h.before} {h.after} {h.note}" for h in
                         uow.session.execute(select(HistoryEntry)).scalars())
    s2.dispose()
    for h in hashes:
        assert h.split("$")[-1] not in texts
