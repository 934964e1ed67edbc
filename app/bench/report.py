"""Benchmark results: one row per measurement, printed as a table and written
as JSON (`name, value, unit, baseline, ratio, target, ok`, plus a note)."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

NOT_AVAILABLE = "not available yet"


@dataclass
class Row:
    name: str
    value: float | None  # None: not measured (see note)
    unit: str
    baseline: float | None = None
    target: float | None = None  # value must be below this (same unit)
    max_ratio: float | None = None  # value / baseline must be at most this
    within: float | None = None  # |value / baseline - 1| must be at most this
    note: str = ""
    baseline_what: str = ""
    ratio: float | None = field(default=None, init=False)
    ok: bool | None = field(default=None, init=False)

    def __post_init__(self):
        if self.value is not None and self.baseline:
            self.ratio = round(self.value / self.baseline, 2)
        if self.value is None:
            self.ok = None
        else:
            checks = []
            if self.target is not None:
                checks.append(self.value < self.target)
            if self.max_ratio is not None and self.ratio is not None:
                checks.append(self.ratio <= self.max_ratio)
            if self.within is not None and self.baseline:
                checks.append(abs(self.value / self.baseline - 1) <= self.within)
            self.ok = all(checks) if checks else None

    @property
    def target_text(self) -> str:
        parts = []
        if self.target is not None:
            parts.append(f"< {_num(self.target)} {self.unit}")
        if self.max_ratio is not None:
            parts.append(f"≤ {self.max_ratio:g}× base")
        if self.within is not None:
            parts.append(f"base ± {self.within:.0%}")
        return " and ".join(parts)

    def to_json(self) -> dict:
        d = asdict(self)
        d["target"] = self.target_text or None
        d["target_value"] = self.target
        return d


def missing(name: str, unit: str, why: str = NOT_AVAILABLE, **kw) -> Row:
    first = (why.strip().splitlines() or [NOT_AVAILABLE])[0]
    return Row(name, None, unit, note=first[:160], **kw)


def _num(v: float | None) -> str:
    if v is None:
        return "-"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def median_time(fn: Callable[[], object], *, repeat: int = 15, warmup: int = 2,
                setup: Callable[[], object] | None = None) -> float:
    """Median wall time of `fn()` in seconds (each run after `setup()`, untimed)."""
    for _ in range(warmup):
        if setup:
            setup()
        fn()
    samples = []
    for _ in range(repeat):
        if setup:
            setup()
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def format_table(rows: list[Row]) -> str:
    head = ("benchmark", "value", "baseline", "ratio", "target", "ok")
    body = []
    for r in rows:
        ok = "-" if r.ok is None else ("yes" if r.ok else "NO")
        value = f"{_num(r.value)} {r.unit}" if r.value is not None else r.note or NOT_AVAILABLE
        base = f"{_num(r.baseline)} {r.unit}" if r.baseline is not None else "-"
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else "-"
        body.append((r.name, value, base, ratio, r.target_text or "-", ok))
    widths = [max(len(str(x[i])) for x in [head] + body) for i in range(len(head))]
    def line(cells) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()

    out = [line(head), line(["-" * w for w in widths])] + [line(b) for b in body]
    notes = [f"  {r.name}: {r.note}" for r in rows if r.note and r.value is not None]
    bases = [f"  {r.name}: baseline = {r.baseline_what}" for r in rows if r.baseline_what]
    if notes:
        out += ["", "notes:"] + notes
    if bases:
        out += ["", "baselines:"] + bases
    return "\n".join(out)


def machine() -> dict:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "load_average": load}


def write_json(rows: list[Row], path: Path, meta: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"meta": {**machine(), **meta}, "results": [r.to_json() for r in rows]}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
