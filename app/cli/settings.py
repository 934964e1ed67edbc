"""`kasir settings show|set`: the shop's tax settings (issue 14) from the command line.

`kasir settings set tax-rate 12` changes the shop's default rate (PPN 11 % until
then); `kasir settings set prices-include-tax yes|no` says whether shelf prices
include tax. Each is one settings action with its history entry.
"""

from __future__ import annotations

from app.cli.env import Parser, leaf
from app.domain.errors import ValidationError
from app.i18n import _

KEYS = ("tax-rate", "prices-include-tax")
_YES = {"yes": True, "y": True, "true": True, "on": True, "1": True, "ya": True,
        "no": False, "n": False, "false": False, "off": False, "0": False, "tidak": False}


def _text(tax) -> str:
    included = _("yes") if tax.prices_include_tax else _("no")
    return "\n".join((_("Tax rate: {rate} %", rate=tax.to_json()["defaultRate"]),
                      _("Prices include tax: {answer}", answer=included)))


def _payload(tax) -> dict:
    return {"taxRate": tax.to_json()["defaultRate"],
            "pricesIncludeTax": tax.prices_include_tax}


def cmd_settings_show(args, env):
    from app.services.settings import get_tax_settings  # SQLAlchemy: only when a command runs

    tax = get_tax_settings(env.ctx)
    return _payload(tax), _text(tax)


def cmd_settings_set(args, env):
    from app.services.settings import get_tax_settings, save_tax_settings  # SQLAlchemy: on use

    key = args.key.strip().lower()
    if key not in KEYS:
        raise ValidationError(_("{key} is not a setting. Choose one of: {choices}.",
                                key=repr(args.key), choices=", ".join(KEYS)), field="key")
    tax = get_tax_settings(env.ctx)
    if key == "tax-rate":
        tax = save_tax_settings(env.ctx, args.value, tax.prices_include_tax)
    else:
        answer = _YES.get(args.value.strip().lower())
        if answer is None:
            raise ValidationError(_("Say yes or no: do shelf prices include tax?"),
                                  field="prices_include_tax")
        tax = save_tax_settings(env.ctx, str(tax.to_json()["defaultRate"]), answer)
    return _payload(tax), _text(tax)


def register(sub, common) -> None:
    group = sub.add_parser("settings", help="the shop's settings: tax rate, prices with tax")
    ssub = group.add_subparsers(dest="subcommand", metavar="ACTION", required=True,
                                parser_class=Parser)
    leaf(ssub, common, "show", cmd_settings_show, "show the shop's tax settings")
    p = leaf(ssub, common, "set", cmd_settings_set,
             "set the shop's default tax rate (tax-rate 12) or prices-include-tax yes|no")
    p.add_argument("key", metavar="|".join(KEYS))
    p.add_argument("value")
