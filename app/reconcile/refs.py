"""Finding invoice references in a bank transfer's description, however the bank
mangled them: any case, spaces or dashes inside, leading zeros dropped, or the
end cut off by a description field that was too short."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict

LOCAL_WIDTH = 6  # T1-000042: app.services.numbering pads to six digits
PLUGIPAY_WIDTH = 3  # INV-2026-001
SEP = r"[\s\-_./:#]{0,3}"
_DIGITS = r"(\d(?:\s?\d){0,13})"
_PLUGIPAY = re.compile(r"INV" + SEP + r"(\d{4})" + SEP + _DIGITS)
_TOKEN = re.compile(r"[A-Z0-9]+")
_DIGIT = re.compile(r"\d")


def split_plugipay(number: str | None):
    """`INV-2026-001` -> (2026, 1)."""
    parts = (number or "").upper().split("-")
    if len(parts) == 3 and parts[0] == "INV" and len(parts[1]) == 4 and parts[1].isdigit() \
            and parts[2].isdigit():
        return int(parts[1]), int(parts[2])
    return None


def memo_tokens(memo: str, *known: str | None) -> set[str]:
    """Customer references in a memo worth finding in a transfer note: 5+ characters
    with both letters and digits (PO12345, ORD-778A), the invoice's own numbers aside.
    Bare numbers are left out: amounts and account numbers look just like them."""
    text = (memo or "").upper()
    for k in known:
        if k:
            text = text.replace(k.upper(), " ")
    return {t for t in _TOKEN.findall(text) if len(t) >= 5 and not t.isdigit()
            and not t.isalpha()}


class _Series:
    """Numbers of one till (or one Plugipay year): exact and prefix look-ups."""

    def __init__(self, width: int):
        self.width = width
        self.exact: dict[int, int] = {}
        self._sorted: list[str] | None = None
        self._ids: dict[str, int] = {}

    def add(self, n: int, invoice_id: int) -> None:
        self.exact[n] = invoice_id
        self._sorted = None

    def prefixed(self, digits: str, limit: int) -> list[int]:
        if self._sorted is None:  # built on the first cut-off reference only
            self._ids = {str(n).zfill(self.width): i for n, i in self.exact.items()}
            self._sorted = sorted(self._ids)
        keys, out = self._sorted, []
        i = bisect_left(keys, digits)
        while i < len(keys) and keys[i].startswith(digits):
            out.append(self._ids[keys[i]])
            if len(out) > limit:
                break
            i += 1
        return out


class RefIndex:
    """Every open invoice's local number, Plugipay number and memo references."""

    TRUNCATED_LIMIT = 100

    def __init__(self):
        self.local: dict[str, _Series] = defaultdict(lambda: _Series(LOCAL_WIDTH))
        self.plugipay: dict[int, _Series] = defaultdict(lambda: _Series(PLUGIPAY_WIDTH))
        self.memo: dict[str, set[int]] = defaultdict(set)
        self._local_re = None

    def add(self, invoice_id: int, local_number, number, memo) -> None:
        self.add_all(((invoice_id, local_number, number, memo),))

    def add_all(self, rows) -> None:
        """Index (invoice id, local number, Plugipay number, memo) rows. Called with
        100,000 rows when a big shop opens the screen: one tight loop, each till's
        and year's table looked up once, not once per invoice."""
        local, plugipay, memo_index = self.local, self.plugipay, self.memo
        tills: dict[str, dict[int, int]] = {}  # as written -> that series' exact table
        years: dict[str, dict[int, int]] = {}
        has_digit = _DIGIT.search
        for invoice_id, local_number, number, memo in rows:
            if local_number:
                till, _sep, digits = local_number.rpartition("-")
                if digits.isdigit():
                    exact = tills.get(till)
                    if exact is None:
                        key = till.upper()
                        if key not in local:
                            self._local_re = None
                        series = local[key]
                        series._sorted = None
                        exact = tills[till] = series.exact
                    exact[int(digits)] = invoice_id
            if number:
                parts = number.upper().split("-")  # split_plugipay, written out
                if len(parts) == 3 and parts[0] == "INV" and len(parts[1]) == 4 \
                        and parts[1].isdigit() and parts[2].isdigit():
                    exact = years.get(parts[1])
                    if exact is None:
                        series = plugipay[int(parts[1])]
                        series._sorted = None
                        exact = years[parts[1]] = series.exact
                    exact[int(parts[2])] = invoice_id
            if memo:
                rest = memo.upper()
                if local_number:
                    rest = rest.replace(local_number.upper(), " ")
                if has_digit(rest):
                    for t in memo_tokens(rest, number):
                        memo_index[t].add(invoice_id)

    def _pattern(self):
        if self._local_re is None:
            tills = sorted(self.local, key=len, reverse=True)
            alt = "|".join(re.escape(t) for t in tills) or "(?!)"
            self._local_re = re.compile("(" + alt + ")" + SEP + _DIGITS)
        return self._local_re

    def find(self, description: str) -> list[tuple[int, str, int]]:
        """(invoice id, kind, how many invoices that finding could mean), kinds:
        `exact` (full reference), `short` (few digits: weaker), `truncated`, `memo`."""
        text = (description or "").upper().rstrip()
        found: dict[int, tuple[str, int]] = {}
        rank = {"exact": 0, "memo": 1, "short": 2, "truncated": 3}

        def put(inv_id, kind, n):
            old = found.get(inv_id)
            if old is None or rank[kind] < rank[old[0]]:
                found[inv_id] = (kind, n)

        for regex, series_of, width in ((self._pattern(), lambda g: self.local.get(g), LOCAL_WIDTH),
                                        (_PLUGIPAY, lambda g: self.plugipay.get(int(g)),
                                         PLUGIPAY_WIDTH)):
            for m in regex.finditer(text):
                series = series_of(m.group(1))
                if series is None:
                    continue
                digits = m.group(2).replace(" ", "")
                at_end = m.end() >= len(text)
                tries = [digits] + ([digits[:width]] if len(digits) > width else [])
                cut = at_end and len(digits) < width and digits.startswith("0")
                for d in ([] if cut else tries):
                    hit = series.exact.get(int(d)) if len(d) <= 12 else None
                    if hit is not None:
                        put(hit, "exact" if len(d) >= width else "short", 1)
                if at_end and len(digits) < width:
                    hits = series.prefixed(digits, self.TRUNCATED_LIMIT)
                    for hit in hits:
                        put(hit, "truncated", len(hits))
        for t in set(_TOKEN.findall(text)):
            for inv_id in self.memo.get(t, ()):
                put(inv_id, "memo", len(self.memo[t]))
        return [(i, k, n) for i, (k, n) in found.items()]
