"""The refund slip on every profile and width, read back from its ESC/POS bytes."""

from __future__ import annotations

from datetime import timezone

from escpos_decoder import decode, line_width

from app.domain.refunds import RefundInput, RefundLineInput
from app.printing.escpos_render import render_escpos
from app.printing.profiles import PROFILES
from app.printing.refund_slip import build_refund_slip, enqueue_refund_slip
from app.printing.slip_layout import render_slip_lines
from app.printing.slip_model import Slip
from app.services.refunds import refund

CASES = [(name, cols) for name, p in PROFILES.items() for cols in p.columns]


def test_refund_slip_every_profile_names_the_invoice_the_lines_and_the_money(ctx, paid):
    invoice, _receipt = paid
    r = refund(ctx, invoice.id, RefundInput(lines=(RefundLineInput(0, 1),), method="cash",
                                            note="gelas pecah"))
    slip = build_refund_slip(ctx, r.local_number)
    assert Slip.from_json(slip.to_json()) == slip  # the print queue stores it as JSON
    for name, columns in CASES:
        profile = PROFILES[name]
        cp = profile.default_codepage
        d = decode(render_escpos(slip, profile, columns, cp, tz=timezone.utc))
        fonts = dict((font, cols) for cols, font in profile.fonts)
        assert all(len(line.text) <= line_width(line, fonts) for line in d.lines)
        texts = d.texts()
        assert texts == render_slip_lines(slip, columns, cp, tz=timezone.utc)
        joined = "\n".join(texts)
        assert "REFUND" in joined and "T1-F000001" in joined and "T1-000001" in joined
        assert "Returned" in joined and '"spesial"' in joined
        # 1 of 2 x 18.000 back out of 61.000 paid on a 66.000 subtotal... in proportion:
        given = next(t for t in texts if t.startswith("GIVEN BACK"))
        assert given.endswith(f"Rp {r.amount:,}".replace(",", "."))
        assert any(t.startswith("Method") and t.endswith("Cash") for t in texts)
        assert any(t.startswith("Reason") and t.endswith("Requested by the customer")
                   for t in texts)
        assert "gelas pecah" in joined
        if profile.cutter:
            assert d.commands[-1].name == "cut"


def test_a_refund_slip_is_reprinted_through_the_queue(ctx, paid):
    invoice, _receipt = paid
    r = refund(ctx, invoice.id, RefundInput(amount=5000, method="transfer"))
    job = enqueue_refund_slip(ctx, r.id, reprint=True)
    assert job.kind == "refund" and job.reprint and job.title == "Refund T1-F000001 (T1-000001)"
    slip = build_refund_slip(ctx, r.id, reprint=True)
    lines = render_slip_lines(slip, 32, tz=timezone.utc)
    assert any(l.strip().startswith("REPRINT") for l in lines)
    assert not any(l.startswith("Returned") for l in lines)  # by amount: no lines
