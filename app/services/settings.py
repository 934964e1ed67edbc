"""Non-secret settings kept in the database: the shop's details and preferences."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from app.i18n import LANGUAGES, SETTING_KEY, _, choose_language, current_language, set_language
from app.domain.currency import CURRENCIES
from app.domain.tax import DEFAULT_RATE, format_rate, parse_rate
from app.domain.validation import Problems, clean_text
from app.store.models import Setting

from .audit import record_history
from .context import Context

SHOP_KEY = "shop"
PRINT_LANGUAGE_KEY = "print_language"  # the language slips and documents print in
TAX_KEY = "tax"  # {"defaultRate": hundredths of a percent, "pricesIncludeTax": bool}


@dataclass(frozen=True)
class TaxSettings:
    """The shop's default rate (PPN 11 %) and whether shelf prices include tax
    (yes by default, as in most Indonesian retail)."""

    default_rate: int = DEFAULT_RATE  # hundredths of a percent
    prices_include_tax: bool = True

    @classmethod
    def from_value(cls, value) -> "TaxSettings":
        value = value if isinstance(value, dict) else {}
        rate = value.get("defaultRate", DEFAULT_RATE)
        rate = rate if isinstance(rate, int) and 0 <= rate <= 10000 else DEFAULT_RATE
        return cls(rate, value.get("pricesIncludeTax", True) is not False)

    def to_json(self) -> dict:
        return {"defaultRate": format_rate(self.default_rate),
                "pricesIncludeTax": self.prices_include_tax}


MULTILINE_SHOP_FIELDS = ("address", "footer")  # may hold line breaks; the rest are one line


@dataclass(frozen=True)
class ShopProfile:
    name: str = "Toko Kasir"
    address: str = ""
    phone: str = ""
    tax_id: str = ""  # NPWP
    footer: str = ""  # empty: "Thank you for your visit" in the slip's language (labels.shop_footer)
    logo_path: str = ""  # a PNG on this machine; optional
    accent_color: str = "#0F766E"
    default_currency: str = "IDR"

    @classmethod
    def from_dict(cls, data: dict | None) -> "ShopProfile":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in names})


def get_setting(ctx: Context, key: str, default=None):
    with ctx.store.reader() as uow:
        row = uow.session.get(Setting, key)
        return default if row is None else row.value


def set_setting(ctx: Context, key: str, value) -> None:
    with ctx.store.unit_of_work() as uow:
        row = uow.session.get(Setting, key)
        before = None if row is None else row.value
        if row is None:
            uow.session.add(Setting(key=key, value=value))
        else:
            row.value = value
        if before != value:
            record_history(uow.session, ctx, "setting", 0, f"set:{key}"[:32],
                           {"value": before}, {"value": value})
        uow.commit()


def get_language(ctx: Context) -> str | None:
    """The language chosen in Settings ("en" or "id"), or None to follow the system."""
    value = get_setting(ctx, SETTING_KEY)
    return value if value in LANGUAGES else None


def save_language(ctx: Context, code: str | None) -> str:
    """Choose the language (None or "" follows the system) and switch to it now."""
    if code and code not in LANGUAGES:
        p = Problems()
        p.add("language", _("Choose one of the languages: {choices}.",
                            choices=", ".join(LANGUAGES)))
        p.raise_if_any()
    set_setting(ctx, SETTING_KEY, code or None)
    return set_language(choose_language(code or None))


def apply_language(ctx: Context) -> str:
    """At start-up: KASIR_LANG, else the Settings choice, else the system's language."""
    return set_language(choose_language(get_language(ctx)))


def get_print_language(ctx: Context) -> str:
    """The shop's language: what slips, PDFs and HTML documents print in, whatever
    language the screen shows. Chosen in Settings; until then the shop's language
    choice, else the language the app runs in."""
    value = get_setting(ctx, PRINT_LANGUAGE_KEY)
    if value in LANGUAGES:
        return value
    return get_language(ctx) or current_language()


def save_print_language(ctx: Context, code: str) -> str:
    """Choose the language slips and documents print in ("en" or "id")."""
    if code not in LANGUAGES:
        p = Problems()
        p.add("print_language", _("Choose one of the languages: {choices}.",
                                  choices=", ".join(LANGUAGES)))
        p.raise_if_any()
    set_setting(ctx, PRINT_LANGUAGE_KEY, code)
    return code


def get_shop(ctx: Context) -> ShopProfile:
    return ShopProfile.from_dict(get_setting(ctx, SHOP_KEY))


def save_shop(ctx: Context, shop: ShopProfile) -> ShopProfile:
    p = Problems()
    cleaned = {}
    for f in fields(ShopProfile):
        cleaned[f.name] = clean_text(getattr(shop, f.name), f.name, f.name.replace("_", " ").capitalize(), 500, p,
                                     multiline=f.name in MULTILINE_SHOP_FIELDS)
    if not cleaned["name"]:
        p.add("name", _("Enter the shop's name: it heads every slip and invoice."))
    color = cleaned["accent_color"]
    if color and not (len(color) == 7 and color[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in color[1:])):
        p.add("accent_color", _("The accent colour must look like #0F766E."))
    if cleaned["default_currency"] not in CURRENCIES:
        p.add("default_currency", _("Choose IDR or USD as the default currency."))
    p.raise_if_any()
    result = ShopProfile(**cleaned)
    set_setting(ctx, SHOP_KEY, asdict(result))
    return result


def tax_settings_in(session) -> TaxSettings:
    """Inside a caller's transaction (an invoice being priced)."""
    row = session.get(Setting, TAX_KEY)
    return TaxSettings.from_value(None if row is None else row.value)


def get_tax_settings(ctx: Context) -> TaxSettings:
    return TaxSettings.from_value(get_setting(ctx, TAX_KEY))


def save_tax_settings(ctx: Context, default_rate, prices_include_tax: bool) -> TaxSettings:
    """`default_rate` as typed ("11", "12", "1.1"); refused unless a valid percentage."""
    rate = parse_rate(default_rate, "default_rate")
    if not isinstance(prices_include_tax, bool):
        p = Problems()
        p.add("prices_include_tax", _("Say yes or no: do shelf prices include tax?"))
        p.raise_if_any()
    result = TaxSettings(rate, prices_include_tax)
    set_setting(ctx, TAX_KEY, {"defaultRate": rate, "pricesIncludeTax": prices_include_tax})
    return result
