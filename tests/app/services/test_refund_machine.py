"""The lifecycle state machine, with refunds: any sequence of sales, payments
and refunds keeps 0 ≤ amountRefunded ≤ amountPaid, gapless refund numbers per
till, and one history and one outbox entry per refund; a refused refund
changes nothing."""

from hypothesis import HealthCheck, event, settings, strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, rule
from sqlalchemy import func, select

from app.domain.errors import KasirError
from app.domain.lifecycle import Status
from app.domain.refunds import RefundInput, RefundLineInput
from app.services import invoices as svc
from app.services.refunds import refund
from app.store.models import HistoryEntry, Invoice, OutboxOperation
from app.store.refund_models import Refund, RefundLine
from tests.app.services.test_lifecycle_machine import TILLS, InvoiceMachine
from tests.conftest import draft_input

REFS = st.integers(1, 12)  # invoice ids, some of which won't exist
amount_st = st.one_of(st.integers(-10, 20_000), st.integers(1, 3_000_000))

refund_lines_st = st.one_of(
    st.lists(st.tuples(st.integers(0, 1), st.integers(1, 2)), min_size=1, max_size=2,
             unique_by=lambda t: t[0]),  # mostly lines that can come back
    st.lists(st.tuples(st.integers(-1, 4), st.integers(-1, 4)), min_size=1, max_size=3))


class RefundMachine(InvoiceMachine):
    paid = Bundle("paid")  # invoices sold and paid at once: refunds draw from them too
    def counts(self):
        with self.store.reader() as uow:
            s = uow.session
            extra = tuple(s.execute(select(func.count()).select_from(m)).scalar()
                          for m in (Refund, RefundLine))
        return super().counts() + extra

    def rows(self):
        rows = super().rows()
        with self.store.reader() as uow:
            for inv in uow.session.execute(select(Invoice)).scalars():
                rows[inv.id]["refunded"] = inv.amount_refunded
        return rows

    def _refund(self, till, ref, data):
        before_counts, before_rows = self.counts(), self.rows()
        try:
            refund(self.ctxs[till], ref, data)
        except KasirError as err:
            assert err.code in ("validation_error", "not_found", "conflict")
            assert self.counts() == before_counts and self.rows() == before_rows, \
                "a refused refund changed data"
            if err.code == "conflict":
                assert before_rows[ref]["status"] != "paid"
            event(f"refund refused: {err.code}")
            return
        event("refund accepted" + (" (lines)" if data.lines else ""))
        after = self.counts()
        assert before_rows[ref]["status"] == "paid"
        assert after[0] == before_counts[0] + 1, "one history entry per refund"
        assert after[1] == before_counts[1] + 1, "one outbox entry per refund"
        assert after[-2] == before_counts[-2] + 1

    @initialize(target=paid, till=TILLS, qty=st.integers(1, 4), unit=st.integers(0, 50_000),
                discount=st.integers(0, 5_000), tax=st.integers(0, 9_000))
    def first_sale(self, till, qty, unit, discount, tax):
        return self.paid_sale(till, qty, unit, discount, tax)

    @rule(target=paid, till=TILLS, qty=st.integers(1, 4), unit=st.integers(0, 50_000),
          discount=st.integers(0, 5_000), tax=st.integers(0, 9_000))
    def paid_sale(self, till, qty, unit, discount, tax):
        """A sale paid at once: what most refunds start from."""
        rec = svc.create_and_issue(self.ctxs[till], draft_input(
            self.customer, lines=(("Kopi", qty, unit), ("Teh manis", 2, 7_001)),
            discount=discount, tax=tax))
        svc.mark_paid(self.ctxs[till], rec.id, svc.PaymentInput("cash"))
        self.expected[rec.id] = Status.PAID
        return rec.id

    @rule(ref=st.one_of(paid, REFS), till=TILLS, amount=amount_st,
          method=st.sampled_from(["cash", "transfer", "edc", "other", "cheque"]))
    def refund_amount(self, ref, till, amount, method):
        self._refund(till, ref, RefundInput(amount=amount, method=method))

    @rule(ref=st.one_of(paid, REFS), till=TILLS, lines=refund_lines_st)
    def refund_lines(self, ref, till, lines):
        self._refund(till, ref, RefundInput(
            lines=tuple(RefundLineInput(i, q) for i, q in lines), method="cash"))

    @invariant()
    def refunds_within_what_was_paid(self):
        with self.store.reader() as uow:
            s = uow.session
            for inv in s.execute(select(Invoice)).scalars():
                given = s.execute(select(func.coalesce(func.sum(Refund.amount), 0))
                                  .where(Refund.invoice_id == inv.id)).scalar()
                assert 0 <= inv.amount_refunded == given <= inv.amount_paid
                if given:
                    assert inv.status == "paid"
                sold = {l.position: l.quantity for l in inv.lines}
                back: dict[int, int] = {}
                for line in s.execute(select(RefundLine).join(Refund).where(
                        Refund.invoice_id == inv.id)).scalars():
                    back[line.line_position] = back.get(line.line_position, 0) + line.quantity
                assert all(q <= sold[p] for p, q in back.items())
                refunds = s.execute(select(Refund).where(Refund.invoice_id == inv.id)).scalars()
                if all(r.by_lines for r in refunds):
                    # Only lines came back: what was given is exactly their share of what
                    # was paid, rounded once (no drift), so every line back is everything.
                    unit = {l.position: l.unit_amount for l in inv.lines}
                    part = sum(q * unit[p] for p, q in back.items())
                    whole = sum(l.quantity * l.unit_amount for l in inv.lines)
                    share = (2 * inv.amount_paid * part + whole) // (2 * whole) if whole else 0
                    assert inv.amount_refunded == share
                    if back == sold:
                        assert inv.amount_refunded == inv.amount_paid

    @invariant()
    def refund_numbers_gapless_per_till(self):
        with self.store.reader() as uow:
            rows = uow.session.execute(select(Refund.till_code, Refund.local_number)).all()
            ops = uow.session.execute(select(func.count()).select_from(OutboxOperation).where(
                OutboxOperation.operation == "invoice.refund")).scalar()
            entries = uow.session.execute(select(func.count()).select_from(HistoryEntry).where(
                HistoryEntry.action == "refund")).scalar()
        assert ops == entries == len(rows)
        by_till: dict[str, list[int]] = {}
        for till, number in rows:
            prefix, seq = number.split("-")
            assert prefix == till and seq.startswith("F")
            by_till.setdefault(till, []).append(int(seq[1:]))
        for seqs in by_till.values():
            assert sorted(seqs) == list(range(1, len(seqs) + 1))


RefundMachine.TestCase.settings = settings(
    max_examples=50, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_refund_machine = RefundMachine.TestCase
