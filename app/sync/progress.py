"""How far a push pass is through the queue, for the window's progress bar:
operations sent and left, and an estimate of the time left from the pace so
far. Plain data: made on the sync thread, shown on the UI thread."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DrainProgress:
    total: int        # operations waiting when the pass began
    done: int         # accepted or settled since
    seconds: float    # since the pass began

    @property
    def left(self) -> int:
        return max(0, self.total - self.done)

    @property
    def eta(self) -> float | None:
        """Seconds left at the pace so far; None before there is a pace."""
        if self.done <= 0 or self.seconds <= 0:
            return None
        return self.left * self.seconds / self.done

    @property
    def finished(self) -> bool:
        return self.left == 0
