"""The sandbox as an attacker sees it: replayed signatures, idempotency keys
reused, lying Content-Length headers, oversized bodies, probing for routes.

Everything goes through real sockets on 127.0.0.1; raw ``socket`` where the
SDK and httpx refuse to send the bad request."""

from __future__ import annotations

import re
import socket
import time
import uuid

import pytest

from app.sandbox import customers, invoices
from app.sandbox.testing import sample_lines


# ── helpers ───────────────────────────────────────────────────────────
def _raw(sbx, data: bytes, *, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """Send ``data`` as is, read until the server closes; the first response."""
    with socket.create_connection(("127.0.0.1", sbx.port), timeout=timeout) as conn:
        conn.sendall(data)
        chunks = []
        while True:
            try:
                chunk = conn.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
            head, sep, rest = b"".join(chunks).partition(b"\r\n\r\n")
            if sep and b"connection: close" not in head.lower():
                length = re.search(rb"content-length:\s*(\d+)", head, re.I)
                if length and len(rest) >= int(length.group(1)):
                    break
    reply = b"".join(chunks)
    assert reply, "the server closed the connection without an answer"
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def _request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _no_traceback(sbx) -> None:
    log = (sbx.workdir / "plugipay-sandbox.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]


def _error_code(response) -> str:
    return response.json()["error"]["code"]


def _count_customers(sbx, email: str) -> int:
    with sbx.client() as c:
        return len(c.customers.list(email=email).data)


# ── replays ───────────────────────────────────────────────────────────
def test_replayed_signature_without_key_is_refused_and_creates_nothing(sandbox):
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    stamp = int(time.time())
    first = sandbox.signed_request("POST", "/api/v1/customers", {"email": email, "name": "Ada"}, ts=stamp)
    again = sandbox.signed_request("POST", "/api/v1/customers", {"email": email, "name": "Ada"}, ts=stamp)
    assert first.status_code == 201
    assert again.status_code == 401 and _error_code(again) == "replayed_signature"
    assert "Idempotency-Key" in again.json()["error"]["message"]
    assert _count_customers(sandbox, email) == 1
    # signed afresh (another timestamp), the same request is a new request
    fresh = sandbox.signed_request("POST", "/api/v1/customers", {"email": email, "name": "Ada"}, ts=stamp - 1)
    assert fresh.status_code == 201
    assert _count_customers(sandbox, email) == 2


def test_a_refused_signature_is_not_remembered(sandbox):
    """Only verified signatures enter the cache: a forged copy cannot use up a real one."""
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    stamp = int(time.time())
    forged = sandbox.signed_request("POST", "/api/v1/customers", {"email": email}, ts=stamp, secret="wrong")
    assert forged.status_code == 401 and _error_code(forged) == "unauthorized"
    assert sandbox.signed_request("POST", "/api/v1/customers", {"email": email}, ts=stamp).status_code == 201


def test_reads_may_repeat(sandbox):
    stamp = int(time.time())
    for _ in range(3):
        assert sandbox.signed_request("GET", "/api/v1/customers?limit=1", ts=stamp).status_code == 200


def test_replayed_signature_with_key_gets_the_first_answer(sandbox):
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    key, stamp = f"k-{uuid.uuid4()}", int(time.time())
    first = sandbox.signed_request("POST", "/api/v1/customers", {"email": email}, idem=key, ts=stamp)
    same = sandbox.signed_request("POST", "/api/v1/customers", {"email": email}, idem=key, ts=stamp)
    later = sandbox.signed_request("POST", "/api/v1/customers", {"email": email}, idem=key, ts=stamp - 2)
    assert first.status_code == same.status_code == later.status_code == 201
    assert first.content == same.content == later.content
    assert same.headers["Idempotent-Replayed"] == "true"
    assert _count_customers(sandbox, email) == 1
    other = sandbox.signed_request("POST", "/api/v1/customers", {"email": "x" + email}, idem=key)
    assert other.status_code == 409 and _error_code(other) == "conflict"
    assert _count_customers(sandbox, "x" + email) == 0


def _write_routes():
    """Every write route the API serves, today's and any added later."""
    for method, pattern, _ in customers.ROUTES + invoices.ROUTES:
        if method in ("POST", "PATCH", "PUT", "DELETE"):
            yield method, pattern


@pytest.mark.parametrize("method,pattern", list(_write_routes()))
def test_every_write_route_replays_the_first_answer_for_a_key(sandbox, client, method, pattern):
    cus = client.customers.create(name="Idem")
    inv = client.invoices.create(customer_id=cus["id"], currency="IDR", lines=sample_lines(1500))
    ident = cus["id"] if pattern.startswith("/api/v1/customers") else inv["id"]
    path = pattern.replace("([^/]+)", ident)
    assert "(" not in path, f"fill in the new route's parameters here: {pattern}"
    body = ({"customerId": cus["id"], "currency": "IDR", "lines": sample_lines(7)}
            if path == "/api/v1/invoices" else {"name": "Idem"} if path.startswith("/api/v1/customers") else {})
    key = f"k-{uuid.uuid4()}"
    first = sandbox.signed_request(method, path, body, idem=key)
    before = sandbox.stats()
    again = sandbox.signed_request(method, path, body, idem=key, ts=int(time.time()) - 1)
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert again.headers["Idempotent-Replayed"] == "true"
    other = sandbox.signed_request(method, path, {**body, "metadata": {"other": "body"}}, idem=key)
    assert other.status_code == 409 and _error_code(other) == "conflict"
    assert sandbox.stats() == before


# ── lengths and sizes ─────────────────────────────────────────────────
@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    from app.sandbox.testing import running_sandbox
    with running_sandbox(tmp_path_factory.mktemp("strict"), max_body=4096, read_timeout=1) as sbx:
        yield sbx


@pytest.mark.parametrize("value", ["abc", "-5", "1.5", "+5", "", "0x10", "٣"])
def test_bad_content_length_is_400_not_a_traceback(strict, value):
    status, headers, body = _raw(strict, _request("POST", "/api/v1/customers", {"Content-Length": value}, b"{}"))
    assert status == 400
    assert b'"bad_request"' in body and b"Content-Length" in body
    assert headers["connection"] == "close"
    _no_traceback(strict)


def test_conflicting_content_lengths_are_400(strict):
    data = b"POST /api/v1/customers HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 20\r\n\r\n{}"
    assert _raw(strict, data)[0] == 400


def test_oversized_body_is_413_before_it_is_read(strict):
    # 30 MB announced and not one byte sent: the answer comes without waiting for it
    started = time.monotonic()
    status, headers, body = _raw(strict, _request("POST", "/api/v1/customers", {"Content-Length": str(30 * 2**20)}))
    assert status == 413 and b'"payload_too_large"' in body
    assert time.monotonic() - started < 1  # under the 1 s read timeout: nothing was awaited
    huge = _raw(strict, _request("POST", "/api/v1/customers", {"Content-Length": "9" * 40}))
    assert huge[0] == 413
    # just under the limit is read and judged on its merits (here: not signed)
    status, _, body = _raw(strict, _request("POST", "/api/v1/customers", {"Content-Length": "4096"}, b" " * 4096))
    assert status == 401
    _no_traceback(strict)


def test_sdk_sees_413_for_a_body_over_the_limit(strict):
    from plugipay import PlugipayError
    with strict.client() as c, pytest.raises(PlugipayError) as err:
        c.customers.create(name="x" * 5000)
    assert (err.value.status, err.value.code) == (413, "payload_too_large")


def test_short_body_times_out_with_408_and_the_server_keeps_serving(strict):
    started = time.monotonic()
    status, _, body = _raw(strict, _request("POST", "/api/v1/customers", {"Content-Length": "100"}, b"{}"))
    assert status == 408 and b'"request_timeout"' in body
    assert 0.9 < time.monotonic() - started < 5
    with strict.client() as c:
        assert c.customers.create(name="After")["name"] == "After"
    _no_traceback(strict)


def test_chunked_or_missing_length_on_a_write_is_411(strict):
    chunked = _request("POST", "/api/v1/customers", {"Transfer-Encoding": "chunked"}, b"2\r\n{}\r\n0\r\n\r\n")
    status, _, body = _raw(strict, chunked)
    assert status == 411 and b'"length_required"' in body
    status, _, body = _raw(strict, _request("POST", "/api/v1/customers", {}, b'{"name":"x"}'))
    assert status == 411
    # a read without a body needs no length
    assert _raw(strict, _request("GET", "/_sandbox/health", {"Connection": "close"}))[0] == 200
    _no_traceback(strict)


# ── authentication before routing ─────────────────────────────────────
@pytest.mark.parametrize("method,path", [
    ("GET", "/api/v1/nothing-here"), ("DELETE", "/api/v1/invoices/in_x"), ("POST", "/api/v1/invoices/in_x/nope"),
    ("GET", "/api/v2/customers"), ("GET", "/admin"), ("GET", "/_sandbox/nothing"), ("PUT", "/_sandbox/faults"),
    ("GET", "/"),
])
def test_unauthenticated_probes_learn_nothing_about_routes(sandbox, method, path):
    status, _, body = _raw(sandbox, _request(method, path, {"Content-Length": "0", "Connection": "close"}))
    assert status == 401 and b'"unauthorized"' in body


def test_authenticated_unknown_routes_are_404_and_405(sandbox):
    assert sandbox.signed_request("GET", "/api/v1/nothing-here").status_code == 404
    assert sandbox.signed_request("DELETE", "/api/v1/invoices/in_x").status_code == 405
    assert sandbox.signed_request("GET", "/admin").status_code == 404


def test_public_pages_stay_public(sandbox):
    assert _raw(sandbox, _request("GET", "/_sandbox/health", {"Connection": "close"}))[0] == 200
    status, _, body = _raw(sandbox, _request("GET", "/i/no-such-token", {"Connection": "close"}))
    assert status == 404


def test_a_refused_write_may_be_sent_again(sandbox, client, customer):
    """The SDK signs to the second: a call refused (409) and repeated once the
    cause is gone carries the same signature, and is no replay of a change."""
    inv = client.invoices.create(customer_id=customer["id"], currency="IDR", lines=sample_lines(10))
    stamp = int(time.time())
    path = f"/api/v1/invoices/{inv['id']}/send-email"
    assert sandbox.signed_request("POST", path, {}, ts=stamp).status_code == 409  # a draft
    client.invoices.finalize(inv["id"])
    assert sandbox.signed_request("POST", path, {}, ts=stamp).status_code == 200
    again = sandbox.signed_request("POST", path, {}, ts=stamp)
    assert again.status_code == 401 and _error_code(again) == "replayed_signature"


def test_nonce_cache_forgets_after_the_window_and_stays_bounded():
    from app.sandbox.replay import NonceCache

    cache = NonceCache(tolerance=300, capacity=3)
    assert cache.claim("a", 1000, now=1000) and not cache.claim("a", 1000, now=1299)
    assert cache.claim("a", 1000, now=1301)  # its timestamp is stale now: auth refuses it anyway
    for sig in "bcde":
        assert cache.claim(sig, 1400, now=1400)
    assert len(cache) == 3  # the oldest went first
    cache.release("e")
    assert cache.claim("e", 1400, now=1400)
