"""`kasir item add|edit|list|show`: the catalogue a scanned or typed code draws from."""

from __future__ import annotations

from app.cli.argtypes import MAX_ID, parse_amount, parse_limit
from app.cli.env import Parser
from app.domain.errors import NotFoundError, ValidationError
from app.domain.money import format_money
from app.i18n import _

KEEP_RATE = "keep"  # app.services.items.KEEP_RATE: the item's rate as it is


def register(sub, common) -> None:
    item = sub.add_parser("item", help="add, edit, list and show catalogue items")
    isub = item.add_subparsers(dest="subcommand", metavar="ACTION", required=True,
                               parser_class=Parser)

    def leaf(name, handler, text):
        p = isub.add_parser(name, parents=[common], help=text, description=text)
        p.set_defaults(handler=handler)
        return p

    p = leaf("add", cmd_item_add, "add an item to the catalogue")
    p.add_argument("--code", required=True, help="code or barcode (unique)")
    p.add_argument("--name", required=True, help="becomes the line's description")
    p.add_argument("--price", required=True, metavar="N",
                   help="unit price in the smallest unit (18000 = Rp 18.000; 1050 = $10.50)")
    p.add_argument("--currency", default="IDR", metavar="IDR|USD")
    p.add_argument("--tax-rate", metavar="PERCENT",
                   help="the item's own tax rate (0 for exempt goods); empty: the shop's rate")
    p = leaf("edit", cmd_item_edit, "change an item (by id or code)")
    p.add_argument("ref", metavar="ID_OR_CODE")
    p.add_argument("--code")
    p.add_argument("--name")
    p.add_argument("--price", metavar="N")
    p.add_argument("--currency", metavar="IDR|USD")
    p.add_argument("--inactive", action="store_true", help="take it off sale")
    p.add_argument("--active", action="store_true", help="put it back on sale")
    p.add_argument("--tax-rate", metavar="PERCENT",
                   help="the item's own tax rate (0 for exempt goods); empty: the shop's rate")
    p = leaf("list", cmd_item_list, "list items, newest first")
    p.add_argument("--search", metavar="TEXT", help="code or name")
    p.add_argument("--all", action="store_true", help="include items off sale")
    p.add_argument("--limit", default="50")
    p = leaf("show", cmd_item_show, "show one item by id or code")
    p.add_argument("ref", metavar="ID_OR_CODE")


def _line(i) -> str:
    off = "" if i.active else "  " + _("(off sale)")
    rate = "" if i.tax_rate is None else "  " + _("tax {rate} %", rate=i.to_json()["taxRate"])
    return (f"#{i.id:<5} {i.code:<16} {i.name:<32} {format_money(i.unit_amount, i.currency)}"
            f"{rate}{off}")


def _rate(args):
    """--tax-rate as the service takes it: not given keeps it, empty is the shop's rate."""
    if args.tax_rate is None:
        return KEEP_RATE
    return args.tax_rate.strip() or None


def _resolve(ctx, ref):
    from app.services.items import find_by_code, get_item, list_items  # SQLAlchemy: on use

    text = str(ref).strip()
    if text.isdigit() and int(text) <= MAX_ID:  # longer digits: only a barcode
        try:
            return get_item(ctx, int(text))
        except NotFoundError:
            pass  # a barcode made of digits
    item = find_by_code(ctx, text)
    if item is None:
        hits = [i for i in list_items(ctx, text, include_inactive=True, limit=500).items
                if i.code == text.upper()]
        if hits:
            return hits[0]
        raise NotFoundError(_("There is no item {text}.", text=text), field="ref")
    return item


def cmd_item_add(args, env):
    from app.services.items import ItemInput, add_item  # SQLAlchemy: on use

    rec = add_item(env.ctx, ItemInput(args.code, args.name,
                                      parse_amount(args.price, _("Price"), "unit_amount"),
                                      (args.currency or "").upper(), tax_rate=_rate(args)))
    return rec.to_json(), _line(rec)


def cmd_item_edit(args, env):
    from app.services.items import ItemInput, edit_item  # SQLAlchemy: on use

    if args.active and args.inactive:
        raise ValidationError(_("Say --active or --inactive, not both."), field="active")
    cur = _resolve(env.ctx, args.ref)
    data = ItemInput(
        args.code if args.code is not None else cur.code,
        args.name if args.name is not None else cur.name,
        parse_amount(args.price, _("Price"), "unit_amount") if args.price is not None else cur.unit_amount,
        args.currency.upper() if args.currency else cur.currency,
        False if args.inactive else (True if args.active else cur.active), _rate(args))
    rec = edit_item(env.ctx, cur.id, data)
    return rec.to_json(), _line(rec)


def cmd_item_list(args, env):
    from app.services.items import list_items  # SQLAlchemy: on use

    page = list_items(env.ctx, args.search or "", limit=parse_limit(args.limit),
                      include_inactive=args.all)
    return [i.to_json() for i in page.items], "\n".join(map(_line, page.items)) or _("No items.")


def cmd_item_show(args, env):
    rec = _resolve(env.ctx, args.ref)
    return rec.to_json(), _line(rec)
