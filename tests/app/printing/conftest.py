"""Fixtures for the slip tests: issued invoices, a paid one, a loopback printer."""

from __future__ import annotations

import pytest

from app.services.invoices import PaymentInput, issue, mark_paid
from app.services.settings import ShopProfile, save_shop
from tests.printer_emulators import FakeUsbBackend, FakeUsbDevice, LoopbackPrinter


@pytest.fixture(autouse=True)
def _escpos_cache(tmp_path_factory, monkeypatch):
    # python-escpos' capabilities pickle goes to a cache folder, never ~/.cache in tests.
    monkeypatch.setenv("KASIR_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture
def shop(ctx):
    return save_shop(ctx, ShopProfile(name="Toko Maju Jaya", address="Jl. Merdeka No. 17, Bandung",
                                      phone="022-4201234", tax_id="01.234.567.8-901.000"))


@pytest.fixture
def issued(ctx, make_draft, shop):
    draft = make_draft(lines=(("Kopi susu gula aren \u201cspesial\u201d \u2013 besar", 2, 18000),
                              ("Nasi goreng kampung telur ceplok", 1, 25000)),
                       discount=1000, tax=6000, memo="Meja 4")
    return issue(ctx, draft.id)


@pytest.fixture
def paid(ctx, issued):
    return mark_paid(ctx, issued.id, PaymentInput("cash", "", None))


@pytest.fixture
def loopback():
    with LoopbackPrinter() as printer:
        yield printer


@pytest.fixture
def usb():
    device = FakeUsbDevice()
    return FakeUsbBackend(device), device
