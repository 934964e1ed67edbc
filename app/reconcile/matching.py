"""Ranking open invoices for each incoming credit. Pure and in memory: the
invoices are indexed once by reference, amount and customer name, so ten
thousand lines against a hundred thousand invoices take well under two seconds.

Confidence is an integer 0-100 built from points, each with its reason:
reference found (exact 60, memo 50, few digits 35, cut off 40/25/10),
amount equal to what is due 30, customer's name 15 (part of it 8), date after
issue and near the due date 5. A date before the invoice existed costs 40,
the name of another customer 30. An amount that differs from what is due
caps the confidence at 70 and flags the line; two suggestions close together
cap it at 60. So only agreeing evidence reaches the auto-confirm level."""

from __future__ import annotations

import gc
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations
from operator import attrgetter
from typing import NamedTuple

from app.i18n import _

from .names import NameIndex
from .reason_texts import ReasonTexts
from .refs import RefIndex

HIGH = 85  # at or above: "high confidence"; auto-confirm needs at least this
REF_POINTS = {"exact": 60, "memo": 50, "short": 35}
AMOUNT_POINTS, NAME_FULL, NAME_PARTIAL, DATE_POINTS = 30, 15, 8, 5
BEFORE_ISSUE, OTHER_CUSTOMER = 40, 30
MISMATCH_CAP, AMBIGUOUS_CAP, AMBIGUOUS_GAP = 70, 60, 15
MAX_AMOUNT_ONLY = 30  # an amount shared by more invoices than this says nothing
MAX_SUBSET = 16  # open invoices of one customer searched for a sum of 2 or 3
MAX_NAMESAKES = 3  # customers one name may point at before it stops narrowing
NEAR_DUE = timedelta(days=45)
ONE_DAY = timedelta(days=1)


class Candidate(NamedTuple):
    """An open invoice as matching sees it (a named tuple: 100,000 are made at once)."""

    id: int
    local_number: str | None
    number: str | None
    memo: str
    customer_id: int
    customer_name: str
    currency: str
    amount_due: int
    issued_on: date | None
    due_on: date | None


@dataclass(frozen=True, slots=True)
class Credit:
    id: int
    booked_on: date
    amount: int
    currency: str
    description: str


@dataclass(frozen=True)
class Suggestion:
    invoice_ids: tuple[int, ...]
    confidence: int
    amount_due: int
    difference: int  # credit minus what is due: 0 pays exactly, < 0 short, > 0 over
    reasons: tuple[str, ...]

    @property
    def exact(self) -> bool:
        return self.difference == 0

    def to_json(self) -> dict:
        return {"invoiceIds": list(self.invoice_ids), "confidence": self.confidence,
                "amountDue": self.amount_due, "difference": self.difference,
                "reasons": list(self.reasons)}


@dataclass(frozen=True)
class LineSuggestions:
    line_id: int
    suggestions: tuple[Suggestion, ...]
    flag: str = ""  # "", no_match, underpaid, overpaid, ambiguous, review
    note: str = ""
    credit: Credit | None = None  # the line itself: its date, amount and description

    @property
    def best(self) -> Suggestion | None:
        return self.suggestions[0] if self.suggestions else None

    def to_json(self) -> dict:
        """What the text output shows, at least: the line's date, amount and description."""
        line = {}
        if self.credit is not None:
            c = self.credit
            line = {"bookedOn": c.booked_on.isoformat() if c.booked_on else None,
                    "amount": c.amount, "currency": c.currency, "description": c.description}
        return {"lineId": self.line_id, **line, "flag": self.flag or None,
                "note": self.note or None, "suggestions": [s.to_json() for s in self.suggestions]}


@dataclass
class _Evidence:
    points: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, pts: int, why: str) -> None:
        self.points += pts
        self.reasons.append(why)


@contextmanager
def gc_paused():
    """Indexing 100,000 invoices allocates ~half a million objects, each batch of
    which would start a garbage collection over everything built so far; none of
    it is cyclic garbage. Nested or concurrent use leaves the collector as found."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


_REF_FIELDS = attrgetter("id", "local_number", "number", "memo")


class Matcher:
    def __init__(self, candidates):
        self.by_id: dict[int, Candidate] = {}
        self.refs = RefIndex()
        self.names = NameIndex()
        self.by_amount: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.by_customer: dict[int, list[int]] = defaultdict(list)
        self.by_customer_amount: dict[tuple, list[int]] = defaultdict(list)
        self._customer_rows: dict[int, list[tuple[int, str, int]]] = {}  # filled as needed
        self._texts = ReasonTexts()
        by_id, add_name = self.by_id, self.names.add
        by_amount, by_customer, by_cust_amount = (self.by_amount, self.by_customer,
                                                  self.by_customer_amount)
        if not isinstance(candidates, (list, tuple)):
            candidates = list(candidates)
        with gc_paused():
            for c in candidates:
                cid, cust_id, cur, due = c.id, c.customer_id, c.currency, c.amount_due
                by_id[cid] = c
                by_amount[(cur, due)].append(cid)
                cust = by_customer.get(cust_id)
                if cust is None:
                    by_customer[cust_id] = cust = []
                    add_name(cust_id, c.customer_name)
                cust.append(cid)
                by_cust_amount[(cust_id, cur, due)].append(cid)
            self.refs.add_all(map(_REF_FIELDS, candidates))

    # ------------------------------------------------------------ per credit

    def suggest(self, credit: Credit, limit: int = 5) -> LineSuggestions:
        if credit.amount <= 0:
            return LineSuggestions(credit.id, (), "", "A debit: nothing to match.", credit)
        cur = credit.currency
        refs = {i: (k, n) for i, k, n in self.refs.find(credit.description)
                if self.by_id[i].currency == cur}
        names = self.names.find(credit.description)
        # A cut-off reference could be any of many invoices: only those due exactly
        # this amount, or of a customer named in the description, stay in the running.
        refs = {i: r for i, r in refs.items()
                if r[0] != "truncated" or r[1] == 1 or self.by_id[i].amount_due == credit.amount
                or self.by_id[i].customer_id in names}
        pool = set(refs)
        # A name many customers share narrows nothing down: then only their
        # invoices of exactly this amount are worth showing.
        few = len(names) <= MAX_NAMESAKES
        for cust in names:
            pool.update(self.by_customer_amount.get((cust, cur, credit.amount), ()))
        # With a full reference found, an invoice that only shares the amount (35
        # points, 50 with the name, and those of named customers are in the pool
        # already) can neither win nor come close: skip that search. With the
        # amount due matching too, no group can beat it either.
        strong_ref = any(k in ("exact", "memo") for k, _ in refs.values())
        certain = any(k == "exact" and self.by_id[i].amount_due == credit.amount
                      for i, (k, _) in refs.items())
        same_amount = () if strong_ref else self.by_amount.get((cur, credit.amount), ())
        if len(same_amount) <= MAX_AMOUNT_ONLY:
            pool.update(same_amount)
        if not pool and few:
            # Nothing better: the named customer's open invoices, for a person to look at.
            for cust in names:
                pool.update(i for i in self.by_customer[cust][:50]
                            if self.by_id[i].currency == cur)
        strong_names = {c for c, k in names.items() if k == "full"}
        tx = self._texts.current()
        by_id, single = self.by_id, self._single
        out = [single(credit, by_id[i], refs.get(i), names, strong_names, tx) for i in pool]
        if not certain:
            group_customers = ({self.by_id[i].customer_id for i in refs}
                               | (set(names) if few else set()))
            out.extend(self._groups(credit, refs, group_customers, names, strong_names, tx))
        return self._finish(credit, out, limit)

    def _common(self, ev: _Evidence, credit: Credit, cs: list[Candidate], names, strong,
                tx: ReasonTexts) -> None:
        customer = cs[0].customer_id
        kind = names.get(customer)
        if kind == "full":
            ev.add(NAME_FULL, tx.name("full", cs[0].customer_name))
        elif kind == "partial":
            ev.add(NAME_PARTIAL, tx.name("partial", cs[0].customer_name))
        elif strong:
            ev.add(-OTHER_CUSTOMER, tx.other_customer)
        issued = [c.issued_on for c in cs if c.issued_on]
        # A day of slack: the bank's date is local, the invoice's a UTC instant.
        if issued and credit.booked_on < max(issued) - ONE_DAY:
            ev.add(-BEFORE_ISSUE, tx.before_issue)
        elif issued:
            dues = [c.due_on for c in cs if c.due_on]
            if not dues or min(abs(credit.booked_on - d) for d in dues) <= NEAR_DUE:
                ev.add(DATE_POINTS, tx.near_due)

    def _ref_points(self, ev: _Evidence, c: Candidate, ref) -> None:
        kind, n = ref
        label = c.local_number or c.number or f"#{c.id}"
        if kind == "truncated":
            pts = 40 if n <= 10 else 25 if n <= 100 else 10
            ev.add(pts, _("reference cut off by the bank, could be {label} (1 of {n})",
                          label=label, n=n))
        else:
            ev.add(REF_POINTS[kind],
                   _("reference {label} in the description", label=label) if kind == "exact"
                   else _("memo reference of {label} in the description", label=label)
                   if kind == "memo" else _("reference {label} (written short)", label=label))

    def _single(self, credit, c: Candidate, ref, names, strong, tx: ReasonTexts) -> Suggestion:
        # The same scoring as _common/_make for one invoice, written out: it runs for
        # every candidate of every line.
        ev = _Evidence()
        if ref:
            self._ref_points(ev, c, ref)
        diff = credit.amount - c.amount_due
        if not diff:
            ev.add(AMOUNT_POINTS, tx.amount_equal)
        kind = names.get(c.customer_id)
        if kind == "full":
            ev.add(NAME_FULL, tx.name("full", c.customer_name))
        elif kind == "partial":
            ev.add(NAME_PARTIAL, tx.name("partial", c.customer_name))
        elif strong:
            ev.add(-OTHER_CUSTOMER, tx.other_customer)
        if c.issued_on:
            if credit.booked_on < c.issued_on - ONE_DAY:
                ev.add(-BEFORE_ISSUE, tx.before_issue)
            elif not c.due_on or abs(credit.booked_on - c.due_on) <= NEAR_DUE:
                ev.add(DATE_POINTS, tx.near_due)
        conf = max(0, min(100, ev.points))
        reasons = ev.reasons
        if diff:
            conf = min(conf, MISMATCH_CAP)
            reasons.append(_("pays less than due, short by {amount}", amount=-diff) if diff < 0
                           else _("pays more than due, over by {amount}", amount=diff))
        return Suggestion((c.id,), conf, c.amount_due, diff, tuple(reasons))

    def _groups(self, credit, refs, customers, names, strong, tx) -> list[Suggestion]:
        """One transfer paying several invoices of one customer: those it names, or
        two or three of them (or all) whose sum is the amount."""
        out = []
        cur, amount = credit.currency, credit.amount
        for cust in customers:
            ids = [i for i, c, due in self._rows_of(cust) if c == cur and 0 < due < amount]
            if len(ids) < 2:
                continue
            referenced = [i for i in ids if i in refs]
            subsets = []
            if len(referenced) >= 2:
                subsets.append(tuple(sorted(referenced)))
            ids = ids[:MAX_SUBSET]
            due = {i: self.by_id[i].amount_due for i in ids}
            if sum(due.values()) == credit.amount:
                subsets.append(tuple(sorted(ids)))
            for a, b in combinations(ids, 2):
                if due[a] + due[b] == credit.amount:
                    subsets.append(tuple(sorted((a, b))))
            if len(ids) > 3:
                for a, b, c in combinations(ids, 3):
                    if due[a] + due[b] + due[c] == credit.amount:
                        subsets.append(tuple(sorted((a, b, c))))
            exact_sets = {s for s in subsets
                          if sum(self.by_id[i].amount_due for i in s) == credit.amount}
            for s in set(subsets):
                cs = [self.by_id[i] for i in s]
                ev = _Evidence()
                hits = [i for i in s if i in refs]
                if hits:
                    strongest = max(hits, key=lambda i: REF_POINTS.get(refs[i][0], 20))
                    self._ref_points(ev, self.by_id[strongest], refs[strongest])
                    if len(hits) < len(s):
                        ev.add(-25, _("{missing} of the {count} invoices not named in the "
                                      "description", missing=len(s) - len(hits), count=len(s)))
                if s in exact_sets:
                    ev.add(AMOUNT_POINTS, _("amount equals the sum of {count} open invoices of "
                                            "one customer", count=len(s)))
                    if len(exact_sets) > 1:
                        ev.add(-20, tx.other_combinations)
                self._common(ev, credit, cs, names, strong, tx)
                out.append(self._make(credit, tuple(cs), ev))
        return out

    def _rows_of(self, customer_id) -> list[tuple[int, str, int]]:
        """(invoice id, currency, amount due) of a customer's open invoices, in index
        order; made the first time a line points at that customer."""
        rows = self._customer_rows.get(customer_id)
        if rows is None:
            by_id = self.by_id
            rows = self._customer_rows[customer_id] = [
                (i, by_id[i].currency, by_id[i].amount_due)
                for i in self.by_customer.get(customer_id, ())]
        return rows

    def _make(self, credit, cs, ev: _Evidence) -> Suggestion:
        due = sum(c.amount_due for c in cs)
        diff = credit.amount - due
        conf = max(0, min(100, ev.points))
        reasons = list(ev.reasons)
        if diff:
            conf = min(conf, MISMATCH_CAP)
            reasons.append(_("pays less than due, short by {amount}", amount=-diff) if diff < 0
                           else _("pays more than due, over by {amount}", amount=diff))
        return Suggestion(tuple(sorted(c.id for c in cs)), conf, due, diff, tuple(reasons))

    def _finish(self, credit, out: list[Suggestion], limit: int) -> LineSuggestions:
        out = [s for s in out if s.confidence >= 20]
        out.sort(key=lambda s: (-s.confidence, abs(s.difference), s.invoice_ids))
        if not out:
            return LineSuggestions(credit.id, (), "no_match",
                                   _("No open invoice matches this credit."), credit)
        best = out[0]
        if len(out) > 1 and out[1].confidence >= best.confidence - AMBIGUOUS_GAP \
                and out[1].confidence >= 35:
            out = [Suggestion(s.invoice_ids, min(s.confidence, AMBIGUOUS_CAP), s.amount_due,
                              s.difference, s.reasons + (_("another invoice fits almost as well"),))
                   for s in out]
            flag, note = "ambiguous", _("Several invoices fit; choose one.")
        elif not best.exact and best.confidence >= 45:
            flag = "underpaid" if best.difference < 0 else "overpaid"
            note = _("The transfer is short by {amount} against what is due: a person must "
                     "decide.", amount=-best.difference) if best.difference < 0 else \
                _("The transfer is over by {amount} against what is due: a person must decide.",
                  amount=best.difference)
        elif best.confidence < 45:
            flag, note = "review", _("Only weak evidence; check before confirming.")
        else:
            flag, note = "", ""
        return LineSuggestions(credit.id, tuple(out[:limit]), flag, note, credit)
