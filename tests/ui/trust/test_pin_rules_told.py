"""The PIN rules are told before anyone types a PIN: on first run and in Staff."""

from __future__ import annotations

import pytest

from app.services.pins import check_pin_rules
from app.domain.errors import ValidationError


def test_first_run_owner_page_tells_the_pin_rules(qtbot):
    from ui.setup.pages import OwnerPage

    page = OwnerPage()
    qtbot.addWidget(page)
    text = page.pin_rules.text()
    assert "4–8 digits" in text and "1111" in text and "1234" in text
    for told in ("1111", "1234"):  # what the label warns of is what the core refuses
        with pytest.raises(ValidationError):
            check_pin_rules(told)


def test_staff_page_tells_the_pin_rules(qtbot, ctx):
    from ui.trust.staff_page import StaffPage

    page = StaffPage(ctx)
    qtbot.addWidget(page)
    assert "4–8 digits" in page.pin_rules.text()
