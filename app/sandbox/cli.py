"""Command line: ``python -m app.sandbox [options]`` (also reused by ``kasir sandbox``).

    python -m app.sandbox --port 8787 --db plugipay-sandbox.db
    python -m app.sandbox dashboard pay in_123 --url http://127.0.0.1:8787
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import urllib.error
import urllib.request
from typing import Sequence

from .dispatch import (DEFAULT_DASHBOARD_KEY, DEFAULT_KEY_ID, DEFAULT_SECRET, MAX_BODY, READ_TIMEOUT,
                       SandboxConfig)
from .faults import Faults
from .server import SandboxServer

DEFAULT_PORT = 8787
DEFAULT_DB = "plugipay-sandbox.db"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The server's options, for ``kasir sandbox`` to reuse."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--db", default=DEFAULT_DB, help=f"SQLite file holding the sandbox's state (default ./{DEFAULT_DB})")
    parser.add_argument("--key-id", default=None, help=f"HMAC key id (default $PLUGIPAY_KEY_ID or {DEFAULT_KEY_ID})")
    parser.add_argument("--secret", default=None, help="HMAC secret (default $PLUGIPAY_SECRET or the sandbox secret)")
    parser.add_argument("--dashboard-key", default=DEFAULT_DASHBOARD_KEY, help=f"Bearer dashboard key (default {DEFAULT_DASHBOARD_KEY})")
    parser.add_argument("--read-key-id", default=None,
                        help="an extra key with read scopes only (its writes get 403 insufficient_scope)")
    parser.add_argument("--read-secret", default=None, help="the secret of --read-key-id")
    parser.add_argument("--tolerance", type=int, default=300, help="allowed signature timestamp skew in seconds (default 300)")
    parser.add_argument("--max-body", type=int, default=MAX_BODY, help=f"largest request body in bytes, else 413 (default {MAX_BODY})")
    parser.add_argument("--read-timeout", type=float, default=READ_TIMEOUT,
                        help=f"seconds to wait for an announced body, else 408 (default {READ_TIMEOUT:g})")
    faults = parser.add_argument_group("fault injection (all changeable at runtime via POST /_sandbox/faults)")
    faults.add_argument("--fail-rate", type=float, default=0.0, help="0..1: answer 500 internal_error before doing anything")
    faults.add_argument("--drop-rate", type=float, default=0.0, help="0..1: do the work, commit, then close the connection unanswered")
    faults.add_argument("--latency-ms", type=float, default=0.0, help="delay every API request by this much")
    faults.add_argument("--rate-limit", type=float, default=0.0, help="requests per second per key, then 429 with Retry-After (0 = off)")
    faults.add_argument("--clock-skew", type=float, default=0.0, help="seconds added to the server clock (timestamp checks and returned times)")
    faults.add_argument("--seed", type=int, default=None, help="seed for the fault RNG (reproducible runs)")


def config_from_args(args: argparse.Namespace) -> SandboxConfig:
    key_id = args.key_id or os.environ.get("PLUGIPAY_KEY_ID")
    secret = args.secret or os.environ.get("PLUGIPAY_SECRET")
    if not key_id or not secret:
        key_id, secret = key_id or DEFAULT_KEY_ID, secret or DEFAULT_SECRET
        print(
            f"Plugipay sandbox: using sandbox credentials key_id={key_id} secret={secret} "
            "(set --key-id/--secret or PLUGIPAY_KEY_ID/PLUGIPAY_SECRET to change)",
            file=sys.stderr, flush=True,
        )
    for name in ("fail_rate", "drop_rate"):
        if not 0.0 <= getattr(args, name) <= 1.0:
            raise SystemExit(f"--{name.replace('_', '-')} must be between 0 and 1")
    faults = Faults(
        fail_rate=args.fail_rate, drop_rate=args.drop_rate, latency_ms=args.latency_ms,
        rate_limit=args.rate_limit, clock_skew=args.clock_skew, seed=args.seed,
    )
    return SandboxConfig(
        db_path=args.db, key_id=key_id, secret=secret, dashboard_key=args.dashboard_key,
        tolerance=args.tolerance, faults=faults,
        read_key_id=args.read_key_id, read_secret=args.read_secret,
        max_body=args.max_body, read_timeout=args.read_timeout,
    )


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM. Prints the listening line on stdout first."""
    server = SandboxServer(config_from_args(args), host=args.host, port=args.port)

    def _stop(signum, frame):  # noqa: ARG001
        raise KeyboardInterrupt

    main_thread = threading.current_thread() is threading.main_thread()
    try:
        # The handler is installed and the line printed inside the try: a SIGTERM
        # sent the moment a test reads the line must still end in a clean exit.
        if main_thread:
            signal.signal(signal.SIGTERM, _stop)
        print(f"Plugipay sandbox listening on {server.url}", flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if main_thread:  # a second SIGTERM must not interrupt the shutdown
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        server.stop()
    return 0


# ── dashboard actions against a running sandbox ───────────────────────
def _dashboard_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m app.sandbox dashboard", description="Act as a person in Plugipay's dashboard.")
    p.add_argument("--url", default=f"http://127.0.0.1:{DEFAULT_PORT}")
    p.add_argument("--dashboard-key", default=DEFAULT_DASHBOARD_KEY)
    sub = p.add_subparsers(dest="action", required=True)
    for name in ("pay", "void", "mark-uncollectible"):
        s = sub.add_parser(name)
        s.add_argument("invoice_id")
        if name == "pay":
            s.add_argument("--method", default="manual")
    s = sub.add_parser("subscription-invoice")
    s.add_argument("--customer-id")
    s.add_argument("--currency", default="IDR")
    s.add_argument("--amount", type=int, default=150000)
    sub.add_parser("reset")
    s = sub.add_parser("faults", help="show, or change with a JSON object, e.g. '{\"failRate\":0.2}'")
    s.add_argument("json", nargs="?")
    return p


def dashboard_main(argv: Sequence[str]) -> int:
    a = _dashboard_parser().parse_args(list(argv))
    body: dict | None = {}
    if a.action in ("pay", "void", "mark-uncollectible"):
        path = f"/_sandbox/invoices/{a.invoice_id}/{a.action}"
        body = {"method": a.method} if a.action == "pay" else {}
    elif a.action == "subscription-invoice":
        path = "/_sandbox/subscription-invoices"
        body = {"currency": a.currency, "lines": [{"description": "Subscription", "quantity": 1, "unitAmount": a.amount}]}
        if a.customer_id:
            body["customerId"] = a.customer_id
    elif a.action == "reset":
        path = "/_sandbox/reset"
    else:
        path = "/_sandbox/faults"
        body = json.loads(a.json) if a.json else None
    req = urllib.request.Request(
        a.url.rstrip("/") + path,
        data=None if body is None else json.dumps(body).encode(),
        method="GET" if body is None else "POST",
        headers={"Authorization": f"Bearer {a.dashboard_key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            print(json.dumps(json.loads(resp.read())["data"], indent=2))
            return 0
    except urllib.error.HTTPError as err:
        print(err.read().decode(errors="replace"), file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["dashboard"]:
        return dashboard_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m app.sandbox", description="Plugipay-compatible sandbox server.")
    add_arguments(parser)
    return run(parser.parse_args(argv))
