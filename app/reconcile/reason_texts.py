"""The reasons a suggestion gives, in the current language, each translated once
per Matcher and language rather than once per candidate: a pass over 10,000
statement lines gives some 100,000 reasons from a handful of texts."""

from __future__ import annotations

from app.i18n import _, current_language


class ReasonTexts:
    """`current()` once per statement line, then plain attribute reads."""

    def __init__(self):
        self._lang: str | None = None
        self._named: dict[tuple[str, str], str] = {}
        self.amount_equal = self.other_customer = self.before_issue = ""
        self.near_due = self.other_combinations = ""

    def current(self) -> ReasonTexts:
        lang = current_language()
        if lang != self._lang:
            self._named = {}
            self.amount_equal = _("amount equals the amount due")
            self.other_customer = _("the description names another customer")
            self.before_issue = _("the money arrived before the invoice was issued")
            self.near_due = _("paid after issue, near the due date")
            self.other_combinations = _("other combinations of invoices add up to it too")
            self._lang = lang
        return self

    def name(self, kind: str, customer_name: str) -> str:
        """`full`: the customer's whole name was found; `partial`: part of it."""
        key = (kind, customer_name)
        found = self._named.get(key)
        if found is None:
            if kind == "full":
                found = _("customer's name {customer_name} in the description",
                          customer_name=repr(customer_name))
            else:
                found = _("part of the customer's name {customer_name}",
                          customer_name=repr(customer_name))
            self._named[key] = found
        return found
