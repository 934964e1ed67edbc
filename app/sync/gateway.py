"""The one door to Plugipay: the official SDK, with what a till needs around it.

- Replayable writes go through `PlugipayClient.request(..., idempotency_key=...)`
  with the key and the exact body bytes stored in the outbox.
- Every response's `meta.timestamp` is compared with the local clock; when the
  till's clock is off, requests are signed with the server's time instead
  (`SkewCorrectingClient`, a subclass: the SDK itself is not modified).
- SDK errors are sorted into what the sender does next: retry later
  (`Unavailable`, with `Retry-After` when the server gave one), ask a person
  (`Refused`), or stop and fix the credentials (`AuthFailed`).

A gateway may be used by several threads at once (the sender's window): the
SDK's `request()` only reads its settings and its httpx client is thread-safe
and pooled; the hooks keep their per-request state per thread.
"""

from __future__ import annotations

import email.utils
import hashlib
import hmac
import json
import logging
import threading
import time
from datetime import datetime
from typing import Any, Callable

import httpx
from plugipay import PlugipayClient, PlugipayError

log = logging.getLogger("kasir.sync")

# A difference smaller than this is network delay, not a wrong clock.
SKEW_THRESHOLD = 2.0
MAX_CONNECTIONS = 64  # kept-alive connections: at least the largest window


class GatewayError(Exception):
    def __init__(self, message: str, *, status: int = 0, code: str = ""):
        super().__init__(message)
        self.message, self.status, self.code = message, status, code


class Unavailable(GatewayError):
    """Try again later: network down, lost response, 5xx, 429. The outcome of a
    write that got this is unknown; resending it with the same key is safe."""

    def __init__(self, message: str, *, status: int = 0, code: str = "",
                 retry_after: float | None = None):
        super().__init__(message, status=status, code=code)
        self.retry_after = retry_after


class Refused(GatewayError):
    """Plugipay answered and said no (400, 404, 409, ...): a person must look."""


class AuthFailed(GatewayError):
    """The key pair is wrong, revoked or lacks a scope: nothing will go through."""


def compact(body: Any) -> str:
    return json.dumps(body, separators=(",", ":"))


def _parse_iso(text: str) -> float | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except (TypeError, ValueError):
        return None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _meta(content: bytes) -> dict | None:
    """The envelope's `meta`, read without parsing the whole answer twice (the
    SDK parses it anyway): Plugipay writes `meta` last; else the full parse."""
    at = content.rfind(b'"meta":')
    if at >= 0 and content.endswith(b"}"):
        try:
            meta = json.loads(content[at + 7:-1])
            if isinstance(meta, dict):
                return meta
        except ValueError:
            pass
    try:
        meta = json.loads(content).get("meta")
    except (ValueError, AttributeError):
        return None
    return meta if isinstance(meta, dict) else None


class SkewCorrectingClient(PlugipayClient):
    """The official client, signing with `time.time() + offset` once a skew is known."""

    clock_offset: float = 0.0

    def _sign(self, *, method, path, body, idempotency_key):
        if abs(self.clock_offset) < SKEW_THRESHOLD:
            return super()._sign(method=method, path=path, body=body,
                                 idempotency_key=idempotency_key)
        # Same string-to-sign as the SDK; only the timestamp is the server's.
        ts = str(int(time.time() + self.clock_offset))
        body_hash = hashlib.sha256((body or "").encode("utf-8")).hexdigest()
        idem = f"\n{idempotency_key}" if idempotency_key else ""
        text = f"{method.upper()}\n{path}\n{ts}\n{body_hash}{idem}"
        sig = hmac.new(self.secret.encode("utf-8"), text.encode("utf-8"),
                       hashlib.sha256).hexdigest()
        return sig, ts


class Gateway:
    """Plugipay as the sync engine sees it. `credentials` is an
    `app.sync.credentials.Credentials`; `timeout` in seconds."""

    def __init__(self, credentials, *, timeout: float = 15.0,
                 on_request: Callable[[str, str], None] | None = None):
        self._local = threading.local()  # per sending thread: _sent_at, last_retry_after
        self._count_lock = threading.Lock()
        self.requests = 0
        self.failures: dict[str, int] = {}  # what went wrong, by kind (for reports and tests)
        self._on_request = on_request
        # Plain http is only ever a local sandbox: skip loading the CA bundle (slow).
        plain = credentials.base_url.startswith("http://")
        pool = httpx.Limits(max_connections=MAX_CONNECTIONS,
                            max_keepalive_connections=MAX_CONNECTIONS)
        http = httpx.Client(timeout=timeout, verify=not plain, limits=pool, event_hooks={
            "request": [self._hook_request], "response": [self._hook_response]})
        self._http = http
        self.client = SkewCorrectingClient(
            key_id=credentials.key_id, secret=credentials.secret,
            base_url=credentials.base_url, timeout=timeout, http=http)
        self.base_url = credentials.base_url

    def close(self) -> None:
        self._http.close()

    @property
    def clock_offset(self) -> float:
        """Seconds to add to this computer's clock to get Plugipay's."""
        return self.client.clock_offset

    # ── hooks: the server's clock and Retry-After ─────────────────
    @property
    def last_retry_after(self) -> float | None:
        """`Retry-After` of the last answer this thread got."""
        return getattr(self._local, "retry_after", None)

    @last_retry_after.setter
    def last_retry_after(self, value: float | None) -> None:
        self._local.retry_after = value

    def _hook_request(self, request) -> None:
        self._local.sent_at = time.time()
        with self._count_lock:
            self.requests += 1
        if self._on_request:
            self._on_request(request.method, request.url.path)

    def _hook_response(self, response) -> None:
        received = time.time()
        self.last_retry_after = _retry_after(response.headers.get("Retry-After"))
        if not response.headers.get("content-type", "").startswith("application/json"):
            return
        response.read()
        meta = _meta(response.content)
        if meta is None:
            return
        server = _parse_iso(meta.get("timestamp"))
        if server is None:
            return
        # The server stamped its reply somewhere between our send and receive.
        offset = server - (getattr(self._local, "sent_at", received) + received) / 2
        if abs(offset) >= SKEW_THRESHOLD or abs(self.client.clock_offset) >= SKEW_THRESHOLD:
            if abs(offset - self.client.clock_offset) >= 1.0:
                log.info("Plugipay's clock differs from this computer's by %.0f s", offset)
            self.client.clock_offset = offset

    # ── calls ─────────────────────────────────────────────────────
    def _guard(self, fn: Callable[[], Any]) -> Any:
        for attempt in (1, 2):
            offset_before = self.client.clock_offset
            self.last_retry_after = None
            try:
                return fn()
            except PlugipayError as err:
                status, code, message = err.status, err.code, err.message
                kind = f"{status or code}"
                with self._count_lock:
                    self.failures[kind] = self.failures.get(kind, 0) + 1
            if status == 0:
                raise Unavailable(f"Plugipay could not be reached ({code}): {message}",
                                  code=code)
            if status == 401:
                # A stale-timestamp refusal taught us the server's clock: sign again.
                if attempt == 1 and abs(self.client.clock_offset - offset_before) >= SKEW_THRESHOLD:
                    continue
                raise AuthFailed(f"Plugipay refused the key: {message}", status=status, code=code)
            if status == 403:
                raise AuthFailed(f"The Plugipay key may not do this: {message}",
                                 status=status, code=code)
            if status == 429 or status >= 500 or status == 408:
                raise Unavailable(f"Plugipay is busy ({status} {code}): {message}",
                                  status=status, code=code, retry_after=self.last_retry_after)
            raise Refused(message, status=status, code=code)
        raise AssertionError("unreachable")

    def send(self, method: str, path: str, body_text: str | None, idempotency_key: str | None):
        """A write with a stored key and stored body: the same bytes every time."""
        body = None
        if body_text is not None:
            body = json.loads(body_text)
            if compact(body) != body_text:  # the SDK serialises compactly; be sure it matches
                raise ValueError("stored body is not in the SDK's compact form")
        return self._guard(lambda: self.client.request(
            method=method, path=path, body=body, idempotency_key=idempotency_key))

    def get(self, path: str):
        return self._guard(lambda: self.client.request(method="GET", path=path))

    def get_invoice(self, invoice_id: str) -> dict:
        return self._guard(lambda: self.client.invoices.get(invoice_id).raw)

    def get_customer(self, customer_id: str) -> dict:
        return self._guard(lambda: self.client.customers.get(customer_id).raw)

    def find_customer(self, external_id: str) -> dict | None:
        page = self._guard(lambda: self.client.customers.list(external_id=external_id, limit=1))
        return page.data[0].raw if page.data else None

    def list_invoices(self, cursor: str | None = None, limit: int = 100):
        page = self._guard(lambda: self.client.invoices.list(limit=limit, cursor=cursor))
        return [i.raw for i in page.data], page.cursor, page.has_more

    def list_events(self, cursor: str | None = None, limit: int = 100):
        page = self._guard(lambda: self.client.events.list(limit=limit, cursor=cursor,
                                                           order="asc"))
        return [e.raw for e in page.data], page.cursor, page.has_more

    def list_refunds(self, cursor: str | None = None, limit: int = 100):
        page = self._guard(lambda: self.client.refunds.list(limit=limit, cursor=cursor))
        return [r.raw for r in page.data], page.cursor, page.has_more

    def invoice_receipt(self, invoice_id: str) -> dict | None:
        try:
            return self.get(f"/api/v1/invoices/{invoice_id}/receipt")
        except Refused as err:
            if err.status == 404:
                return None
            raise
