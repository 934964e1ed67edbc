"""Issue 14 through the command line, in real subprocesses: tenders and change,
tax from rates, the walk-in customer, items' own rates and the shop's tax
settings. Every refusal is a coded error with its exit code and leaves every
table as it was."""

from __future__ import annotations

import pytest

from tests.app.cli.till_cli import make_kasir, refused_unchanged


@pytest.fixture
def kasir(tmp_path):
    return make_kasir(tmp_path / "till.db")


@pytest.fixture
def sale(kasir):
    """An open counter sale of Rp 126.500 (walk-in, no tax)."""
    def make(total=126_500):
        return kasir("invoice", "create", "--currency", "IDR", "--line", "Beras 5 kg", "1",
                     str(total), "--issue")
    return make


def test_cash_over_the_amount_due_is_change_and_edc_carries_its_reference(kasir, sale):
    inv = sale()
    out = kasir("invoice", "pay", str(inv["id"]), "--tender", "cash", "100000",
                "--tender", "edc", "26500", "--reference", "EDC 4411")
    assert out["status"] == "paid" and out["amountPaid"] == 126_500
    assert out["tenders"] == [{"method": "cash", "amount": 100_000, "reference": None},
                              {"method": "edc", "amount": 26_500, "reference": "EDC 4411"}]
    assert (out["cashReceived"], out["change"]) == (100_000, 0)
    assert out["payment"]["tenders"] == out["tenders"]
    assert out["receipt"]["number"] == "T1-R000001"

    other = sale(73_500)
    out = kasir("invoice", "pay", str(other["id"]), "--tender", "cash", "100000")
    assert (out["cashReceived"], out["change"]) == (100_000, 26_500)
    assert out["tenders"] == [{"method": "cash", "amount": 100_000, "reference": None}]
    history = kasir("invoice", "history", str(other["id"]))
    assert history[-1]["action"] == "pay" and "change 26500" in history[-1]["note"]


def test_a_reference_belongs_to_the_tender_before_it(kasir, sale):
    inv = sale(30_000)
    out = kasir("invoice", "pay", str(inv["id"]), "--tender", "transfer", "10000",
                "--reference", "BCA 77", "--tender", "qris", "5000", "--tender", "cash", "20000",
                "--reference", "laci 2")
    assert [t["reference"] for t in out["tenders"]] == ["BCA 77", None, "laci 2"]
    assert out["change"] == 5_000 and out["cashReceived"] == 20_000


def test_the_old_method_alone_still_pays_in_full(kasir, sale):
    inv = sale()
    out = kasir("invoice", "pay", str(inv["id"]), "--method", "transfer", "--reference", "BCA 1")
    assert out["status"] == "paid" and out["payment"]["method"] == "transfer"
    assert out["tenders"] == [{"method": "transfer", "amount": 126_500, "reference": "BCA 1"}]
    assert out["change"] == 0 and out["cashReceived"] == 0
    cash = kasir("invoice", "pay", str(sale()["id"]))  # no option at all: cash, in full
    assert cash["tenders"] == [{"method": "cash", "amount": 126_500, "reference": None}]
    assert cash["cashReceived"] == 126_500


@pytest.mark.parametrize("tenders, field", [
    (["--tender", "cash", "100000"], "tenders"),                               # short
    (["--tender", "edc", "126501"], "tenders[1].amount"),                      # card over due
    (["--tender", "edc", "100000", "--tender", "transfer", "30000"], "tenders"),  # non-cash over
    (["--tender", "bitcoin", "126500"], "tenders[1].method"),
    (["--tender", "cash", "0"], "tenders[1].amount"),
    (["--tender", "cash", "12.5"], "tenders[1].amount"),
    (["--tender", "cash", "-5"], "tenders[1].amount"),
    (["--method", "edc", "--tender", "cash", "126500"], "method"),
    (["--reference", "x", "--tender", "cash", "126500"], "reference"),
    (["--tender", "edc", "126500", "--reference", "a", "--reference", "b"],
     "tenders[1].reference"),
])
def test_bad_tenders_are_a_validation_error_and_store_nothing(kasir, sale, tenders, field):
    inv = sale()
    err = refused_unchanged(kasir, "invoice", "pay", str(inv["id"]), *tenders,
                            expect="validation_error", code=3)
    assert err["field"] == field, err
    assert kasir("invoice", "show", str(inv["id"]))["status"] == "open"


def test_paying_a_paid_invoice_is_a_conflict(kasir, sale):
    inv = sale()
    kasir("invoice", "pay", str(inv["id"]), "--tender", "cash", "200000")
    refused_unchanged(kasir, "invoice", "pay", str(inv["id"]), "--tender", "cash", "200000",
                      expect="conflict", code=5)


def test_tax_rate_computes_the_tax_and_the_shop_setting_decides_inclusive(kasir):
    # Prices include tax by default: the customer pays the shelf price.
    inc = kasir("invoice", "create", "--currency", "IDR", "--line", "Kopi", "2", "18000",
                "--tax-rate", "11")
    assert inc["total"] == 36_000 and inc["subtotal"] + inc["tax"] == 36_000
    assert inc["tax"] == 2 * (18_000 - 16_216)
    assert inc["customerName"] == "Walk-in customer"
    kasir("settings", "set", "prices-include-tax", "no")
    out = kasir("invoice", "create", "--currency", "IDR", "--line", "Kopi", "2", "18000",
                "--line", "Roti", "1", "25000", "--discount", "1000", "--tax-rate", "1.1")
    # one group: base 61000 - discount 1000 = 60000; 1.1 % = 660
    assert (out["subtotal"], out["discount"], out["tax"], out["total"]) == (61_000, 1_000, 660,
                                                                              60_660)
    assert all(l["taxRate"] == "1.1" for l in out["lines"])
    # An edit that gives neither --tax nor --tax-rate keeps the rate.
    edited = kasir("invoice", "edit", str(out["id"]), "--line", "Teh", "2", "5000")
    assert (edited["subtotal"], edited["tax"], edited["total"]) == (10_000, 99, 9_099)


def test_shop_rate_and_items_own_rate(kasir):
    settings = kasir("settings", "set", "tax-rate", "12")
    assert settings == {"taxRate": "12", "pricesIncludeTax": True}
    kasir("settings", "set", "prices-include-tax", "no")
    assert kasir("settings", "show") == {"taxRate": "12", "pricesIncludeTax": False}
    exempt = kasir("item", "add", "--code", "BERAS", "--name", "Beras 5 kg", "--price", "70000",
                   "--tax-rate", "0")
    assert exempt["taxRate"] == "0"
    kopi = kasir("item", "add", "--code", "KOPI", "--name", "Kopi", "--price", "18000")
    assert kopi["taxRate"] is None
    out = kasir("invoice", "create", "--currency", "IDR", "--item", "beras", "1",
                "--line", "Kantong", "1", "1000", "--item", "KOPI", "2", "--tax-rate", "shop")
    assert [l["description"] for l in out["lines"]] == ["Beras 5 kg", "Kantong", "Kopi"]
    assert [l["taxRate"] for l in out["lines"]] == ["0", "12", "12"]
    assert out["tax"] == (1_000 + 36_000) * 12 // 100 and out["total"] == 107_000 + 4_440
    # The item's own rate can go back to the shop's with an empty --tax-rate.
    assert kasir("item", "edit", "BERAS", "--tax-rate", "")["taxRate"] is None
    assert kasir("item", "edit", "BERAS", "--name", "Beras")["taxRate"] is None


@pytest.mark.parametrize("args, field", [
    (["--tax", "1000", "--tax-rate", "11"], "tax_rate"),
    (["--tax-rate", "eleven"], "tax_rate"),
    (["--tax-rate", "101"], "tax_rate"),
    (["--tax-rate", "-1"], "tax_rate"),
    (["--tax-rate", "1.125"], "tax_rate"),
    (["--item", "NOPE", "1"], "lines[2].item_code"),
    (["--item", "KOPI", "x"], "lines[2].quantity"),
])
def test_bad_tax_input_is_refused_and_stores_nothing(kasir, args, field):
    kasir("item", "add", "--code", "KOPI", "--name", "Kopi", "--price", "18000")
    err = refused_unchanged(kasir, "invoice", "create", "--currency", "IDR", "--line", "Teh",
                            "1", "5000", *args, "--issue", expect="validation_error", code=3)
    assert err["field"] == field, err


@pytest.mark.parametrize("args", [["settings", "set", "tax-rate", "abc"],
                                  ["settings", "set", "tax-rate", "150"],
                                  ["settings", "set", "prices-include-tax", "maybe"],
                                  ["settings", "set", "colour", "red"],
                                  ["item", "add", "--code", "X1", "--name", "X", "--price", "1",
                                   "--tax-rate", "12.345"]])
def test_bad_settings_and_item_rates_are_refused(kasir, args):
    kasir("settings", "show")  # the store exists
    refused_unchanged(kasir, *args, expect="validation_error", code=3)


def test_a_counter_sale_without_customer_uses_one_walk_in_customer(kasir):
    a = kasir("invoice", "create", "--currency", "IDR", "--line", "Teh", "1", "5000", "--issue")
    b = kasir("invoice", "create", "--currency", "IDR", "--line", "Teh", "1", "5000")
    assert a["customerId"] == b["customerId"] and a["customerName"] == "Walk-in customer"
    assert len(kasir("customer", "list")) == 1


def test_editing_a_draft_of_mixed_rates_asks_for_its_lines_and_changes_nothing(kasir):
    kasir("item", "add", "--code", "BERAS", "--name", "Beras", "--price", "70000",
          "--tax-rate", "0")
    draft = kasir("invoice", "create", "--currency", "IDR", "--item", "BERAS", "1",
                  "--line", "Kopi", "1", "18000", "--tax-rate", "11")
    assert [l["taxRate"] for l in draft["lines"]] == ["0", "11"] and draft["total"] == 88_000
    refused_unchanged(kasir, "invoice", "edit", str(draft["id"]), "--memo", "Meja 2",
                      expect="validation_error", code=3)
    edited = kasir("invoice", "edit", str(draft["id"]), "--memo", "Meja 2", "--tax-rate", "11")
    assert edited["memo"] == "Meja 2" and edited["total"] == 88_000  # tax included: shelf prices
    again = kasir("invoice", "edit", str(draft["id"]), "--item", "BERAS", "2",
                  "--line", "Teh", "1", "5000")
    assert [l["taxRate"] for l in again["lines"]] == ["0", "11"] and again["total"] == 145_000
