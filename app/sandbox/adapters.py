"""Payment adapters: ``GET /api/v1/adapters`` and the QR a checkout session shows.

A sandbox runs with one active adapter (``--adapter manual|midtrans|xendit``,
changeable at runtime through ``POST /_sandbox/adapter``). A gateway
(Midtrans, Xendit) makes a dynamic QRIS for each session's amount and
confirms the payment itself (``charge``); the manual adapter shows the shop's
static QRIS and the buyer's claim waits for the merchant's ``confirm``.

QR strings are EMVCo merchant-presented payloads as QRIS uses them (tag 01
"12" dynamic / "11" static, tag 54 the amount, tag 63 the CRC16): shaped like
the real thing so a till can render and a phone can scan them, never payable.
"""

from __future__ import annotations

import threading

from .common import validation
from .context import Ctx, Reply

ADAPTERS = ("manual", "midtrans", "xendit")
GATEWAYS = ("midtrans", "xendit")
METHODS = {"manual": ["qris", "bank_transfer"], "midtrans": ["qris", "gopay", "card"],
           "xendit": ["qris", "ovo", "card"]}
MERCHANT_NAME = "KASIR SANDBOX"
MERCHANT_CITY = "JAKARTA"
STATIC_QRIS_ID = "ID1026000000001"


class AdapterState:
    """Which adapter is active (the sandbox's checkout settings)."""

    def __init__(self, active: str = "midtrans"):
        self._lock = threading.Lock()
        self.active = check_adapter(active)

    def set(self, name: str) -> str:
        with self._lock:
            self.active = check_adapter(name)
            return self.active

    def is_gateway(self) -> bool:
        return self.active in GATEWAYS

    def listing(self) -> list[dict]:
        return [{"id": f"adp_{name}", "type": name, "status": "active" if name == self.active
                 else "inactive", "kind": "gateway" if name in GATEWAYS else "manual",
                 "methods": METHODS[name],
                 "config": {"staticQrImageUrl": None} if name == "manual" else {}}
                for name in ADAPTERS]


def check_adapter(name) -> str:
    if name not in ADAPTERS:
        raise validation(f"adapter must be one of {', '.join(ADAPTERS)}")
    return name


# ── QRIS-shaped payloads ──────────────────────────────────────────
def _tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def crc16(text: str) -> str:
    """CRC-16/CCITT-FALSE, as EMVCo QR codes end with."""
    crc = 0xFFFF
    for byte in text.encode():
        crc ^= byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def qris_payload(*, amount: int | None, reference: str | None, acquirer: str) -> str:
    """A dynamic QRIS (amount and reference given) or the shop's static one."""
    merchant = _tlv("00", "ID.CO.QRIS.WWW") + _tlv("01", f"{acquirer.upper()}SANDBOX") + _tlv(
        "02", STATIC_QRIS_ID)
    parts = [_tlv("00", "01"), _tlv("01", "12" if amount is not None else "11"),
             _tlv("26", merchant), _tlv("52", "5411"), _tlv("53", "360")]
    if amount is not None:
        parts.append(_tlv("54", str(amount)))
    parts += [_tlv("58", "ID"), _tlv("59", MERCHANT_NAME), _tlv("60", MERCHANT_CITY)]
    if reference:
        parts.append(_tlv("62", _tlv("05", reference[-25:])))
    body = "".join(parts) + "6304"
    return body + crc16(body)


def _list(ctx: Ctx, state: AdapterState) -> Reply:
    return Reply(state.listing())


def routes(state: AdapterState) -> list:
    return [("GET", r"/api/v1/adapters", lambda ctx: _list(ctx, state))]


def dashboard_routes(state: AdapterState) -> list:
    """``GET|POST /_sandbox/adapter``: which adapter the sandbox's shop uses."""
    def get(ctx: Ctx) -> Reply:
        return Reply({"adapter": state.active})

    def put(ctx: Ctx) -> Reply:
        return Reply({"adapter": state.set(ctx.body.get("adapter"))})

    return [("GET", r"/_sandbox/adapter", get), ("POST", r"/_sandbox/adapter", put)]
