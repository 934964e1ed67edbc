"""Fault injection: failures, dropped responses, latency, rate limits, clock skew.

All random draws come from one RNG seeded by ``seed``; each request draws
exactly two numbers (fail, drop) so a run with the same seed and the same
sequence of requests sees the same faults.
"""

from __future__ import annotations

import math
import random
import threading
import time
from dataclasses import asdict, dataclass, fields
from typing import Any

from .common import validation

_ALIASES = {
    "failRate": "fail_rate", "dropRate": "drop_rate", "latencyMs": "latency_ms",
    "rateLimit": "rate_limit", "clockSkew": "clock_skew",
}


@dataclass
class Faults:
    fail_rate: float = 0.0
    drop_rate: float = 0.0
    latency_ms: float = 0.0
    rate_limit: float = 0.0  # requests per second per key; 0 = unlimited
    clock_skew: float = 0.0  # seconds added to the server's clock
    seed: int | None = None

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        return {
            "failRate": d["fail_rate"], "dropRate": d["drop_rate"], "latencyMs": d["latency_ms"],
            "rateLimit": d["rate_limit"], "clockSkew": d["clock_skew"], "seed": d["seed"],
        }


def _number(name: str, value: Any, lo: float, hi: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise validation(f"{name} must be a number")
    if value < lo or (hi is not None and value > hi):
        raise validation(f"{name} must be between {lo} and {hi}" if hi is not None else f"{name} must be >= {lo}")
    return float(value)


class FaultInjector:
    def __init__(self, faults: Faults | None = None):
        self._lock = threading.Lock()
        self.faults = Faults()
        self._rng = random.Random()
        self._buckets: dict[str, tuple[float, float]] = {}
        self._waiting = 0  # requests sleeping their latency right now
        self.peak_concurrency = 0  # the most at once since the latency was last set
        self.update(asdict(faults or Faults()))

    def update(self, changes: dict[str, Any]) -> Faults:
        """Change some options (camelCase or snake_case names); checks them all first."""
        known = {f.name for f in fields(Faults)}
        new = asdict(self.faults)
        for raw_name, value in changes.items():
            name = _ALIASES.get(raw_name, raw_name)
            if name not in known:
                raise validation(f"Unknown fault option: {raw_name}")
            if name == "seed":
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    raise validation("seed must be an integer or null")
                new[name] = value
            elif name in ("fail_rate", "drop_rate"):
                new[name] = _number(raw_name, value, 0.0, 1.0)
            elif name == "clock_skew":
                new[name] = _number(raw_name, value, -1e9)
            else:
                new[name] = _number(raw_name, value, 0.0)
        with self._lock:
            reseed = "seed" in {_ALIASES.get(k, k) for k in changes}
            self.faults = Faults(**new)
            if reseed:
                self._rng = random.Random(self.faults.seed)
            if "rate_limit" in {_ALIASES.get(k, k) for k in changes}:
                self._buckets.clear()
            if "latency_ms" in {_ALIASES.get(k, k) for k in changes}:
                self.peak_concurrency = 0
        return self.faults

    def now(self) -> float:
        return time.time() + self.faults.clock_skew

    def draw(self) -> tuple[bool, bool]:
        """(fail this request?, drop its response?)"""
        f = self.faults
        with self._lock:
            a, b = self._rng.random(), self._rng.random()
        return a < f.fail_rate, b < f.drop_rate

    def delay(self) -> None:
        """Sleep the latency; each request in its own thread, so requests that
        arrive together wait together (and `peak_concurrency` counts them)."""
        if self.faults.latency_ms <= 0:
            return
        with self._lock:
            self._waiting += 1
            self.peak_concurrency = max(self.peak_concurrency, self._waiting)
        try:
            time.sleep(self.faults.latency_ms / 1000.0)
        finally:
            with self._lock:
                self._waiting -= 1

    def retry_after(self, principal: str) -> int | None:
        """Token bucket per principal: None if allowed, else seconds to wait."""
        rate = self.faults.rate_limit
        if rate <= 0:
            return None
        now = time.monotonic()
        capacity = max(1.0, rate)
        with self._lock:
            tokens, last = self._buckets.get(principal, (capacity, now))
            tokens = min(capacity, tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[principal] = (tokens - 1.0, now)
                return None
            self._buckets[principal] = (tokens, now)
        return max(1, math.ceil((1.0 - tokens) / rate))
