"""Every profile and width: the decoder reads back what a person would read."""

from __future__ import annotations

from datetime import timezone

import pytest
from escpos_decoder import decode, line_width

from app.printing.escpos_render import render_escpos
from app.printing.profiles import PROFILES
from app.printing.slip_layout import render_slip_lines
from app.printing.slip_model import build_slip, make_test_slip, shop_of

CASES = [(name, cols) for name, p in PROFILES.items() for cols in p.columns]


def _check(data: bytes, profile, columns, codepage):
    d = decode(data)
    fonts = dict((font, cols) for cols, font in profile.fonts)
    assert not d.text_before_codepage, "text sent before the code page was chosen"
    assert d.commands[0].name == "init"
    assert ("codepage", (profile.codepage_number(codepage),)) in [
        (c.name, c.args) for c in d.commands[:3]]
    for line in d.lines:
        assert len(line.text) <= line_width(line, fonts), (line.text, columns)
        assert fonts[line.font] == columns
    if profile.cutter:
        assert d.commands[-1].name == "cut"
        assert d.commands[-1].args[0] == profile.cutter
        assert "feed" in d.names()
    else:
        assert "cut" not in d.names()
        assert d.commands[-1].name == "feed" and d.commands[-1].args[0] >= 3
    return d


def test_invoice_slip_every_profile(ctx, issued):
    # One database for all cases: a fresh migrated store per case is the slow part.
    slip = build_slip(ctx, issued.id, "invoice")
    for profile_name, columns in CASES:
        _invoice_case(slip, PROFILES[profile_name], columns)


def _invoice_case(slip, profile, columns):
    cp = profile.default_codepage
    d = _check(render_escpos(slip, profile, columns, cp, tz=timezone.utc), profile, columns, cp)
    texts = d.texts()
    # The printed text is exactly the preview.
    assert texts == render_slip_lines(slip, columns, cp, tz=timezone.utc)
    joined = "\n".join(texts)
    assert "T1-000001" in joined and "Budi Santoso" in joined and "Toko Maju Jaya" in joined
    total = next(t for t in texts if t.startswith("TOTAL"))
    assert total.endswith("Rp 66.000")  # 2 x 18.000 + 25.000 - 1.000 + 6.000
    assert any(t.endswith("Rp 36.000") for t in texts)
    assert any(t.startswith("Amount due") and t.endswith("Rp 66.000") for t in texts)
    assert '"spesial" - besar' in " ".join(texts), "quotes and dash transliterated"
    assert any(t.strip() == "22-11-2026 09:00" or t.endswith("22-11-2026 09:00") for t in texts)
    assert "qr_store" not in d.names() and "raster_image" not in d.names()  # no link yet


def test_qr_when_the_hosted_link_is_known(ctx, issued):
    from dataclasses import replace

    slip = replace(build_slip(ctx, issued.id), hosted_url="https://pay.plugipay.com/i/in_123")
    for profile_name, columns in CASES:
        _qr_case(slip, PROFILES[profile_name], columns)


def _qr_case(slip, profile, columns):
    d = _check(render_escpos(slip, profile, columns), profile, columns, profile.default_codepage)
    if profile.native_qr:
        assert d.qr_data() == ["https://pay.plugipay.com/i/in_123"]
        assert "qr_print" in d.names()
    else:
        images = [c for c in d.commands if c.name == "raster_image"]
        assert images and images[0].args[1] <= profile.dots


def test_receipt_slip_and_drawer(ctx, paid):
    slip = build_slip(ctx, paid[0].id, "receipt")
    for profile_name, columns in CASES:
        _receipt_case(slip, PROFILES[profile_name], columns)


def _receipt_case(slip, profile, columns):
    data = render_escpos(slip, profile, columns, drawer_kick=True)
    d = decode(data)
    texts = d.texts()
    assert any(t.startswith("Receipt no.") and t.endswith("T1-R000001") for t in texts)
    assert any(t.startswith("Amount paid") and t.endswith("Rp 66.000") for t in texts)
    assert any(t.startswith("Method") and t.endswith("Cash") for t in texts)
    assert any(t.strip() == "PAID" for t in texts)
    assert "drawer" in d.names()
    assert not d.text_before_codepage


def test_reprint_says_so_with_the_time(ctx, issued, clock):
    clock.advance(hours=3, minutes=5)
    slip = build_slip(ctx, issued.id, reprint=True)
    texts = decode(render_escpos(slip, PROFILES["TM-T20II"], 48, tz=timezone.utc)).texts()
    assert any(t.strip() == "REPRINT 22-11-2026 12:05" for t in texts)
    original = decode(render_escpos(build_slip(ctx, issued.id), PROFILES["TM-T20II"], 48)).texts()
    assert not any("REPRINT" in t for t in original)


def test_codepage_is_explicit_and_text_decodes(ctx, issued, make_draft):
    from app.services.invoices import issue

    inv = issue(ctx, make_draft(lines=(("Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e \u20ac", 1, 5000),)).id)
    for codepage in ("CP858", "CP1252", "CP850", "CP437"):
        _codepage_case(ctx, inv, codepage)


def _codepage_case(ctx, inv, codepage):
    profile = PROFILES["TM-T88V"]
    d = decode(render_escpos(build_slip(ctx, inv.id), profile, 42, codepage))
    assert d.commands[1].name == "codepage"
    assert d.commands[1].args == (profile.codepage_number(codepage),)
    joined = "\n".join(d.texts())
    assert "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e" in joined
    assert ("\u20ac" in joined) == (codepage in ("CP858", "CP1252"))
    if codepage not in ("CP858", "CP1252"):
        assert "EUR" in joined
    assert "?" not in joined


def test_test_slip_every_profile(ctx, shop, clock):
    for _name, profile in PROFILES.items():
        for cols in profile.columns:
            slip = make_test_slip(shop_of(ctx), title=profile.label, details=("x",), at=clock())
            d = _check(render_escpos(slip, profile, cols), profile, cols, profile.default_codepage)
            assert "".join(str(i % 10) for i in range(1, cols + 1)) in d.texts()


def test_columns_the_profile_lacks_are_refused(ctx, issued):
    from app.domain.errors import ValidationError

    with pytest.raises(ValidationError, match="48 or 64"):
        render_escpos(build_slip(ctx, issued.id), PROFILES["TM-T20II"], 32)
