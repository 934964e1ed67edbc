"""What a person would do in Plugipay's web dashboard, for testing a till's puller.

In process: ``Dashboard(app)`` methods. Over HTTP (dashboard Bearer key, no
fault injection): the routes in ``ROUTES`` under ``/_sandbox/``.
"""

from __future__ import annotations

from typing import Any, Protocol

from .common import check_fields, check_str, iso, new_id, validation
from .context import Ctx, Reply
from .customers import create_customer
from .faults import FaultInjector
from .invoices import create_invoice, mark_uncollectible, pay_invoice, void_invoice
from .refunds import create_refund
from .store import Store


class SandboxState(Protocol):
    """What the dashboard touches of a sandbox: its store and its fault injector.
    The SandboxApp (dispatch.py) is one; dispatch imports this module, never the reverse."""

    store: Store
    faults: FaultInjector


DEFAULT_BASE_URL = "http://127.0.0.1"
SUBSCRIPTION_FIELDS = {"customerId", "currency", "lines", "dueAt", "subscriptionId", "memo", "metadata", "discount", "tax"}


class Dashboard:
    """Dashboard actions on a running (or merely opened) sandbox, in process."""

    def __init__(self, app: SandboxState, base_url: str = DEFAULT_BASE_URL):
        self.app = app
        self.base_url = base_url

    def _now(self) -> str:
        return iso(self.app.faults.now())

    def pay_invoice(self, invoice_id: str, method: str = "manual", reference: str | None = None) -> dict:
        return pay_invoice(self.app.store, invoice_id, self._now(), self.base_url, method, reference)

    def void_invoice(self, invoice_id: str) -> dict:
        return void_invoice(self.app.store, invoice_id, self._now(), self.base_url)

    def mark_uncollectible(self, invoice_id: str) -> dict:
        return mark_uncollectible(self.app.store, invoice_id, self._now(), self.base_url)

    def refund_invoice(self, invoice_id: str, amount: int | None = None,
                       reason: str = "requested_by_customer") -> dict:
        """A refund made in the dashboard (everything left when `amount` is None)."""
        body: dict[str, Any] = {"sourceType": "invoice", "sourceId": invoice_id, "reason": reason}
        if amount is not None:
            body["amount"] = amount
        return create_refund(self.app.store, body, self._now())

    def create_subscription_invoice(self, **body: Any) -> dict:
        """An open, numbered invoice with a ``subscriptionId`` (``sub_...``), as a
        subscription renewal makes. Keys as in the API (``customerId``, ``currency``,
        ``lines``, ``dueAt``, ``subscriptionId``, ...); all optional."""
        return subscription_invoice(self.app, body, self._now(), self.base_url)

    def reset(self) -> None:
        self.app.store.reset()

    def set_faults(self, **changes: Any) -> dict:
        return self.app.faults.update(changes).as_json()


def subscription_invoice(app: SandboxState, body: dict[str, Any], now_iso: str, base_url: str) -> dict:
    check_fields(body, SUBSCRIPTION_FIELDS, "subscription invoice")
    store = app.store
    with store.transaction():
        customer_id = check_str(body, "customerId", 200)
        if not customer_id:
            customer_id = create_customer(store, {"name": "Sandbox subscriber"}, now_iso)["id"]
        invoice_body = {
            "customerId": customer_id,
            "currency": body.get("currency", "IDR"),
            "lines": body.get("lines") or [
                {"description": "Monthly subscription", "quantity": 1, "unitAmount": 150000}
            ],
            "status": "open",
            "subscriptionId": body.get("subscriptionId") or new_id("sub"),
        }
        for name in ("dueAt", "memo", "metadata", "discount", "tax"):
            if body.get(name) is not None:
                invoice_body[name] = body[name]
        return create_invoice(store, invoice_body, now_iso, base_url)


# ── HTTP routes (the app passes itself as ctx.app via a closure) ──────
def routes(app: SandboxState) -> list:
    def pay(ctx: Ctx) -> Reply:
        method = check_str(ctx.body, "method", 100) or "manual"
        reference = check_str(ctx.body, "reference", 500)
        return Reply(pay_invoice(ctx.store, ctx.params[0], ctx.now_iso, ctx.base_url, method, reference))

    def void(ctx: Ctx) -> Reply:
        return Reply(void_invoice(ctx.store, ctx.params[0], ctx.now_iso, ctx.base_url))

    def uncollectible(ctx: Ctx) -> Reply:
        return Reply(mark_uncollectible(ctx.store, ctx.params[0], ctx.now_iso, ctx.base_url))

    def refund(ctx: Ctx) -> Reply:
        body = {"reason": "requested_by_customer", **ctx.body, "sourceType": "invoice",
                "sourceId": ctx.params[0]}
        return Reply(create_refund(ctx.store, body, ctx.now_iso), status=201)

    def subscription(ctx: Ctx) -> Reply:
        return Reply(subscription_invoice(app, ctx.body, ctx.now_iso, ctx.base_url), status=201)

    def reset(ctx: Ctx) -> Reply:
        ctx.store.reset()
        return Reply({"reset": True})

    def get_faults(ctx: Ctx) -> Reply:
        return Reply(app.faults.faults.as_json())

    def set_faults(ctx: Ctx) -> Reply:
        if not isinstance(ctx.body, dict):
            raise validation("body must be an object")
        return Reply(app.faults.update(ctx.body).as_json())

    def stats(ctx: Ctx) -> Reply:
        counts = {t: ctx.store.count(t) for t in ("customers", "invoices", "receipts", "events", "refunds",
                                                  "idempotency")}
        return Reply({**counts, "peakConcurrency": app.faults.peak_concurrency})

    def arrivals(ctx: Ctx) -> Reply:
        """Every keyed write in the order the sandbox did it (a repeat of a key is
        not a new arrival): a client's per-aggregate order can be checked on it."""
        with ctx.store.lock:
            rows = ctx.store.conn.execute(
                "SELECT key, method, path, status FROM idempotency ORDER BY rowid").fetchall()
        return Reply([{"key": k, "method": m, "path": p, "status": st} for k, m, p, st in rows])

    return [
        ("GET", r"/_sandbox/arrivals", arrivals),
        ("POST", r"/_sandbox/invoices/([^/]+)/pay", pay),
        ("POST", r"/_sandbox/invoices/([^/]+)/void", void),
        ("POST", r"/_sandbox/invoices/([^/]+)/mark-uncollectible", uncollectible),
        ("POST", r"/_sandbox/invoices/([^/]+)/refund", refund),
        ("POST", r"/_sandbox/subscription-invoices", subscription),
        ("POST", r"/_sandbox/reset", reset),
        ("GET", r"/_sandbox/faults", get_faults),
        ("POST", r"/_sandbox/faults", set_faults),
        ("GET", r"/_sandbox/stats", stats),
    ]
