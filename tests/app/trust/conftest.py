"""Fixtures of the trust tests: a shop with an owner, a manager and a cashier."""

from __future__ import annotations

import dataclasses

import pytest

from app.services.roles import login
from app.trust.staff import add_staff

PINS = {"olga": "4821", "maya": "7305", "cici": "9173"}


@pytest.fixture
def staff_pins():
    return dict(PINS)


@pytest.fixture
def staffed(ctx):
    """Owner olga (first run), manager maya and cashier cici; returns their contexts."""
    add_staff(ctx, "olga", "owner", PINS["olga"])
    owner = login(ctx, "olga", PINS["olga"])
    add_staff(owner, "maya", "manager", PINS["maya"])
    add_staff(owner, "cici", "cashier", PINS["cici"])
    return {
        "owner": owner,
        "manager": login(ctx, "maya", PINS["maya"]),
        "cashier": login(ctx, "cici", PINS["cici"]),
        "anonymous": dataclasses.replace(ctx, operator="cici", role=None),
    }


@pytest.fixture
def real_kdf():
    """Ask for it to hash PINs at the production cost."""


@pytest.fixture(autouse=True)
def fast_kdf(request, monkeypatch):
    """PIN hashes carry their own cost, so tests may use a cheap one: the rules
    and the lock-out are the same, the machine just works less."""
    if "real_kdf" not in request.fixturenames:
        from app.services import pins

        monkeypatch.setattr(pins, "SCRYPT_N", 2 ** 8)
