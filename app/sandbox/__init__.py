"""A Plugipay-compatible sandbox server (stdlib only).

Speaks the part of Plugipay's API that Kasir uses (customers, invoices,
receipts, events) with the same signing, envelope, idempotency and errors, so
tests, demos and staff training need no Plugipay account. Run it with
``python -m app.sandbox`` (see ``app/sandbox/cli.py``) or in process::

    from app.sandbox import SandboxServer, SandboxConfig
    with SandboxServer(SandboxConfig(db_path="x.db")) as srv:
        ...  # srv.url, srv.dashboard.pay_invoice(...)

Subprocess helper for tests: ``app.sandbox.testing.running_sandbox``.

Routes: ``/api/v1/customers``, ``/api/v1/invoices`` (+ ``/{id}/finalize|pay|void|
mark-uncollectible|send-email|receipt``), ``/api/v1/receipts``, ``/api/v1/events``
(+ ``/types``); the hosted page ``GET /i/<token>``; and, with the dashboard
Bearer key and never faulted: ``POST /_sandbox/invoices/{id}/pay|void|
mark-uncollectible``, ``POST /_sandbox/subscription-invoices``, ``POST
/_sandbox/reset``, ``GET|POST /_sandbox/faults``, ``GET /_sandbox/stats``;
``GET /_sandbox/health`` needs no key.

Against a hostile client: everything but the health check and the hosted pages
is authenticated before it is routed (a stranger gets 401, never a 404 that
maps the routes). Every write with an ``Idempotency-Key`` goes through one
layer in the dispatcher (same key and bytes: the first answer replayed; other
bytes: 409 ``conflict``); a signed write without a key is refused as a replay
(401 ``replayed_signature``) if its signature was already accepted within the
clock window (``replay.py``). ``Content-Length`` is checked before the body is
read: malformed or conflicting 400 ``bad_request``, chunked or missing on a
write 411 ``length_required``, over ``--max-body`` (1 MiB) 413
``payload_too_large``, not all sent within ``--read-timeout`` 408; each closes
the connection.

List pages: newest first unless ``order=asc``; ``meta.cursor`` is the position
after the page's last item (present whenever the page is not empty) and
``meta.hasMore`` says whether more items exist now.
"""

from .dashboard import Dashboard
from .dispatch import (
    DEFAULT_DASHBOARD_KEY,
    DEFAULT_KEY_ID,
    DEFAULT_SECRET,
    SandboxApp,
    SandboxConfig,
)
from .faults import Faults
from .server import SandboxServer

__all__ = [
    "DEFAULT_DASHBOARD_KEY",
    "DEFAULT_KEY_ID",
    "DEFAULT_SECRET",
    "Dashboard",
    "Faults",
    "SandboxApp",
    "SandboxConfig",
    "SandboxServer",
]
