"""Random sequences of actions on several invoices and two tills, checked after every step."""

import shutil
import tempfile
from datetime import timedelta

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import func, select

from app.domain.errors import KasirError
from app.domain.lifecycle import Action, Status, check_transition, effective_status
from app.services import invoices as svc
from app.services.context import Context, open_store
from app.services.customers import CustomerInput, add_customer
from app.domain.tenders import TENDER_METHODS, Tender
from app.store.models import (HistoryEntry, Invoice, InvoiceLine, OutboxOperation, Payment,
                              Receipt)
from tests.conftest import FakeClock, draft_input

line_st = st.tuples(st.sampled_from(["Kopi", "Teh manis", "Kue lapis légit", ""]),
                    st.integers(-1, 5), st.integers(-10, 2_000_000))
lines_st = st.lists(line_st, min_size=0, max_size=4)
money_st = st.integers(-5, 3_000_000)
REFS = st.integers(1, 8)  # invoice ids, some of which won't exist
TILLS = st.sampled_from(["T1", "T2"])


class InvoiceMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.dir = tempfile.mkdtemp()
        self.clock = FakeClock()
        self.store = open_store(f"{self.dir}/m.db")
        self.ctxs = {t: Context(self.store, f"op-{t}", t, self.clock) for t in ("T1", "T2")}
        self.customer = add_customer(self.ctxs["T1"], CustomerInput("Budi")).id
        self.expected = {}  # id -> stored status the model believes in

    def teardown(self):
        self.store.dispose()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- helpers
    def counts(self):
        with self.store.reader() as uow:
            s = uow.session
            return tuple(s.execute(select(func.count()).select_from(m)).scalar()
                         for m in (HistoryEntry, OutboxOperation, Receipt, Invoice, InvoiceLine))

    def rows(self):
        with self.store.reader() as uow:
            return {i.id: svc.snapshot(i) | {"n": i.local_number, "paid": i.amount_paid}
                    for i in uow.session.execute(select(Invoice)).scalars()}

    def act(self, fn, action, ref, sends):
        before_counts, before_rows = self.counts(), self.rows()
        stored = self.expected.get(ref)
        legal = None
        if stored is not None:
            with self.store.reader() as uow:
                inv = uow.session.get(Invoice, ref)
                eff = effective_status(inv.status, inv.due_at, self.clock())
            try:
                legal = check_transition(action, eff) if action else None
            except KasirError:
                legal = False
        try:
            fn()
        except KasirError as err:
            assert err.code in ("validation_error", "not_found", "conflict")
            assert self.counts() == before_counts and self.rows() == before_rows, "refusal changed data"
            if err.code == "not_found":
                assert stored is None
            elif err.code == "conflict":
                assert legal is False, "a legal transition was refused as a conflict"
            return False
        assert stored is not None and legal is not False, "an illegal action was accepted"
        after = self.counts()
        assert after[0] == before_counts[0] + 1, "exactly one history entry per action"
        assert after[1] == before_counts[1] + (1 if sends else 0), "outbox entry mismatch"
        if action is not None and legal:
            self.expected[ref] = legal
        return True

    # -- rules
    @rule(lines=lines_st, discount=money_st, tax=money_st, till=TILLS,
          due=st.one_of(st.none(), st.integers(-2, 30)))
    def create(self, lines, discount, tax, till, due):
        due_at = self.clock() + timedelta(days=due) if due is not None else None
        before = self.counts()
        try:
            rec = svc.create_draft(self.ctxs[till], draft_input(self.customer, lines=lines,
                                   discount=discount, tax=tax, due_at=due_at))
        except KasirError as err:
            assert err.code == "validation_error" and self.counts() == before
            return
        self.expected[rec.id] = Status.DRAFT
        assert self.counts()[0] == before[0] + 1 and self.counts()[1] == before[1]

    @rule(ref=REFS, lines=lines_st, discount=money_st, tax=money_st)
    def edit(self, ref, lines, discount, tax):
        self.act(lambda: svc.edit_draft(self.ctxs["T1"], ref, draft_input(
            self.customer, lines=lines, discount=discount, tax=tax)), Action.EDIT, ref, False)

    @rule(ref=REFS, till=TILLS)
    def issue(self, ref, till):
        self.act(lambda: svc.issue(self.ctxs[till], ref), Action.ISSUE, ref, True)

    @rule(ref=REFS, method=st.sampled_from(["cash", "transfer", "edc", "other", "cheque"]))
    def pay(self, ref, method):
        self.act(lambda: svc.mark_paid(self.ctxs["T2"], ref, svc.PaymentInput(method, "ref")),
                 Action.PAY, ref, True)

    @rule(ref=REFS, data=st.data())
    def pay_with_tenders(self, ref, data):
        """A random split of what is due (sometimes short, sometimes a card over it),
        with cash handed over beyond it as change."""
        with self.store.reader() as uow:
            inv = uow.session.get(Invoice, ref)
            due = inv.total - inv.amount_paid if inv is not None else 10000
        cuts = sorted(data.draw(st.lists(st.integers(0, due), max_size=3)))
        parts = [b - a for a, b in zip([0] + cuts, cuts + [due])]
        methods = data.draw(st.lists(st.sampled_from(TENDER_METHODS), min_size=len(parts),
                                     max_size=len(parts)))
        tenders = [Tender(m, a) for m, a in zip(methods, parts) if a > 0]
        extra = data.draw(st.sampled_from([0, 0, 500, 50000, -1]))
        if extra > 0:
            tenders.append(Tender("cash", extra))
        elif extra < 0 and tenders:  # a tender a rupiah short
            tenders[-1] = Tender(tenders[-1].method, tenders[-1].amount - 1)
        self.act(lambda: svc.pay_with_tenders(self.ctxs["T2"], ref, svc.PaymentInput(
            tenders=tuple(tenders))), Action.PAY, ref, True)

    @rule(ref=REFS)
    def void(self, ref):
        was_draft = self.expected.get(ref) == Status.DRAFT
        self.act(lambda: svc.void(self.ctxs["T1"], ref, "mistake"), Action.VOID, ref, not was_draft)

    @rule(ref=REFS)
    def write_off(self, ref):
        self.act(lambda: svc.write_off(self.ctxs["T1"], ref, "gone"), Action.WRITE_OFF, ref, False)

    @rule(days=st.integers(0, 20))
    def tick(self, days):
        self.clock.advance(days=days, minutes=1)

    # -- invariants
    @invariant()
    def totals_and_statuses(self):
        with self.store.reader() as uow:
            for inv in uow.session.execute(select(Invoice)).scalars():
                subtotal = sum(l.quantity * l.unit_amount for l in inv.lines)
                assert all(l.amount == l.quantity * l.unit_amount for l in inv.lines)
                assert inv.subtotal == subtotal
                assert inv.total == max(0, subtotal - inv.discount + inv.tax)
                assert inv.amount_paid == (inv.total if inv.status == "paid" else 0)
            for pay in uow.session.execute(select(Payment)).scalars():
                received = sum(t.amount for t in pay.tenders)
                assert pay.tenders and received - pay.change == pay.amount
                assert 0 <= pay.change <= pay.cash_received
                assert pay.cash_received == sum(t.amount for t in pay.tenders
                                                if t.method == "cash")
                assert all(t.amount <= pay.amount for t in pay.tenders if t.method != "cash")
                assert inv.status == self.expected[inv.id].value
                assert (inv.local_number is None) == (inv.status == "draft" or
                                                      (inv.status == "void" and inv.issued_at is None))

    @invariant()
    def numbers_gapless_per_till(self):
        with self.store.reader() as uow:
            nums = uow.session.execute(select(Invoice.local_number)
                                       .where(Invoice.local_number.is_not(None))).scalars().all()
            receipts = uow.session.execute(select(Receipt.number)).scalars().all()
        for series in (nums, receipts):
            assert len(series) == len(set(series))
            by_till = {}
            for n in series:
                till, seq = n.split("-")
                by_till.setdefault(till, []).append(int(seq.lstrip("R")))
            for seqs in by_till.values():
                assert sorted(seqs) == list(range(1, len(seqs) + 1))


InvoiceMachine.TestCase.settings = settings(
    max_examples=30, stateful_step_count=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_invoice_lifecycle_machine = InvoiceMachine.TestCase
