"""The buyer's phone, for demos and tests: pay a checkout session through the
public routes of a running sandbox (``kasir sandbox pay-session ID``).

A gateway session (Midtrans, Xendit) is paid with ``charge``; a manual one
gets a ``buyer-claim`` with a proof image, which the cashier then confirms.
Requests go through the sandbox's dispatcher, so its fault injection applies:
a dropped or failed answer is retried with the same Idempotency-Key.
"""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request

from .checkout import sample_proof_url


class BuyerError(RuntimeError):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _call(base_url: str, method: str, path: str, body: dict | None = None,
          key: str | None = None, timeout: float = 10.0) -> dict:
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    data = None if body is None else json.dumps(body, separators=(",", ":")).encode()
    req = urllib.request.Request(base_url.rstrip("/") + path, data=data, method=method,
                                 headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.loads(resp.read())["data"]
    except urllib.error.HTTPError as err:
        try:
            error = json.loads(err.read()).get("error") or {}
        except ValueError:
            error = {}
        raise BuyerError(err.code, error.get("code", ""), error.get("message", str(err))) from None


def _retrying(fn, attempts: int = 8):
    for attempt in range(attempts):
        try:
            return fn()
        except BuyerError as err:
            if err.status < 500 and err.status != 429:
                raise
            last: Exception = err
        except (OSError, ValueError) as err:  # dropped connection, cut-off body
            last = err
        time.sleep(min(0.05 * 2 ** attempt, 1.0))
    raise last


def pay_session(base_url: str, session_id: str, *, method: str = "qris",
                proof_url: str | None = None) -> dict:
    """Pay (gateway) or claim (manual) the session; returns its public view after."""
    path = f"/api/v1/public/checkout/sessions/{session_id}"
    session = _retrying(lambda: _call(base_url, "GET", path))
    key = "buyer_" + secrets.token_hex(8)
    if session.get("adapter") == "manual":
        body = {"proofUrl": proof_url or sample_proof_url()}
        return _retrying(lambda: _call(base_url, "POST", path + "/buyer-claim", body, key))
    return _retrying(lambda: _call(base_url, "POST", path + "/charge", {"method": method}, key))
