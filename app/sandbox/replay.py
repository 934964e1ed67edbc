"""Replay protection for signed writes that carry no Idempotency-Key.

A signature is only valid while its timestamp is within the clock tolerance,
so a signature needs remembering only that long: ``NonceCache`` keeps each
signature whose write it accepted (not refused with a 4xx/5xx) until its timestamp leaves the window, bounded in
size (oldest dropped first; filling it takes the secret, since only verified
signatures are kept). Writes with an Idempotency-Key are left to the
idempotency layer, which replays the first answer instead of refusing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Mapping

from .auth import SCHEME, _params
from .common import ApiError

DEFAULT_CAPACITY = 100_000


class NonceCache:
    def __init__(self, tolerance: int, capacity: int = DEFAULT_CAPACITY):
        self.tolerance = tolerance
        self.capacity = capacity
        self._seen: OrderedDict[str, float] = OrderedDict()  # signature -> expiry
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._seen)

    def claim(self, signature: str, timestamp: int, now: float) -> bool:
        """Remember ``signature``; False when it was already seen (a replay)."""
        expires = timestamp + self.tolerance
        with self._lock:
            self._expire(now)
            if signature in self._seen:
                return False
            self._seen[signature] = expires
            while len(self._seen) > self.capacity:
                self._seen.popitem(last=False)
            return True

    def release(self, signature: str) -> None:
        """Forget a signature whose request was refused: it changed nothing, so its
        repeat is not a replay of a change (the SDK signs to the second, and a
        client may well send the same call again after fixing what was wrong)."""
        with self._lock:
            self._seen.pop(signature, None)

    def _expire(self, now: float) -> None:
        # Insertion order is close to expiry order (timestamps within the window);
        # stop at the first live entry, and let capacity bound the rest.
        while self._seen:
            sig, expires = next(iter(self._seen.items()))
            if expires >= now:
                break
            del self._seen[sig]


def refuse_replay(cache: NonceCache, headers: Mapping[str, str], now: float) -> str | None:
    """Raise 401 ``replayed_signature`` if this verified HMAC write was seen before;
    else return the signature now claimed (None when there is nothing to claim)."""
    if headers.get("Idempotency-Key"):
        return None
    auth = (headers.get("Authorization") or "").strip()
    if not auth.startswith(SCHEME + " "):
        return None  # the dashboard Bearer key is not a signature
    signature = _params(auth[len(SCHEME) + 1:]).get("signature", "").lower()
    timestamp = int((headers.get("X-Plugipay-Timestamp") or "0").strip())
    if not cache.claim(signature, timestamp, now):
        raise ApiError(
            401, "replayed_signature",
            "This signed request was already received; sign each new request afresh "
            "(new timestamp), or send an Idempotency-Key to retry one safely",
        )
    return signature
