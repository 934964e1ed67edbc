"""Matching quality and speed on generated statements.

    python scripts/bench_matching.py [--credits 1500] [--invoices 6000] [--seed 7]
    python scripts/bench_matching.py --speed          # 10,000 lines x 100,000 invoices

Quality: how often the right invoice(s) come first, and how often a wrong one is
offered with high confidence (must be zero). The credits carry the hard cases:
references mangled by the bank (case, spaces, dashes, dropped zeros, cut off),
Plugipay numbers, memo references, one transfer for several invoices, equal
amounts for different customers, short and over payments, deposits that match
nothing, and bare amounts with no clue at all."""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.reconcile.matching import HIGH, Candidate, Credit, Matcher  # noqa: E402

FIRST = ["Budi", "Siti", "Agus", "Dewi", "Rudi", "Sri", "Andi", "Rina", "Joko", "Wati", "Eko",
         "Nur", "Hadi", "Yuni", "Bambang", "Putri", "Rizky", "Ayu", "Dedi", "Lestari", "Made",
         "Ketut", "Wayan", "Fajar", "Indah", "Teguh", "Maya", "Hendra", "Fitri", "Arief"]
LAST = ["Santoso", "Wijaya", "Saputra", "Lestari", "Hidayat", "Kusuma", "Pratama", "Setiawan",
        "Nugroho", "Gunawan", "Siregar", "Nasution", "Harahap", "Sihombing", "Wibowo",
        "Purnomo", "Susanto", "Halim", "Tanjung", "Suryadi", "Rahman", "Hakim", "Permana"]
COMPANY = ["Maju Jaya", "Sumber Rezeki", "Sinar Abadi", "Berkah Sentosa", "Karya Mandiri",
           "Cahaya Baru", "Mitra Usaha", "Bintang Timur", "Sejahtera Makmur", "Tunas Harapan"]
PRICES = [50_000, 75_000, 100_000, 125_000, 150_000, 200_000, 250_000, 300_000, 500_000,
          750_000, 1_000_000, 1_500_000, 2_000_000]
CASES = ["ref", "ref_mangled", "ref_plugipay", "ref_truncated", "memo", "name_amount",
         "group_refs", "group_name", "equal_amount", "short", "over", "nothing", "amount_only"]
WEIGHTS = [14, 16, 8, 8, 5, 8, 6, 4, 8, 5, 5, 7, 6]


def make_invoices(rng: random.Random, n: int, customers: int, start: date):
    names = []
    for i in range(customers):
        if i % 9 == 0:
            names.append(f"PT {rng.choice(COMPANY)} {rng.choice(LAST)}")
        else:
            names.append(f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                         + (f" {rng.choice(LAST)}" if i % 4 == 0 else ""))
    counters = {"T1": 0, "T2": 0}
    out = []
    for i in range(1, n + 1):
        till = "T1" if rng.random() < 0.7 else "T2"
        counters[till] += 1
        issued = start + timedelta(days=rng.randrange(0, 60))
        local = f"{till}-{counters[till]:06d}"
        number = f"INV-2026-{i:03d}" if rng.random() < 0.6 else None
        memo = f"Ref {local}" + (f" PO{rng.randrange(10**5, 10**6)}" if rng.random() < 0.3 else "")
        amount = rng.choice(PRICES) if rng.random() < 0.6 else rng.randrange(10, 5000) * 1000
        cust = rng.randrange(customers)
        out.append(Candidate(i, local, number, memo, cust, names[cust], "IDR", amount, issued,
                             issued + timedelta(days=rng.choice((7, 14, 30)))))
    return out


def mangle(rng, local: str) -> str:
    till, num = local.split("-")
    n = str(int(num))
    return rng.choice([local.lower(), f"{till} {num}", f"{till}{num}", f"{till}-{n}",
                       f"{till.lower()} {num[:3]} {num[3:]}", f"{till}/{num}", f"{till}.{num}",
                       f" {till} - {num}"])


def bank_text(rng, name: str, ref: str, cut: int | None = None) -> str:
    upper = name.upper()
    text = rng.choice([f"TRSF E-BANKING CR {rng.randrange(1000, 9999)}/FTSCY/WS{rng.randrange(10**4, 10**5)} {ref} {upper}",
                       f"TRF DARI {upper} {ref}", f"BI-FAST CR {upper} {ref}",
                       f"SETORAN {ref} {upper}", f"{ref} {upper}"]).strip()
    return text[:cut] if cut else text


def make_credits(rng: random.Random, invoices, count: int):
    by_customer: dict[int, list[Candidate]] = {}
    for c in invoices:
        by_customer.setdefault(c.customer_id, []).append(c)
    by_amount: dict[int, list[Candidate]] = {}
    for c in invoices:
        by_amount.setdefault(c.amount_due, []).append(c)
    used: set[int] = set()
    free = [c for c in invoices]
    rng.shuffle(free)
    credits, truth, kinds = [], {}, {}

    def take(pred=lambda c: True):
        for _ in range(200):
            c = free.pop()
            if c.id not in used and pred(c):
                used.add(c.id)
                return c
            free.insert(0, c)
        return None

    while len(credits) < count:
        kind = rng.choices(CASES, WEIGHTS)[0]
        cid = len(credits) + 1
        c = take()
        if c is None:
            break
        when = c.issued_on + timedelta(days=rng.randrange(0, 20))
        amount, ids, text = c.amount_due, (c.id,), ""
        if kind == "ref":
            text = bank_text(rng, c.customer_name, c.local_number)
        elif kind == "ref_mangled":
            text = bank_text(rng, c.customer_name if rng.random() < 0.5 else "", mangle(rng, c.local_number))
        elif kind == "ref_plugipay":
            if not c.number:
                kind, text = "ref", bank_text(rng, c.customer_name, c.local_number)
            else:
                text = bank_text(rng, c.customer_name, rng.choice([c.number, c.number.replace("-", " "),
                                                                   c.number.lower().replace("-", "")]))
        elif kind == "ref_truncated":
            text = f"TRF {c.customer_name.upper()} {c.local_number}"
            text = text[:len(text) - rng.randrange(1, 4)]
        elif kind == "memo":
            po = [t for t in c.memo.split() if t.startswith("PO")]
            text = bank_text(rng, c.customer_name, po[0] if po else c.local_number)
        elif kind == "name_amount":
            text = f"TRF DARI {c.customer_name.upper()}"
        elif kind in ("group_refs", "group_name"):
            others = [o for o in by_customer[c.customer_id] if o.id not in used and o.id != c.id]
            if not others:
                kind, text = "ref", bank_text(rng, c.customer_name, c.local_number)
            else:
                extra = others[:rng.randrange(1, min(2, len(others)) + 1)]
                used.update(o.id for o in extra)
                group = [c, *extra]
                ids = tuple(sorted(o.id for o in group))
                amount = sum(o.amount_due for o in group)
                when = max(o.issued_on for o in group) + timedelta(days=rng.randrange(0, 10))
                refs = " ".join(o.local_number for o in group)
                text = bank_text(rng, c.customer_name, refs if kind == "group_refs" else "")
        elif kind == "equal_amount":
            twins = [o for o in by_amount[c.amount_due] if o.customer_id != c.customer_id]
            text = bank_text(rng, c.customer_name, mangle(rng, c.local_number))
            kind = "equal_amount" if twins else "ref_mangled"
        elif kind == "short":
            amount = c.amount_due - rng.choice((1000, 5000, c.amount_due // 2))
            text = bank_text(rng, c.customer_name, c.local_number)
        elif kind == "over":
            amount = c.amount_due + rng.choice((1000, 2500, 10_000))
            text = bank_text(rng, c.customer_name, c.local_number)
        elif kind == "nothing":
            used.discard(c.id)
            amount = rng.randrange(1, 10**6) * 7 + 3
            text = f"SETORAN TUNAI {rng.choice(FIRST).upper()} XYZ{rng.randrange(100)}"
            ids = ()
        elif kind == "amount_only":
            text = f"SETORAN TUNAI {rng.randrange(10**6)}"
        credits.append(Credit(cid, when, amount, "IDR", text))
        truth[cid], kinds[cid] = ids, kind
    return credits, truth, kinds


def quality(credits_n=1500, invoices_n=6000, seed=7, verbose=True):
    rng = random.Random(seed)
    invoices = make_invoices(rng, invoices_n, max(50, invoices_n // 4), date(2026, 9, 1))
    credits, truth, kinds = make_credits(rng, invoices, credits_n)
    m = Matcher(invoices)
    first = Counter()
    high_wrong = []
    per_kind = Counter(kinds.values())
    auto_ok = Counter()
    for cr in credits:
        r = m.suggest(cr)
        best = r.best
        want = truth[cr.id]
        if best and best.invoice_ids == want:
            first[kinds[cr.id]] += 1
        if want == () and best is None:
            first[kinds[cr.id]] += 1
        if best and best.confidence >= HIGH and best.invoice_ids != want:
            high_wrong.append((cr, best, want))
        if best and best.confidence >= HIGH and best.exact and best.invoice_ids == want:
            auto_ok[kinds[cr.id]] += 1
    expected_findable = sum(n for k, n in per_kind.items() if k != "amount_only")
    found = sum(first[k] for k in per_kind if k != "amount_only")
    result = {"credits": len(credits), "invoices": len(invoices),
              "right_first_pct": round(100 * sum(first.values()) / len(credits), 1),
              "right_first_pct_with_a_clue": round(100 * found / expected_findable, 1),
              "auto_confirmable_pct": round(100 * sum(auto_ok.values()) / len(credits), 1),
              "wrong_high_confidence": len(high_wrong),
              "per_case": {k: f"{first[k]}/{per_kind[k]} first, {auto_ok[k]} auto"
                           for k in CASES if per_kind[k]}}
    if verbose:
        print(f"credits {result['credits']}, open invoices {result['invoices']}")
        print(f"right invoice(s) first: {result['right_first_pct']}% of all credits "
              f"({result['right_first_pct_with_a_clue']}% of those with a reference or name)")
        print(f"auto-confirmable (>= {HIGH}%, exact, right): {result['auto_confirmable_pct']}%")
        print(f"wrong invoice offered with high confidence (>= {HIGH}%): "
              f"{result['wrong_high_confidence']}")
        for k, v in result["per_case"].items():
            print(f"  {k:<14} {v}")
        for cr, best, want in high_wrong[:10]:
            print("  WRONG:", cr, best, want)
    return result


def speed(lines=10_000, invoices_n=100_000, seed=11):
    rng = random.Random(seed)
    invoices = make_invoices(rng, invoices_n, invoices_n // 5, date(2026, 6, 1))
    credits, _, _ = make_credits(rng, invoices, lines)
    t0, c0 = time.perf_counter(), time.process_time()
    m = Matcher(invoices)
    t1 = time.perf_counter()
    for cr in credits:
        m.suggest(cr)
    t2, c2 = time.perf_counter(), time.process_time()
    print(f"{len(credits)} lines x {len(invoices)} open invoices: index {t1 - t0:.2f} s, "
          f"match {t2 - t1:.2f} s, total {t2 - t0:.2f} s wall "
          f"({c2 - c0:.2f} s of CPU; a busy machine makes the wall time longer)")
    return t2 - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--credits", type=int, default=1500)
    ap.add_argument("--invoices", type=int, default=6000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--speed", action="store_true")
    a = ap.parse_args(argv)
    if a.speed:
        speed()
        return 0
    r = quality(a.credits, a.invoices, a.seed)
    return 1 if r["wrong_high_confidence"] else 0


if __name__ == "__main__":
    sys.exit(main())
