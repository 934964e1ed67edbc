"""The first run of a till: the shop's details, this till's name and code, the
default currency, the owner's account and PIN, and the printer.

`needs_setup(ctx)` says whether to ask (no staff account and no shop profile
saved yet); `check_*` validate one step without writing anything (the wizard
calls them page by page); `apply_setup(ctx, answers)` writes it all and returns
the owner's signed-in context. Everything can be changed later in Settings."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from pathlib import Path

from sqlalchemy import exists, select

from app.domain.currency import CURRENCIES
from app.domain.errors import ValidationError
from app.domain.validation import Problems, clean_text
from app.i18n import _
from app.printing.config import save_config
from app.services.accounts import clean_name, needs_owner
from app.services.audit import record_history
from app.services.context import Context
from app.services.pins import check_pin_rules
from app.services.roles import login
from app.services.settings import (MULTILINE_SHOP_FIELDS, SHOP_KEY, ShopProfile, get_setting,
                                   save_shop)
from app.store.models import Invoice, Till
from app.trust.staff import add_staff

TILL_MAX = 8


@dataclass(frozen=True)
class TillInfo:
    code: str
    name: str


@dataclass(frozen=True)
class SetupAnswers:
    shop: ShopProfile
    till: TillInfo
    owner_name: str
    owner_pin: str = dataclasses.field(repr=False)
    owner_display: str = ""
    printer: object | None = None  # app.printing.config.PrinterConfig, or None: skipped


def needs_setup(ctx: Context) -> bool:
    """A brand-new database: nobody to sign in, no shop profile saved and no sale
    made yet. (An older database, with a shop or with sales but no staff, keeps
    working without roles; its owner can be added in Settings › Staff.)"""
    if not needs_owner(ctx) or get_setting(ctx, SHOP_KEY) is not None:
        return False
    with ctx.store.reader() as uow:
        return not uow.session.execute(select(exists().where(Invoice.id.is_not(None)))).scalar()


def check_till(code, name="") -> TillInfo:
    """A till code is the prefix of its numbers (T1-000042): 1 to 8 letters or digits."""
    text = str(code or "").strip().upper()
    if not (1 <= len(text) <= TILL_MAX and text.isascii() and text.isalnum()):
        raise ValidationError(_("The till code is 1 to {max} letters or digits, like T1. It "
                                "starts every number this till gives out.", max=TILL_MAX),
                              field="till_code")
    label = " ".join(str(name or "").split())[:100] or _("Till {till}", till=text)
    return TillInfo(text, label)


def check_shop(shop: ShopProfile) -> ShopProfile:
    """The same rules as save_shop, without saving (raises ValidationError)."""
    p = Problems()
    cleaned = {f.name: clean_text(getattr(shop, f.name), f.name,
                                  f.name.replace("_", " ").capitalize(), 500, p,
                                  multiline=f.name in MULTILINE_SHOP_FIELDS)
               for f in fields(ShopProfile)}
    if not cleaned["name"]:
        p.add("name", _("Enter the shop's name: it heads every slip and invoice."))
    color = cleaned["accent_color"]
    if color and not (len(color) == 7 and color[0] == "#"
                      and all(c in "0123456789abcdefABCDEF" for c in color[1:])):
        p.add("accent_color", _("The accent colour must look like #0F766E."))
    if cleaned["default_currency"] not in CURRENCIES:
        p.add("default_currency", _("Choose IDR or USD as the default currency."))
    logo = cleaned["logo_path"]
    if logo:
        if not Path(logo).expanduser().is_file():
            p.add("logo_path", _("There is no picture at {path}. Choose a PNG file, or leave "
                                 "the logo empty.", path=logo))
    p.raise_if_any()
    return dataclasses.replace(shop, **cleaned)


def check_owner(name, pin, pin_again) -> tuple[str, str]:
    name = clean_name(name)
    if str(pin or "") != str(pin_again or ""):
        raise ValidationError(_("The two PINs differ. Type the same PIN twice."),
                              field="pin_again")
    return name, check_pin_rules(pin)


def register_till(ctx: Context, till: TillInfo) -> TillInfo:
    """Record this till in the shop's `tills` table (its code is unique)."""
    till = check_till(till.code, till.name)
    with ctx.store.unit_of_work() as uow:
        s = uow.session
        row = s.execute(select(Till).where(Till.code == till.code)).scalar_one_or_none()
        if row is None:
            row = Till(code=till.code, name=till.name, created_at=ctx.now())
            s.add(row)
            s.flush()
            record_history(s, ctx, "till", row.id, "add", None,
                           {"code": till.code, "name": till.name})
        elif row.name != till.name:
            before = {"code": row.code, "name": row.name}
            row.name = till.name
            record_history(s, ctx, "till", row.id, "edit", before,
                           {"code": till.code, "name": till.name})
        uow.commit()
    return till


def list_tills(ctx: Context) -> list[TillInfo]:
    with ctx.store.reader() as uow:
        return [TillInfo(t.code, t.name) for t in
                uow.session.execute(select(Till).order_by(Till.code)).scalars()]


def apply_setup(ctx: Context, answers: SetupAnswers) -> Context:
    """Write the answers and return the owner's signed-in context for this till.

    Everything is checked before the first write, so bad input changes nothing.
    The owner is created first: from then on the rules are on and a second
    wizard can never run, even if the later steps fail (they can be redone in
    Settings)."""
    shop = check_shop(answers.shop)
    till = check_till(answers.till.code, answers.till.name)
    name, pin = check_owner(answers.owner_name, answers.owner_pin, answers.owner_pin)
    if answers.printer is not None:
        answers.printer.validated()
    here = dataclasses.replace(ctx, till=till.code, role=None, approved_by=None)
    add_staff(here, name, "owner", pin, answers.owner_display)
    owner = login(here, name, pin)
    save_shop(owner, shop)
    register_till(owner, till)
    if answers.printer is not None:
        save_config(owner, answers.printer)
    return owner
