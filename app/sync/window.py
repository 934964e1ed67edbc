"""How many requests may be out at once, and how fast they may leave.

The sender sends the heads of different lanes concurrently (outbox.py); this
`Pacer` decides when the next one may go, shared by the sending threads:

- A window of requests in flight, like TCP's: it starts at 1 (a till that
  was offline finds out with one request, not eight), grows by one per answer
  up to the configured size (`sync.window`, default 8) and, past the point of
  its last 429, by one per window's worth of answers. A 429 halves it; network
  failures in a row bring it back to 1.
- A rate: never more than `max_rate` requests per second when one is set;
  after a 429, no faster than the answers Plugipay took in the second before
  it (a token bucket lets a burst through, then exactly its rate), for a
  minute, then it is forgotten and found again.
- `Retry-After`: nothing leaves before the time Plugipay asked for.

The pacer lives as long as the engine, so what one pass learned the next
uses. It is the only object the sending threads share besides the gateway.
"""

from __future__ import annotations

import threading
import time
from collections import deque

DEFAULT_WINDOW = 8
MAX_WINDOW = 64
WINDOW_SETTING = "sync.window"
RATE_SETTING = "sync.max_rate"
LEARNED_FOR = 60.0  # seconds a rate learned from a 429 is kept


def clamp_window(value) -> int:
    """A window size from a setting or a flag: 1..MAX_WINDOW, else the default."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return DEFAULT_WINDOW
    return max(1, min(MAX_WINDOW, n))


class Pacer:
    def __init__(self, window: int = DEFAULT_WINDOW, *, max_rate: float = 0.0,
                 clock=time.monotonic, sleep=time.sleep):
        self.limit = clamp_window(window)
        self.max_rate = max(0.0, float(max_rate or 0.0))
        self._clock, self._sleep = clock, sleep
        self._cond = threading.Condition()
        self.window = 1.0
        self._threshold = float(self.limit)  # slow start below, +1/window above
        self.out = 0
        self._next_at = 0.0
        self._paused_until = 0.0
        self._learned: float | None = None
        self._learned_at = 0.0
        self._answers: deque[float] = deque()  # times of recent answers (not 429)
        self.throttles = 0

    # ── settings ──────────────────────────────────────────────────
    def configure(self, window: int | None = None, max_rate: float | None = None) -> None:
        with self._cond:
            if window is not None:
                self.limit = clamp_window(window)
                self._threshold = min(self._threshold, self.limit) or self.limit
                self.window = min(self.window, self.limit)
            if max_rate is not None:
                self.max_rate = max(0.0, float(max_rate))
            self._cond.notify_all()

    def rate(self) -> float:
        """Requests per second allowed now (0: no limit)."""
        now = self._clock()
        learned = self._learned
        if learned is not None and now - self._learned_at > LEARNED_FOR:
            self._learned = learned = None
        rates = [r for r in (self.max_rate or None, learned) if r]
        return min(rates) if rates else 0.0

    # ── the sending threads ───────────────────────────────────────
    def acquire(self, stop=lambda: False) -> bool:
        """Wait for a place in the window and the rate; False if `stop()` became
        true meanwhile (nothing taken then)."""
        with self._cond:
            while True:
                if stop():
                    return False
                now = self._clock()
                if self._paused_until > now:
                    self._cond.wait(min(0.05, self._paused_until - now))
                    continue
                if self.out < max(1, int(self.window)):
                    break
                self._cond.wait(0.05)
            self.out += 1
            rate = self.rate()
            at = 0.0
            if rate:
                at = max(now, self._next_at)
                self._next_at = at + 1.0 / rate
        wait = at - self._clock()
        if wait > 0:
            self._sleep(wait)
        return True

    def release(self, outcome: str) -> None:
        """One request is back: "ok" (answered, not 429), "throttled" (429, see
        `throttled`), "network" (no answer), "failed" (5xx: neither)."""
        with self._cond:
            self.out -= 1
            if outcome == "ok":
                now = self._clock()
                self._answers.append(now)
                while self._answers[0] < now - 1.0:
                    self._answers.popleft()
                if self.window < self._threshold:
                    self.window += 1.0
                else:
                    self.window += 1.0 / max(1.0, self.window)
                self.window = min(self.window, float(self.limit))
            self._cond.notify_all()

    def throttled(self, retry_after: float | None) -> None:
        """Plugipay answered 429: halve the window, learn its rate, pause."""
        with self._cond:
            now = self._clock()
            self.throttles += 1
            first = self._paused_until <= now  # the first of a burst of 429s
            if first:
                self._threshold = max(1.0, self.window / 2)
                self.window = self._threshold
                while self._answers and self._answers[0] < now - 1.0:
                    self._answers.popleft()
                took = 0.97 * len(self._answers)  # a little under: the bucket stays full
                if took >= 1:
                    self._learned = took if self._learned is None else min(self._learned, took)
                elif self._learned is not None:
                    self._learned = max(0.5, self._learned / 2)
                self._learned_at = now
            self._paused_until = max(self._paused_until, now + (retry_after or 1.0))
            self._next_at = max(self._next_at, self._paused_until)
            self._cond.notify_all()

    def offline(self) -> None:
        """Several network failures in a row: start small next time."""
        with self._cond:
            self.window = 1.0
            self._cond.notify_all()

    def paused_for(self) -> float:
        with self._cond:
            return max(0.0, self._paused_until - self._clock())
