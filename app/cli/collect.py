"""`kasir invoice collect ID --qr [--wait SECONDS]`: collect an open invoice by QR
through a Plugipay checkout session (issue 16).

Creates the session (or reuses the live one), prints its payment URL and the
QR in the terminal, waits, and exits 0 once the invoice is paid (its receipt
goes to the print queue when print-on-pay is on). Exit codes:

    0   paid (or already paid by this session)
    1   QR unavailable: Plugipay cannot be reached, or no key (the reason is printed)
    5   conflict: the invoice cannot be collected, or the session was paid too late
        (the invoice was settled otherwise: see `kasir sync conflicts`, refund)
    7   the session expired unpaid
    8   the session was canceled (--cancel, --refuse, or on Plugipay)
    9   still waiting after --wait: the session stays open; run again to keep waiting
    10  manual adapter: the customer's claim awaits --confirm or --refuse
"""

from __future__ import annotations

import sys

from app.cli.env import emit, leaf, parse_int
from app.domain.errors import ValidationError
from app.i18n import _

EXIT_EXPIRED, EXIT_CANCELED, EXIT_WAITING, EXIT_CLAIMED, EXIT_LATE = 7, 8, 9, 10, 5
DEFAULT_WAIT = 120


def qr_text(payload: str) -> str:
    """The QR drawn with half blocks (two module rows per line), quiet zone included."""
    from app.documents.qr_code import QUIET_ZONE, qr_matrix  # reportlab: only when drawn

    matrix = qr_matrix(payload)
    n = len(matrix) + 2 * QUIET_ZONE

    def dark(r, c):
        r, c = r - QUIET_ZONE, c - QUIET_ZONE
        return 0 <= r < len(matrix) and 0 <= c < len(matrix) and matrix[r][c]

    glyphs = {(False, False): "\u2588", (True, False): "\u2584", (False, True): "\u2580",
              (True, True): " "}  # light on dark terminals: a dark module is a blank
    return "\n".join("".join(glyphs[(dark(r, c), dark(r + 1, c))] for c in range(n))
                     for r in range(0, n, 2))


def _collector(env):
    from app.sync import credentials  # keyring: only when the command runs
    from app.sync.checkout import QrCollector, QrUnavailable
    from app.sync.gateway import Gateway

    try:
        creds = credentials.require()
    except credentials.CredentialsError as err:
        raise QrUnavailable(_("QR payment is unavailable: {reason}", reason=err.message)) from None
    return QrCollector(env.ctx, Gateway(creds, timeout=15))


def _status_text(rec) -> str:
    if rec.paid:
        return _("Paid by QR. Receipt {number}.", number=rec.receipt_number)
    if rec.outcome == "conflict":
        return _("The session was paid, but the invoice was already settled: refund the "
                 "customer (see 'kasir sync conflicts').")
    texts = {
        "open": _("Waiting for the customer to pay."),
        "creating": _("Waiting for Plugipay to open the session."),
        "pending_review": _("The customer says they paid: check the proof, then run again "
                            "with --confirm or --refuse."),
        "expired": _("The QR expired unpaid."),
        "canceled": _("The QR collection was canceled."),
        "failed": _("The payment failed."),
    }
    return texts.get(rec.status, rec.status)


def _exit_code(rec) -> int:
    if rec.paid:
        return 0
    if rec.outcome == "conflict":
        return EXIT_LATE
    return {"expired": EXIT_EXPIRED, "canceled": EXIT_CANCELED, "failed": EXIT_CANCELED,
            "pending_review": EXIT_CLAIMED}.get(rec.status, EXIT_WAITING)


def cmd_invoice_collect(args, env):
    from app.cli.invoices import _auto_print
    from app.services.qr_collect import receipt_of
    from app.services.queries import get_invoice

    if not args.qr:
        raise ValidationError(_("Say how to collect: --qr (the only way for now)."), field="qr")
    wait = parse_int(args.wait, _("Wait"), "wait")
    if not 0 <= wait <= 3600:
        raise ValidationError(_("--wait must be between 0 and 3600 seconds."), field="wait")
    expires = parse_int(args.expires, _("Expiry"), "expires")
    collector = _collector(env)
    try:
        rec = collector.start(args.id, expires_in=expires)
        if args.cancel or args.refuse:
            rec = collector.cancel(rec.id)
        elif args.confirm:
            rec = collector.confirm(rec.id)
        elif not rec.finished and not env.json:
            print(_("Pay {amount} {currency} at {url}", amount=rec.amount,
                    currency=rec.currency, url=rec.hosted_url))
            if rec.qr_payload:
                print(qr_text(rec.qr_payload))
            sys.stdout.flush()
        if not rec.finished and not (args.cancel or args.refuse or args.confirm) and wait:
            rec = collector.wait(rec.id, wait)
    finally:
        collector.gw.close()
    inv = get_invoice(env.ctx, rec.invoice_id)
    if rec.paid:
        _auto_print(env, inv, receipt_of(env.ctx, rec.id))
    payload = {"session": rec.to_json(), "invoice": inv.to_json()}
    emit(env.json, payload, _status_text(rec))
    return _exit_code(rec)


def register(sub, common) -> None:
    """No top-level command: `collect` is an invoice action."""


def register_invoice(isub, common) -> None:
    p = leaf(isub, common, "collect", cmd_invoice_collect,
             "collect an open invoice by QR through Plugipay; exits 0 once paid")
    p.add_argument("id")
    p.add_argument("--qr", action="store_true", help="by QR (a Plugipay checkout session)")
    p.add_argument("--wait", default=str(DEFAULT_WAIT), metavar="SECONDS",
                   help="how long to wait for the payment (default %(default)s; 0: print and exit)")
    p.add_argument("--expires", default="300", metavar="SECONDS",
                   help="how long a new QR stays payable (default %(default)s)")
    actions = p.add_mutually_exclusive_group()
    actions.add_argument("--cancel", action="store_true", help="cancel the session")
    actions.add_argument("--confirm", action="store_true",
                         help="manual adapter: the money arrived, confirm the customer's claim")
    actions.add_argument("--refuse", action="store_true",
                         help="manual adapter: the money did not arrive, refuse the claim")
