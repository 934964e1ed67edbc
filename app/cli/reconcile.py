"""`kasir reconcile ...` and `kasir shift ...`. Imports stay inside handlers so
that `kasir --help` stays fast."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from app.i18n import N_, _, _n, gettext
from app.cli.argtypes import check_output_path, parse_amount, parse_id, parse_int, parse_limit
from app.cli.env import Parser
from app.domain.errors import ValidationError

CSV_OPTIONS = ("date_col", "amount_col", "credit_col", "debit_col", "type_col", "balance_col",
               "ref_col", "date_format", "decimal_sep", "thousands_sep", "delimiter")


def _mapping(args, env):
    from app.reconcile.csv_format import CsvMapping
    from app.reconcile.importer import get_mapping

    base = get_mapping(env.ctx, args.mapping) if args.mapping else None
    given = {k: getattr(args, k) for k in CSV_OPTIONS if getattr(args, k) is not None}
    if args.description_col:
        given["description_cols"] = tuple(args.description_col)
    for k in ("bank", "account", "currency"):
        if getattr(args, k):
            given[k] = getattr(args, k).upper() if k == "currency" else getattr(args, k)
    if base is None and not given:
        return None
    data = {**(base.to_dict() if base else {}), **given}
    if args.save_mapping:
        data["name"] = args.save_mapping
    return CsvMapping.from_dict(data)


def cmd_import(args, env):
    from app.reconcile.importer import import_statement, save_mapping
    from app.reconcile.source import Source

    path = Path(args.file)
    try:
        source = Source.from_path(path)  # read a chunk at a time by the import, never whole
    except OSError as e:
        raise ValidationError(_("Cannot read {file}: {reason}.", file=args.file, reason=e.strerror), field="file") from None
    mapping = _mapping(args, env)
    result = import_statement(env.ctx, source, args.format, mapping=mapping,
                              bank=args.bank or "", account=args.account or "",
                              filename=path.name)
    if args.save_mapping and mapping is not None:
        save_mapping(env.ctx, mapping)
    text = _n("Imported {n} new line from {file} ({format}, {bank} {account}): credits "
              "{credits}, debits {debits}; {skipped} already known, skipped.",
              "Imported {n} new lines from {file} ({format}, {bank} {account}): credits "
              "{credits}, debits {debits}; {skipped} already known, skipped.",
              result.added, file=path.name, format=result.format, bank=result.bank,
              account=result.account, credits=result.credits, debits=result.debits,
              skipped=result.skipped)
    text = "\n".join((text, *result.notes))  # e.g. dates read day-first: say so
    return result.to_json(), text


def _suggest_text(results, env) -> str:
    from app.domain.money import format_money
    from app.reconcile.service import list_lines

    lines = {l.id: l for l in list_lines(env.ctx, "unmatched")}
    out = []
    for r in results:
        l = lines.get(r.line_id)
        head = _("Line {id}", id=r.line_id)
        if l:
            head += f"  {l.booked_on}  {format_money(l.amount, l.currency)}  {l.description[:60]}"
        out.append(head + (f"  [{flag_text(r.flag)}]" if r.flag else ""))
        for s in r.suggestions:
            out.append(f"    {s.confidence:>3}%  " + _n("invoice {ids}", "invoices {ids}", len(s.invoice_ids), ids=", ".join(
                map(str, s.invoice_ids))) + f"  — {'; '.join(s.reasons)}")
        if not r.suggestions:
            out.append("    " + _("no suggestion: {why}", why=r.note or _("nothing matches")))
    return "\n".join(out) or _("No unmatched credits.")


# A statement line's flag, as `kasir reconcile suggest|report` show it (JSON keeps the code).
FLAGS = {"no_match": N_("no match"), "underpaid": N_("pays too little"),
         "overpaid": N_("pays too much"), "ambiguous": N_("several fit"), "review": N_("check"),
         "unconfirmed": N_("not confirmed")}


def flag_text(flag: str) -> str:
    return gettext(FLAGS[flag]) if flag in FLAGS else flag


def _debit_text(results) -> str:
    from app.domain.money import format_money

    out = []
    for r in results:
        head = (_("Line {id}", id=r.line_id) + f"  {r.booked_on}  "
                f"{format_money(r.amount, r.currency)}  {r.description[:60]}")
        out.append(head + (f"  [{flag_text(r.flag)}]" if r.flag else ""))
        for s in r.suggestions:
            out.append(f"    {s.confidence:>3}%  " + _("refund {number}", number=s.refund_number)
                       + f"  — {'; '.join(s.reasons)}")
        if not r.suggestions:
            out.append("    " + _("no suggestion: {why}", why=r.note or _("nothing matches")))
    return "\n".join(out) or _("No unmatched debits.")


def cmd_suggest(args, env):
    from app.reconcile.service import suggest

    ids = [parse_id(x, _("Line id"), "line_id") for x in (args.line or [])]
    limit = parse_limit(args.limit)
    if args.debits:  # issue 15: debit lines against refunds given by transfer
        from app.reconcile.debits import suggest_debits

        results = suggest_debits(env.ctx, ids or None, limit=limit)
        return [r.to_json() for r in results], _debit_text(results)
    results = suggest(env.ctx, ids or None, limit=limit)
    return [r.to_json() for r in results], _suggest_text(results, env)


def _refund_links_text(matches, undone: bool = False) -> str:
    if undone:
        return "\n".join(_("Undone: line {id} is no longer matched with refund {refund} "
                           "(approved by {name}).", id=m.line_id, refund=m.refund_number,
                           name=m.approved_by) for m in matches)
    return "\n".join(_("Line {id} carried refund {refund} of invoice {invoice} ({amount}).",
                       id=m.line_id, refund=m.refund_number, invoice=m.invoice_number,
                       amount=m.amount) for m in matches)


def cmd_confirm(args, env):
    from app.reconcile.debits import RefundMatchRecord, confirm_line

    matches = confirm_line(env.ctx, args.line_id, args.invoice_ids)
    if matches and isinstance(matches[0], RefundMatchRecord):
        return [m.to_json() for m in matches], _refund_links_text(matches)
    text = "\n".join(_("Line {id} paid {invoice} ({amount}), receipt {receipt}.", id=m.line_id,
                       invoice=m.invoice_number, amount=m.amount, receipt=m.receipt_number)
                     for m in matches)
    return [m.to_json() for m in matches], text


def cmd_undo(args, env):
    from app.reconcile.debits import RefundMatchRecord
    from app.reconcile.undo import undo_match

    matches = undo_match(env.ctx, args.line_id, args.approved_by or "", args.reason or "")
    if matches and isinstance(matches[0], RefundMatchRecord):
        return [m.to_json() for m in matches], _refund_links_text(matches, undone=True)
    text = "\n".join(_("Undone: {invoice} is unpaid again; receipt {receipt} cancelled "
                       "(approved by {name}).", invoice=m.invoice_number,
                       receipt=m.receipt_number, name=m.approved_by) for m in matches)
    return [m.to_json() for m in matches], text


def parse_confidence(text) -> int | None:
    if text is None:
        return None
    try:
        value = Decimal(str(text).strip().rstrip("%"))
        if not value.is_finite() or not 0 <= value <= 100:
            raise InvalidOperation
    except InvalidOperation:
        raise ValidationError(_("{text} is not a confidence: give 0.9 or 90.", text=repr(text)),
                              field="min_confidence") from None
    if value <= 1:
        value *= 100
    if value != value.to_integral_value():
        raise ValidationError(_("Give the confidence in whole percent (e.g. 90)."),
                              field="min_confidence")
    return int(value)


def cmd_auto(args, env):
    from app.reconcile.service import auto_match, set_auto_threshold

    level = parse_confidence(args.min_confidence)
    if args.save and level is not None:
        set_auto_threshold(env.ctx, level)
    outcomes = auto_match(env.ctx, level)
    done = [o for o in outcomes if o.confirmed]
    out = [_n("Auto-matched {done} of {n} credit.", "Auto-matched {done} of {n} credits.",
               len(outcomes), done=len(done))]
    for o in outcomes:
        mark = _("OK") if o.confirmed else _("left")
        out.append(f"  {mark:<5} " + _("line {id}", id=o.line_id)
                   + f" -> {', '.join(map(str, o.invoice_ids)) or '-'} ({o.confidence}%): {o.note}")
    return [o.to_json() for o in outcomes], "\n".join(out)


def _date(text, field):
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("{text} is not a date like 2026-11-30.", text=repr(text)), field=field) from None


def cmd_report(args, env):
    from app.domain.money import format_money
    from app.reconcile.report import reconcile_report

    rep = reconcile_report(env.ctx, _date(args.date_from, "from"), _date(args.date_to, "to"))
    out = []
    for cur, s in rep["summary"].items():
        out.append(f"{cur}: " + _(
            "credits {credits} ({credit_amount}), matched {matched} ({matched_amount}), "
            "unmatched {unmatched} ({unmatched_amount}), debits {debits}",
            credits=s["credits"], credit_amount=format_money(s["creditAmount"], cur),
            matched=s["matched"], matched_amount=format_money(s["matchedAmount"], cur),
            unmatched=s["unmatched"], unmatched_amount=format_money(s["unmatchedAmount"], cur),
            debits=s["debits"]))
    out.append("\n" + _("Needs a person ({count}):", count=len(rep["needsAttention"])))
    for a in rep["needsAttention"]:
        out.append("  " + _("line {id}", id=a["lineId"])
                   + f" {a['bookedOn']} {format_money(a['amount'], a['currency'])}"
                   f" [{flag_text(a['flag'])}] {a['description'][:50]}")
    out.append("\n" + _("Unpaid invoices ({count}):", count=rep["unpaidCount"]))
    for u in rep["unpaidInvoices"][:50]:
        out.append(f"  {u['number'] or u['invoiceId']:<12} {u['customer'][:24]:<24} "
                   f"{format_money(u['amountDue'], u['currency']):>16}  "
                   + _("due {date}", date=u["dueOn"] or "-")
                   + ("  " + _("PAST DUE") if u["pastDue"] else ""))
    return rep, "\n".join(out)


def _amounts(values, label, field):
    out = {}
    for item in values or ():
        cur, sep, amount = item.partition("=")
        if not sep:
            raise ValidationError(_("Write {label} as CURRENCY=AMOUNT, e.g. IDR=1500000.",
                                    label=label),
                                  field=field)
        out[cur.strip().upper()] = parse_amount(amount, f"{label} {cur}", field)
    return out


def _report_options(args) -> int:
    """The width, and that --pdf can be written, checked before a shift is closed:
    a refusal after closing it would have changed the database."""
    width = parse_int(args.width, _("Width"), "width", lo=24, hi=120)
    if args.pdf is not None:
        check_output_path(args.pdf, "pdf")
    return width


def _report_out(rep, args):
    from app.reconcile.shift_print import shift_report_lines, shift_report_pdf

    width = _report_options(args)
    text = "\n".join(shift_report_lines(rep, width))
    if args.pdf:
        shift_report_pdf(rep, args.pdf)
        text += "\n" + _("(PDF written to {path})", path=args.pdf)
    return rep, text


def cmd_shift_open(args, env):
    from app.reconcile.shift import open_shift

    rep = open_shift(env.ctx, _amounts(args.float, _("Opening float"), "float"))
    return rep, _("Shift #{id} opened on till {till} for {operator}.", id=rep["shiftId"],
                  till=rep["till"], operator=rep["operator"])


def cmd_shift_close(args, env):
    from app.reconcile.shift import close_shift

    counted = _amounts(args.counted, _("Counted cash"), "counted")
    _report_options(args)
    return _report_out(close_shift(env.ctx, counted, args.note or ""), args)


def cmd_shift_report(args, env):
    from app.reconcile.shift import shift_report

    sid = parse_id(args.shift, _("Shift id"), "shift") if args.shift else None
    return _report_out(shift_report(env.ctx, sid), args)


def register(subparsers, common) -> None:
    def leaf(subs, name, handler, text):
        p = subs.add_parser(name, parents=[common], help=text, description=text)
        p.set_defaults(handler=handler)
        return p

    rec = subparsers.add_parser("reconcile", help="import bank statements and match transfers")
    rs = rec.add_subparsers(dest="subcommand", metavar="ACTION", required=True, parser_class=Parser)
    p = leaf(rs, "import", cmd_import, "import a bank statement (CSV, OFX or MT940)")
    p.add_argument("file")
    p.add_argument("--format", choices=("csv", "ofx", "mt940"), help="default: from the file")
    p.add_argument("--mapping", metavar="NAME", help="saved CSV mapping or bca|mandiri|bri")
    p.add_argument("--save-mapping", metavar="NAME", help="save the CSV mapping under NAME")
    p.add_argument("--bank", metavar="NAME")
    p.add_argument("--account", metavar="NUMBER")
    p.add_argument("--currency", metavar="IDR|USD", help="a CSV statement's currency")
    p.add_argument("--date-col", metavar="C", help="header name or 1-based column number")
    p.add_argument("--description-col", metavar="C", action="append",
                   help="repeat to join several columns")
    p.add_argument("--amount-col", metavar="C", help="signed, or with CR/DB after it")
    p.add_argument("--credit-col", metavar="C")
    p.add_argument("--debit-col", metavar="C")
    p.add_argument("--type-col", metavar="C", help="a CR/DB column giving the amount's sign")
    p.add_argument("--balance-col", metavar="C")
    p.add_argument("--ref-col", metavar="C")
    p.add_argument("--date-format", metavar="FMT", help="e.g. %%d/%%m/%%Y (default)")
    p.add_argument("--decimal-sep", metavar="SEP", help="',' (default) or '.'")
    p.add_argument("--thousands-sep", metavar="SEP", help="'.' (default), ',' or ''")
    p.add_argument("--delimiter", metavar="D", help=", ; tab | or auto (default)")
    p = leaf(rs, "suggest", cmd_suggest, "rank invoices for each unmatched credit")
    p.add_argument("--line", action="append", metavar="ID", help="only this line; repeatable")
    p.add_argument("--debits", action="store_true",
                   help="rank refunds given by transfer for each unmatched debit instead")
    p.add_argument("--limit", default="3", help="suggestions per line")
    p = leaf(rs, "confirm", cmd_confirm, "mark the invoice(s) paid by this statement line "
             "(a debit: the transfer refund(s) it carried out)")
    p.add_argument("line_id")
    p.add_argument("invoice_ids", nargs="+", metavar="INVOICE_OR_REFUND")
    p = leaf(rs, "auto", cmd_auto, "confirm every exact suggestion at or above a confidence")
    p.add_argument("--min-confidence", metavar="X", help="0.9 or 90 (default: the shop's, 90)")
    p.add_argument("--save", action="store_true", help="make it the shop's default")
    p = leaf(rs, "report", cmd_report, "what came in, what it paid, what needs a person")
    p.add_argument("--from", dest="date_from", metavar="DATE")
    p.add_argument("--to", dest="date_to", metavar="DATE")
    p = leaf(rs, "undo", cmd_undo, "undo a confirmed match (a manager, before the close)")
    p.add_argument("line_id")
    p.add_argument("--approved-by", metavar="MANAGER",
                   help="the approving manager's name (with staff accounts: --approver/PIN)")
    p.add_argument("--reason", metavar="TEXT", required=True)

    sh = subparsers.add_parser("shift", help="open and close the till's shift (Z report)")
    ss = sh.add_subparsers(dest="subcommand", metavar="ACTION", required=True, parser_class=Parser)
    p = leaf(ss, "open", cmd_shift_open, "open a shift with the cash float in the drawer")
    p.add_argument("--float", action="append", metavar="CUR=AMOUNT")
    for name, handler, text in (("close", cmd_shift_close, "close the shift: frozen Z report"),
                                ("report", cmd_shift_report, "the shift's report so far")):
        p = leaf(ss, name, handler, text)
        if name == "close":
            p.add_argument("--counted", action="append", metavar="CUR=AMOUNT",
                           help="cash counted in the drawer, smallest unit; repeat per currency")
            p.add_argument("--note", metavar="TEXT")
        else:
            p.add_argument("--shift", metavar="ID", help="a closed shift (default: the open one)")
        p.add_argument("--width", default="42", help="slip columns (default 42)")
        p.add_argument("--pdf", metavar="PATH", help="also write a PDF")
