from __future__ import annotations

import pytest

from app.printing.encoding import FoldReport, encode, fold


@pytest.mark.parametrize("text,cp,expected", [
    ("Rp 1.500.000", "CP437", "Rp 1.500.000"),
    ("\u201cHalo\u201d \u2013 \u2018ok\u2019", "CP858", "\"Halo\" - 'ok'"),
    ("\u20ac 5", "CP437", "EUR 5"),
    ("\u20ac 5", "CP858", "\u20ac 5"),
    ("\u2713 lunas", "CP1252", "v lunas"),
    ("Caf\u00e9", "CP437", "Caf\u00e9"),
    ("\u0160koda \u0141\u00f3d\u017a", "CP858", "Skoda L\u00f3dz"),
    ("e\u0301", "CP858", "\u00e9"),  # combining accent composed first
    ("tab\there\nnext", "CP858", "tab here next"),
])
def test_fold(text, cp, expected):
    report = FoldReport()
    assert fold(text, cp, report) == expected
    assert not report.missing
    assert len(encode(expected, cp)) == len(expected)


def test_no_silent_question_mark():
    report = FoldReport()
    out = fold("Teh \u4e2d\u6587 \U0001f600", "CP858", report)
    assert out == "Teh ?? ?"
    assert report.missing == {"\u4e2d", "\u6587", "\U0001f600"}
    assert "cannot be printed" in report.note()


def test_every_char_one_byte_no_controls():
    sample = "".join(chr(c) for c in range(0, 0x3000))
    for cp in ("CP858", "CP1252", "CP850", "CP437"):
        out = fold(sample, cp, FoldReport())
        data = encode(out, cp)
        assert len(data) == len(out)
        assert all(b >= 0x20 and b != 0x7F for b in data)
