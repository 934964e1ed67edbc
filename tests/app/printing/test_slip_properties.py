"""Hypothesis: long, Indonesian and accented descriptions, big amounts, many lines."""

from __future__ import annotations

from datetime import timezone

from escpos_decoder import decode, line_width
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.money import format_money
from app.printing.escpos_render import render_escpos
from app.printing.profiles import PROFILES
from app.printing.slip_model import Slip, SlipLine, SlipShop

WORDS = ["Kopi", "susu", "gula", "aren", "Nasi", "goreng", "kampung", "Es", "teh", "manis",
         "Caf\u00e9", "cr\u00e8me", "br\u00fbl\u00e9e", "Se\u00f1or", "\u00c5ngstr\u00f6m",
         "\u201cspesial\u201d", "\u2013", "ukuran", "besar", "\u20ac", "\u00d7", "\u2713",
         "Rp", "50%", "Pempek-Palembang-kapal-selam-super-jumbo-isi-telur", "\u4e2d"]
description = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=25).map(" ".join),
    st.text(min_size=1, max_size=120))
amounts = st.integers(0, 10**12)
line = st.tuples(description, st.integers(1, 1_000_000), amounts)
cases = [(p, c) for p in PROFILES.values() for c in p.columns]


@st.composite
def slips(draw):
    currency = draw(st.sampled_from(["IDR", "USD"]))
    lines = tuple(SlipLine(d, q, u, q * u) for d, q, u in draw(st.lists(line, min_size=1,
                                                                           max_size=30)))
    subtotal = sum(l.amount for l in lines)
    discount = draw(st.integers(0, subtotal))
    tax = draw(st.integers(0, 10**12))
    total = subtotal - discount + tax
    paid = draw(st.integers(0, total))
    return Slip(kind="invoice", shop=SlipShop(draw(description), draw(description), "0812", "",
                                              draw(description)),
                invoice_id=1, local_number="T1-000042", plugipay_number="INV-2026-001",
                status="open", at="2026-11-22T09:00:00+00:00", operator="ana",
                customer=draw(description), currency=currency, lines=lines, subtotal=subtotal,
                discount=discount, tax=tax, total=total, amount_paid=paid,
                amount_due=total - paid, memo=draw(description),
                hosted_url=draw(st.sampled_from(["", "https://pay.plugipay.com/i/in_9"])))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(slip=slips(), case=st.sampled_from(cases))
def test_every_slip_fits_and_keeps_its_totals(slip, case):
    profile, columns = case
    d = decode(render_escpos(slip, profile, columns, tz=timezone.utc))
    fonts = {font: cols for cols, font in profile.fonts}
    assert not d.text_before_codepage
    for l in d.lines:
        assert len(l.text) <= line_width(l, fonts)
    texts = d.texts()
    money = lambda a: format_money(a, slip.currency)  # noqa: E731
    # Every amount is whole on one line, flush right, after its label.
    i = next(i for i, t in enumerate(texts) if t.startswith("TOTAL"))
    assert texts[i].endswith(money(slip.total)) or texts[i + 1].strip() == money(slip.total)
    for label, amount in (("Subtotal", slip.subtotal), ("Amount due", slip.amount_due)):
        i = next(i for i, t in enumerate(texts) if t.startswith(label))
        assert texts[i].endswith(money(amount)) or texts[i + 1].strip() == money(amount)
    for item in slip.lines:
        assert any(t.endswith(money(item.amount)) for t in texts)
