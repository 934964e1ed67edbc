"""The first-run setup core (app/setup/first_run.py): checks that change
nothing, and apply_setup writing owner, shop, till and printer."""

from __future__ import annotations

import pytest

from app.domain.errors import PermissionDeniedError, ValidationError
from app.printing.config import PrinterConfig, load_config
from app.services.settings import ShopProfile, get_shop
from app.setup.first_run import (SetupAnswers, TillInfo, apply_setup, check_owner, check_shop,
                                 check_till, list_tills, needs_setup)
from app.services import pins
from app.services.roles import login
from app.services.accounts import has_staff, list_staff
from app.trust.staff import add_staff
from tests.conftest import draft_input


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch):
    monkeypatch.setattr(pins, "SCRYPT_N", 2 ** 8)


def answers(**kw) -> SetupAnswers:
    base = dict(shop=ShopProfile(name="Toko Sinar", address="Jl. Merdeka 1", phone="022 123",
                                 tax_id="01.234.567.8-901.000", default_currency="IDR"),
                till=TillInfo("k2", "Kasir belakang"), owner_name="Olga", owner_pin="4821",
                owner_display="Bu Olga", printer=PrinterConfig(uri="tcp://127.0.0.1:9100"))
    base.update(kw)
    return SetupAnswers(**base)


def test_a_new_database_needs_setup_and_an_old_one_with_a_shop_does_not(ctx):
    assert needs_setup(ctx)
    from app.services.settings import save_shop

    save_shop(ctx, ShopProfile(name="Lama"))
    assert not needs_setup(ctx)  # an older database keeps working without roles


def test_a_database_with_sales_needs_no_wizard(ctx, make_draft):
    make_draft()
    assert not needs_setup(ctx)


def test_staff_without_a_shop_needs_no_wizard(ctx):
    add_staff(ctx, "olga", "owner", "4821")
    assert not needs_setup(ctx)


def test_apply_setup_writes_everything_and_signs_the_owner_in(ctx, customer):
    from app.services.invoices import create_and_issue

    owner = apply_setup(ctx, answers())
    assert (owner.operator, owner.role, owner.till) == ("olga", "owner", "K2")
    assert login(ctx, "olga", "4821").role == "owner"
    assert [s.display_name for s in list_staff(ctx)] == ["Bu Olga"]
    shop = get_shop(ctx)
    assert (shop.name, shop.tax_id) == ("Toko Sinar", "01.234.567.8-901.000")
    assert list_tills(ctx) == [TillInfo("K2", "Kasir belakang")]
    assert load_config(ctx).uri == "tcp://127.0.0.1:9100"
    inv = create_and_issue(owner, draft_input(customer.id))
    assert inv.local_number == "K2-000001"
    assert not needs_setup(ctx)


@pytest.mark.parametrize("bad, field", [
    (dict(shop=ShopProfile(name="  ")), "name"),
    (dict(shop=ShopProfile(name="X", default_currency="EUR")), "default_currency"),
    (dict(shop=ShopProfile(name="X", logo_path="/nowhere/logo.png")), "logo_path"),
    (dict(till=TillInfo("T-1", "")), "till_code"),
    (dict(till=TillInfo("", "")), "till_code"),
    (dict(owner_pin="1234"), "pin"),
    (dict(owner_pin="12a4"), "pin"),
    (dict(owner_name=""), "name"),
    (dict(printer=PrinterConfig(uri="lpt://x")), None),
])
def test_bad_answers_are_refused_and_nothing_is_written(ctx, bad, field):
    with pytest.raises(ValidationError) as err:
        apply_setup(ctx, answers(**bad))
    if field:
        assert err.value.field == field or field in {f for f, _m in
                                                     getattr(err.value, "problems", [])}
    assert err.value.message
    assert needs_setup(ctx) and not has_staff(ctx) and list_tills(ctx) == []


def test_a_second_setup_cannot_make_another_owner(ctx):
    apply_setup(ctx, answers())
    with pytest.raises(PermissionDeniedError):
        apply_setup(ctx, answers(owner_name="mallory", owner_pin="7305"))
    assert [s.name for s in list_staff(ctx)] == ["olga"]


def test_page_checks():
    assert check_till(" t3 ", "") == TillInfo("T3", "Till T3")
    assert check_owner("Olga ", "4821", "4821") == ("olga", "4821")
    with pytest.raises(ValidationError) as err:
        check_owner("olga", "4821", "4822")
    assert err.value.field == "pin_again"
    assert check_shop(ShopProfile(name=" Toko ")).name == "Toko"


def test_sandbox_command_for_a_bundled_app():
    import sys

    from app.sync.demo import sandbox_command

    assert sandbox_command(frozen=True) == [sys.executable, "sandbox"]
    assert sandbox_command(frozen=False) == [sys.executable, "-m", "app.sandbox"]
