"""The sandbox application, independent of the HTTP server: faults, auth,
routing, idempotency and the response envelope."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping
from urllib.parse import parse_qsl, urlsplit

from . import customers, events, invoices, receipts, refunds
from .auth import Credentials, authenticate, check_scope, principal_of
from .common import DOC_URL, ApiError, iso, validation
from .context import Ctx, Reply
from .dashboard import Dashboard, routes as dashboard_routes
from .faults import FaultInjector, Faults
from .replay import NonceCache, refuse_replay
from .store import Store

DEFAULT_KEY_ID = "ak_test_sandbox"
DEFAULT_SECRET = "sk_test_sandbox_secret_do_not_use_in_production"
DEFAULT_DASHBOARD_KEY = "pk_test_sandbox"
WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")
MAX_BODY = 1024 * 1024  # bytes; a larger Content-Length is refused (413) unread
READ_TIMEOUT = 30.0     # seconds a client may take to send what it announced

Handler = Callable[[Ctx], Reply]


@dataclass
class SandboxConfig:
    db_path: str = "plugipay-sandbox.db"
    key_id: str = DEFAULT_KEY_ID
    secret: str = DEFAULT_SECRET
    dashboard_key: str = DEFAULT_DASHBOARD_KEY
    tolerance: int = 300
    faults: Faults = field(default_factory=Faults)
    read_key_id: str | None = None
    read_secret: str | None = None
    max_body: int = MAX_BODY
    read_timeout: float = READ_TIMEOUT


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False


def envelope(data: Any, error: dict | None, now: float, extra_meta: Mapping[str, Any] | None = None) -> bytes:
    meta = {"requestId": "req_" + secrets.token_hex(8), "timestamp": iso(now)}
    if extra_meta:
        meta.update(extra_meta)
    return json.dumps({"data": data, "error": error, "meta": meta}, separators=(",", ":")).encode()


def error_response(err: ApiError, now: float) -> Response:
    body = envelope(None, {"code": err.code, "message": err.message, "docUrl": DOC_URL + err.code}, now)
    return Response(err.status, body, headers=dict(err.headers))


def _compile(table: list) -> list[tuple[str, re.Pattern, Handler]]:
    return [(m, re.compile(p), h) for m, p, h in table]


class SandboxApp:
    def __init__(self, config: SandboxConfig):
        self.config = config
        self.store = Store(config.db_path)
        self.faults = FaultInjector(config.faults)
        self.creds = Credentials(config.key_id, config.secret, config.dashboard_key, config.tolerance,
                                 config.read_key_id, config.read_secret)
        self.nonces = NonceCache(config.tolerance)
        self.dashboard = Dashboard(self)
        self.api_routes = _compile(customers.ROUTES + invoices.ROUTES + receipts.ROUTES + events.ROUTES
                                   + refunds.ROUTES)
        self.sandbox_routes = _compile(dashboard_routes(self))

    def close(self) -> None:
        self.store.close()

    # ── entry point ───────────────────────────────────────────────
    def handle(self, method: str, raw_path: str, headers: Mapping[str, str], body: bytes, base_url: str) -> Response:
        method = method.upper()
        path = urlsplit(raw_path).path
        try:
            if path.startswith("/api/"):
                return self._api(method, raw_path, headers, body, base_url)
            now = self.faults.now()
            if path == "/_sandbox/health":
                return Response(200, envelope({"ok": True}, None, now))
            if path.startswith("/i/") and method == "GET":  # the public hosted invoice page
                page = invoices.hosted_page(self.store, path[3:], iso(now), base_url)
                if page is not None:
                    return Response(200, page.encode(), "text/html; charset=utf-8")
                raise ApiError(404, "not_found", "No such invoice page")
            # Everything else is authenticated before it is routed: a 404 or 405
            # to a stranger would map the routes for them.
            dashboard_only = path.startswith("/_sandbox/")
            authenticate(self.creds, method, raw_path, headers, body, now, dashboard_only=dashboard_only)
            if dashboard_only:
                return self._run(self.sandbox_routes, method, raw_path, headers, body, base_url, now)
            raise ApiError(404, "not_found", f"No route {method} {path}")
        except ApiError as err:
            return error_response(err, self.faults.now())
        except Exception as exc:  # a bug: answer like a server would, keep serving
            return error_response(ApiError(500, "internal_error", f"Sandbox error: {exc!r}"), self.faults.now())

    def _api(self, method: str, raw_path: str, headers: Mapping[str, str], body: bytes, base_url: str) -> Response:
        fail, drop = self.faults.draw()
        self.faults.delay()
        now = self.faults.now()
        if fail:
            return error_response(ApiError(500, "internal_error", "Injected failure (sandbox --fail-rate)"), now)
        wait = self.faults.retry_after(principal_of(headers.get("Authorization")))
        if wait is not None:
            err = ApiError(429, "rate_limited", f"Too many requests: retry after {wait}s", {"Retry-After": str(wait)})
            return error_response(err, now)
        principal = authenticate(self.creds, method, raw_path, headers, body, now)
        claimed = refuse_replay(self.nonces, headers, now) if method in WRITE_METHODS else None
        try:
            check_scope(principal, method, raw_path)
            response = self._run(self.api_routes, method, raw_path, headers, body, base_url, now)
        except BaseException:
            if claimed:
                self.nonces.release(claimed)
            raise
        if claimed and response.status >= 400:
            self.nonces.release(claimed)
        response.drop = drop
        return response

    # ── routing and idempotency ───────────────────────────────────
    def _match(self, table, method: str, path: str) -> tuple[Handler, tuple[str, ...]]:
        allowed = False
        for m, pattern, handler in table:
            found = pattern.fullmatch(path)
            if found:
                if m == method:
                    return handler, found.groups()
                allowed = True
        if allowed:
            raise ApiError(405, "method_not_allowed", f"{method} is not allowed on {path}")
        raise ApiError(404, "not_found", f"No route {method} {path}")

    def _run(self, table, method, raw_path, headers, body, base_url, now) -> Response:
        split = urlsplit(raw_path)
        handler, params = self._match(table, method, split.path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))

        def call() -> Response:
            parsed: Any = {}
            if method in WRITE_METHODS and body.strip():
                try:
                    parsed = json.loads(body)
                except (ValueError, UnicodeDecodeError):
                    raise validation("Body is not valid JSON") from None
                if not isinstance(parsed, dict):
                    raise validation("Body must be a JSON object")
            ctx = Ctx(self.store, method, params, query, parsed, now, base_url)
            reply = handler(ctx)
            if reply.html is not None:
                return Response(reply.status, reply.html.encode(), "text/html; charset=utf-8")
            return Response(reply.status, envelope(reply.data, None, now, reply.meta))

        key = headers.get("Idempotency-Key")
        if method not in WRITE_METHODS or not key:
            try:
                return call()
            except ApiError as err:
                return error_response(err, now)
        return self._idempotent(key, method, raw_path, body, now, call)

    def _idempotent(self, key: str, method: str, raw_path: str, body: bytes, now: float, call) -> Response:
        """First response for a key is stored with the work, in one transaction;
        a repeat of the same request replays it byte for byte."""
        body_hash = hashlib.sha256(body).hexdigest()
        store = self.store
        with store.transaction():
            previous = store.get_idempotent(key)
            if previous is not None:
                p_method, p_path, p_hash, status, stored = previous
                if (p_method, p_path, p_hash) == (method, raw_path, body_hash):
                    return Response(status, stored, headers={"Idempotent-Replayed": "true"})
                return error_response(ApiError(
                    409, "conflict",
                    f"Idempotency-Key {key!r} was already used with a different request "
                    f"({p_method} {p_path}); use a new key for a new request",
                ), now)
            try:
                with store.savepoint():
                    response = call()
            except ApiError as err:
                response = error_response(err, now)
            if response.status < 500:
                store.put_idempotent(key, method, raw_path, body_hash, response.status, response.body, iso(now))
        return response
