"""Run the sandbox as a real subprocess, for tests (this one and the sync engine's).

Developer-only: used by tests/ and app/bench, never by the app; left out of the
PyInstaller bundle (packaging/kasir_bundle.py EXCLUDES).

    from app.sandbox.testing import running_sandbox

    with running_sandbox(tmp_path, fail_rate=0.2, seed=7) as sbx:
        client = sbx.client()              # plugipay.PlugipayClient, HMAC-signed
        sbx.pay_invoice(invoice_id)        # as a person in the dashboard would
        sbx.set_faults(fail_rate=0)        # switch faults between test phases
        sbx.restart()                      # same port, same database

Options (all optional): ``key_id``, ``secret``, ``dashboard_key``, ``db_path``,
``port``, ``tolerance``, ``fail_rate``, ``drop_rate``, ``latency_ms``,
``rate_limit``, ``clock_skew``, ``seed``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import httpx
from plugipay import PlugipayClient

from .buyer import pay_session

REPO_ROOT = Path(__file__).resolve().parents[2]
TEST_KEY_ID = "ak_test_kasir_sandbox"
TEST_SECRET = "sk_test_kasir_sandbox_secret"
TEST_DASHBOARD_KEY = "pk_test_kasir_sandbox"
START_TIMEOUT = 15.0

_FLAGS = {
    "tolerance": "--tolerance", "fail_rate": "--fail-rate", "drop_rate": "--drop-rate",
    "read_key_id": "--read-key-id", "read_secret": "--read-secret",
    "latency_ms": "--latency-ms", "rate_limit": "--rate-limit", "clock_skew": "--clock-skew",
    "seed": "--seed", "max_body": "--max-body", "read_timeout": "--read-timeout",
    "adapter": "--adapter",
}
_CAMEL = {
    "fail_rate": "failRate", "drop_rate": "dropRate", "latency_ms": "latencyMs",
    "rate_limit": "rateLimit", "clock_skew": "clockSkew", "seed": "seed",
}


class SandboxError(RuntimeError):
    pass


class SandboxProcess:
    """A sandbox server running as ``python -m app.sandbox`` on 127.0.0.1."""

    def __init__(self, workdir: Path, **options: Any):
        unknown = set(options) - {"key_id", "secret", "dashboard_key", "db_path", "port", *_FLAGS}
        if unknown:
            raise TypeError(f"unknown sandbox option(s): {', '.join(sorted(unknown))}")
        self.workdir = Path(workdir)
        self.key_id: str = options.pop("key_id", TEST_KEY_ID)
        self.secret: str = options.pop("secret", TEST_SECRET)
        self.dashboard_key: str = options.pop("dashboard_key", TEST_DASHBOARD_KEY)
        self.db_path = Path(options.pop("db_path", self.workdir / "plugipay-sandbox.db"))
        self.port: int = int(options.pop("port", 0))
        self.options = options
        self.base_url = ""
        self.proc: subprocess.Popen | None = None
        self._http: httpx.Client | None = None

    # ── lifecycle ─────────────────────────────────────────────────
    def start(self) -> "SandboxProcess":
        cmd = [
            sys.executable, "-m", "app.sandbox", "--host", "127.0.0.1", "--port", str(self.port),
            "--db", str(self.db_path), "--key-id", self.key_id, "--secret", self.secret,
            "--dashboard-key", self.dashboard_key,
        ]
        for name, value in self.options.items():
            if value is not None:
                cmd += [_FLAGS[name], str(value)]
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        env["PYTHONUNBUFFERED"] = "1"
        self.workdir.mkdir(parents=True, exist_ok=True)
        stderr = open(self.workdir / "plugipay-sandbox.log", "ab")
        try:
            self.proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL,
                cwd=str(self.workdir), env=env,
            )
        finally:
            stderr.close()
        line: list[bytes] = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT)
        text = line[0].decode().strip() if line else ""
        if "listening on " not in text:
            self.stop()
            log = (self.workdir / "plugipay-sandbox.log").read_text(errors="replace")[-2000:]
            raise SandboxError(f"sandbox did not start (got {text!r}); log:\n{log}")
        self.base_url = text.split("listening on ", 1)[1].strip()
        self.port = int(self.base_url.rsplit(":", 1)[1])
        return self

    def stop(self) -> None:
        """SIGTERM, then kill after 5 s. Safe to call twice."""
        if self._http is not None:
            self._http.close()
            self._http = None
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        if proc.stdout is not None:
            proc.stdout.close()

    def restart(self, **changes: Any) -> "SandboxProcess":
        """Stop and start again on the same port with the same database
        (``changes`` override fault options for the new run)."""
        self.stop()
        self.options.update(changes)
        return self.start()

    @property
    def returncode(self) -> int | None:
        return None if self.proc is None else self.proc.poll()

    # ── clients ───────────────────────────────────────────────────
    def client(self, **kwargs: Any):
        """An official SDK client signed with the sandbox's HMAC key."""
        kwargs.setdefault("key_id", self.key_id)
        kwargs.setdefault("secret", self.secret)
        return PlugipayClient(base_url=self.base_url, **kwargs)

    def remote_invoices(self) -> list[dict]:
        """Every invoice the sandbox holds, as Plugipay sends it, all pages read."""
        client = self.client()
        try:
            out, cursor = [], None
            while True:
                page = client.invoices.list(limit=100, cursor=cursor)
                out += [p.raw for p in page.data]
                if not page.has_more:
                    return out
                cursor = page.cursor
        finally:
            client.close()

    def dashboard_client(self, **kwargs: Any):
        """An official SDK client using the dashboard Bearer key."""
        return PlugipayClient(api_key=self.dashboard_key, base_url=self.base_url, **kwargs)

    # ── dashboard actions (HTTP /_sandbox/ routes) ────────────────
    def dashboard(self, method: str, path: str, body: Any = None) -> Any:
        if self._http is None:
            self._http = httpx.Client(timeout=30)
        resp = self._http.request(
            method, self.base_url + path, json=body,
            headers={"Authorization": f"Bearer {self.dashboard_key}"},
        )
        payload = resp.json()
        if resp.status_code >= 400:
            raise SandboxError(f"{method} {path}: {resp.status_code} {payload.get('error')}")
        return payload["data"]

    def pay_invoice(self, invoice_id: str, method: str = "manual", reference: str | None = None) -> dict:
        body = {"method": method, **({"reference": reference} if reference else {})}
        return self.dashboard("POST", f"/_sandbox/invoices/{invoice_id}/pay", body)

    def void_invoice(self, invoice_id: str) -> dict:
        return self.dashboard("POST", f"/_sandbox/invoices/{invoice_id}/void", {})

    def mark_uncollectible(self, invoice_id: str) -> dict:
        return self.dashboard("POST", f"/_sandbox/invoices/{invoice_id}/mark-uncollectible", {})

    def refund_invoice(self, invoice_id: str, amount: int | None = None,
                       reason: str = "requested_by_customer") -> dict:
        """A refund made in the dashboard (everything left when `amount` is None)."""
        body = {"reason": reason, **({"amount": amount} if amount is not None else {})}
        return self.dashboard("POST", f"/_sandbox/invoices/{invoice_id}/refund", body)

    def create_subscription_invoice(self, **body: Any) -> dict:
        """Keys as the API spells them: customerId, currency, lines, dueAt, subscriptionId."""
        return self.dashboard("POST", "/_sandbox/subscription-invoices", body)

    def set_adapter(self, name: str) -> dict:
        """The shop's payment adapter: ``manual``, ``midtrans`` or ``xendit``."""
        return self.dashboard("POST", "/_sandbox/adapter", {"adapter": name})

    def pay_session(self, session_id: str, **kwargs: Any) -> dict:
        """Pay a checkout session as the buyer's phone would (charge, or a claim on manual)."""
        return pay_session(self.base_url, session_id, **kwargs)

    def set_faults(self, **faults: Any) -> dict:
        """e.g. ``set_faults(fail_rate=0, drop_rate=0.5, seed=3)``."""
        return self.dashboard("POST", "/_sandbox/faults", {_CAMEL.get(k, k): v for k, v in faults.items()})

    def faults(self) -> dict:
        return self.dashboard("GET", "/_sandbox/faults")

    def stats(self) -> dict:
        """Row counts: customers, invoices, receipts, events, idempotency."""
        return self.dashboard("GET", "/_sandbox/stats")

    def reset(self) -> None:
        self.dashboard("POST", "/_sandbox/reset", {})

    def arrivals(self) -> list[dict]:
        """Keyed writes in the order the sandbox did them: key, method, path, status."""
        return self.dashboard("GET", "/_sandbox/arrivals")

    def signed_request(
        self, method: str, path: str, body: Any = None, *, idem: str | None = None,
        ts: int | None = None, secret: str | None = None, key_id: str | None = None,
        send_body: bytes | None = None,
    ) -> httpx.Response:
        """A raw request signed by the protocol, for cases the SDK cannot make: an
        old ``ts``, a wrong ``secret``, a ``send_body`` other than the signed one."""
        raw = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
        stamp = str(int(time.time()) if ts is None else ts)
        text = f"{method}\n{path}\n{stamp}\n{hashlib.sha256(raw).hexdigest()}" + (f"\n{idem}" if idem else "")
        sig = hmac.new((secret or self.secret).encode(), text.encode(), hashlib.sha256).hexdigest()
        headers = {
            "Authorization": f"Plugipay-HMAC-SHA256 keyId={key_id or self.key_id}, scope=*, signature={sig}",
            "X-Plugipay-Timestamp": stamp,
            "Content-Type": "application/json",
        }
        if idem:
            headers["Idempotency-Key"] = idem
        content = raw if send_body is None else send_body
        return httpx.request(method, self.base_url + path, content=content or None, headers=headers, timeout=10)


def sample_lines(*amounts: int, quantity: int = 1) -> list[dict]:
    """Invoice lines ``[{description, quantity, unitAmount}]`` for the given unit amounts."""
    return [{"description": f"Item {i + 1}", "quantity": quantity, "unitAmount": a} for i, a in enumerate(amounts)]


@contextmanager
def running_sandbox(tmp_path: Path | str, **options: Any) -> Iterator[SandboxProcess]:
    """Start a sandbox subprocess (port 0 = a free port), yield it, stop it."""
    sandbox = SandboxProcess(Path(tmp_path), **options)
    sandbox.start()
    try:
        yield sandbox
    finally:
        sandbox.stop()
