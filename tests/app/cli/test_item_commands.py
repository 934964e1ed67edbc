"""`kasir item ...`: parsed and run as the command line does (handlers get args, env)."""

from __future__ import annotations

import pytest

from app.cli.env import Parser, common_options
from app.domain.errors import NotFoundError, ValidationError
from app.cli.items import register
from app.services.items import list_items


class Env:
    def __init__(self, ctx):
        self.ctx, self.json = ctx, False


def run(ctx, *argv):
    common = common_options()
    parser = Parser(prog="kasir", parents=[common])
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    register(sub, common)
    args = parser.parse_args(list(argv))
    return args.handler(args, Env(ctx))


def test_add_list_show_edit(ctx):
    payload, text = run(ctx, "item", "add", "--code", "8991234567890", "--name", "Kopi susu",
                        "--price", "18000")
    assert payload["unitAmount"] == 18000 and payload["currency"] == "IDR"
    assert "Rp 18.000" in text
    run(ctx, "item", "add", "--code", "usb", "--name", "Cable", "--price", "1050",
        "--currency", "usd")
    payload, text = run(ctx, "item", "list", "--search", "kopi")
    assert [p["code"] for p in payload] == ["8991234567890"]
    payload, _ = run(ctx, "item", "show", "USB")
    assert payload["unitAmount"] == 1050 and payload["currency"] == "USD"
    payload, _ = run(ctx, "item", "show", "8991234567890")  # digits: a barcode, not an id
    assert payload["name"] == "Kopi susu"
    payload, _ = run(ctx, "item", "edit", "usb", "--price", "1200", "--inactive")
    assert payload["unitAmount"] == 1200 and payload["active"] is False
    assert [p["code"] for p in run(ctx, "item", "list")[0]] == ["8991234567890"]
    assert len(run(ctx, "item", "list", "--all")[0]) == 2
    payload, _ = run(ctx, "item", "edit", "USB", "--active")
    assert payload["active"] is True


def test_refusals_change_nothing(ctx):
    run(ctx, "item", "add", "--code", "A1", "--name", "Teh", "--price", "5000")
    with pytest.raises(ValidationError):
        run(ctx, "item", "add", "--code", "A1", "--name", "Other", "--price", "1")
    with pytest.raises(ValidationError, match="whole number"):
        run(ctx, "item", "add", "--code", "B1", "--name", "Roti", "--price", "7.5")
    with pytest.raises(NotFoundError):
        run(ctx, "item", "show", "nope")
    with pytest.raises(ValidationError):
        run(ctx, "item", "edit", "A1", "--active", "--inactive")
    assert [(i.code, i.unit_amount) for i in list_items(ctx).items] == [("A1", 5000)]
