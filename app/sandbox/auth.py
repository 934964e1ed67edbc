"""Request authentication: Plugipay HMAC signatures and dashboard Bearer keys."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Mapping

from .common import ApiError

SCHEME = "Plugipay-HMAC-SHA256"
_PARAM = re.compile(r"\s*([A-Za-z]+)\s*=\s*([^,\s]*)\s*")


@dataclass(frozen=True)
class Credentials:
    key_id: str
    secret: str
    dashboard_key: str
    tolerance: int = 300
    # A second key pair with read scopes only, as a restricted key in Plugipay's
    # dashboard would be: its writes are refused with 403 insufficient_scope.
    read_key_id: str | None = None
    read_secret: str | None = None


READ_ONLY = "hmac-read"


def unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message)


def _params(rest: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in rest.split(","):
        m = _PARAM.fullmatch(part)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def principal_of(authorization: str | None) -> str:
    """Who a request claims to be (unverified): for rate limiting per key."""
    if not authorization:
        return "anonymous"
    if authorization.startswith("Bearer "):
        return "bearer:" + authorization[7:].strip()[:64]
    if authorization.startswith(SCHEME):
        return "key:" + _params(authorization[len(SCHEME):]).get("keyId", "")[:64]
    return "anonymous"


def string_to_sign(method: str, path: str, timestamp: str, body: bytes, idem: str | None) -> str:
    body_hash = hashlib.sha256(body).hexdigest()
    tail = f"\n{idem}" if idem else ""
    return f"{method.upper()}\n{path}\n{timestamp}\n{body_hash}{tail}"


def sign(secret: str, method: str, path: str, timestamp: str, body: bytes, idem: str | None) -> str:
    text = string_to_sign(method, path, timestamp, body, idem)
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def authenticate(
    creds: Credentials,
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    now: float,
    *,
    dashboard_only: bool = False,
) -> str:
    """Check the request's credentials; returns ``"hmac"``, ``READ_ONLY`` or ``"dashboard"``.

    ``path`` is the path as sent, query string included."""
    auth = (headers.get("Authorization") or "").strip()
    if not auth:
        raise unauthorized("Missing Authorization header")
    if auth.startswith("Bearer "):
        token = auth[7:].strip()
        if not token.startswith(("pk_test_", "pk_live_")):
            raise unauthorized("A dashboard key looks like pk_test_... or pk_live_...")
        if not hmac.compare_digest(token.encode(), creds.dashboard_key.encode()):
            raise unauthorized("Unknown dashboard key")
        return "dashboard"
    if dashboard_only:
        raise unauthorized("This route needs the dashboard key (Authorization: Bearer pk_...)")
    if not auth.startswith(SCHEME + " "):
        raise unauthorized(f"Unsupported Authorization scheme: use {SCHEME} or Bearer")
    params = _params(auth[len(SCHEME) + 1:])
    key_id, signature = params.get("keyId"), params.get("signature")
    if not key_id or not signature:
        raise unauthorized("Authorization must carry keyId and signature")
    secret, principal = creds.secret, "hmac"
    if creds.read_key_id and hmac.compare_digest(key_id.encode(), creds.read_key_id.encode()):
        secret, principal = creds.read_secret or "", READ_ONLY
    elif not hmac.compare_digest(key_id.encode(), creds.key_id.encode()):
        raise unauthorized(f"Unknown key: {key_id}")
    ts = (headers.get("X-Plugipay-Timestamp") or "").strip()
    if not ts.isdigit():
        raise unauthorized("Missing or malformed X-Plugipay-Timestamp")
    skew = abs(now - int(ts))
    if skew > creds.tolerance:
        raise unauthorized(
            f"Timestamp outside tolerance: {int(skew)}s from server clock (max {creds.tolerance}s)"
        )
    idem = headers.get("Idempotency-Key") or None
    expected = sign(secret, method, path, ts, body, idem)
    if not hmac.compare_digest(expected.encode(), signature.lower().encode()):
        raise unauthorized("Signature mismatch")
    return principal


def check_scope(principal: str, method: str, path: str) -> None:
    """A read-only key may read; a write needs `plugipay:<resource>:write`."""
    if principal == READ_ONLY and method not in ("GET", "HEAD"):
        resource = path.split("?")[0].split("/")[3] if path.count("/") >= 3 else "api"
        scope = f"plugipay:{resource.rstrip('s')}:write"
        raise ApiError(403, "insufficient_scope", f"This key lacks the scope {scope}")
