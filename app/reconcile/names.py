"""Finding a customer's name in a transfer description (banks print the sender's
name, often cut short). Names are indexed whole and by their first two words."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict

STOPWORDS = frozenset({"PT", "CV", "UD", "TB", "TOKO", "BPK", "BAPAK", "IBU", "SDR", "SDRI",
                       "TBK", "DAN", "AND", "THE", "BIN", "BINTI", "MR", "MRS", "MS", "IR",
                       "DR", "HJ", "H"})
_WORD = re.compile(r"[A-Z]+")


def name_words(name: str) -> tuple[str, ...]:
    return tuple(w for w in _WORD.findall((name or "").upper())
                 if len(w) >= 2 and w not in STOPWORDS)


class NameIndex:
    def __init__(self):
        self.full: dict[str, set[int]] = defaultdict(set)
        self.pair: dict[str, set[int]] = defaultdict(set)
        self.first: set[str] = set()  # a window can only start on a name's first word
        self._sorted: list[str] | None = None

    def add(self, customer_id: int, name: str) -> None:
        words = name_words(name)
        if not words or (len(words) == 1 and len(words[0]) < 4):
            return  # too short to tell anyone apart
        self.full[" ".join(words)].add(customer_id)
        self.first.add(words[0])
        if len(words) >= 3:
            self.pair[" ".join(words[:2])].add(customer_id)
        self._sorted = None

    def find(self, description: str) -> dict[int, str]:
        """customer id -> `full` (the whole name) or `partial` (first two words, or a
        name cut off at the end of the description)."""
        words = [w for w in _WORD.findall((description or "").upper()) if w not in STOPWORDS]
        out: dict[int, str] = {}
        n = len(words)
        first = self.first
        for i in range(n):
            if words[i] not in first:
                continue
            for size in range(1, 5):
                if i + size > n:
                    break
                key = " ".join(words[i:i + size])
                for c in self.full.get(key, ()):
                    out[c] = "full"
                if size == 2:
                    for c in self.pair.get(key, ()):
                        out.setdefault(c, "partial")
        # The bank cut the name: the description ends inside it.
        for size in range(2, 5):
            if size > n:
                break
            tail = " ".join(words[n - size:])
            if len(tail) >= 8:
                for c in self._prefixed(tail):
                    out.setdefault(c, "partial")
        return out

    def _prefixed(self, prefix: str, limit: int = 20) -> set[int]:
        if self._sorted is None:
            self._sorted = sorted(self.full)
        keys, out = self._sorted, set()
        i = bisect_left(keys, prefix)
        while i < len(keys) and keys[i].startswith(prefix) and len(out) <= limit:
            if keys[i] != prefix:
                out |= self.full[keys[i]]
            i += 1
        return out if len(out) <= limit else set()
