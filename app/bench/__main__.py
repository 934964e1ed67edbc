"""`python -m app.bench` (or `kasir-bench`, `make bench`): Kasir's benchmark suite.

Builds (or reuses) a database of a million invoices, measures start-up, list
pages, scrolling, search, opening an invoice, a full sale, a slip, a PDF, a
sync push, reconciliation and memory, each as a median beside a baseline
measured in the same run; prints a table and writes JSON."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
import traceback
from pathlib import Path

from app.services.context import Context, open_store

from . import cases_db, cases_process, cases_till
from .dataset import build_database
from .reconcile_bench import import_rows, reconcile_row
from .report import Row, format_table, missing, write_json
from .sync_bench import latency_rows, rate_limit_rows, sync_row

DEFAULT_OUT = Path("bench-results") / "bench.json"
ALL = ("build", "startup", "list", "search", "open", "sale", "refund", "till", "slip", "pdf",
       "sync", "sync-link", "sync-rate", "reconcile")


def parse(argv):
    p = argparse.ArgumentParser(prog="kasir-bench", description=__doc__.split("\n\n")[1])
    p.add_argument("--invoices", type=int, default=None,
                   help="invoices in the database (default 1,000,000; --quick: 100,000)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the JSON file to write")
    p.add_argument("--quick", action="store_true",
                   help="a smaller, faster run (100k invoices, 1,000 sync operations, "
                        "fewer repeats): for checking the suite, not for the figures")
    p.add_argument("--only", default="", help="comma-separated subset of: " + ", ".join(ALL))
    p.add_argument("--sync-ops", type=int, default=None, help="operations to push (10,000)")
    p.add_argument("--link-ops", type=int, default=None,
                   help="operations to push over the 100 ms link (2,000; --quick: 300)")
    p.add_argument("--rate-ops", type=int, default=None,
                   help="operations to push against --rate-limit 20 (600; --quick: 200)")
    p.add_argument("--rebuild", action="store_true", help="rebuild the cached database")
    p.add_argument("--repeat", type=int, default=None, help="runs per median (default 21)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    n = args.invoices or (100_000 if args.quick else 1_000_000)
    repeat = args.repeat or (7 if args.quick else 21)
    sync_ops = args.sync_ops or (1_000 if args.quick else 10_000)
    only = {s.strip() for s in args.only.split(",") if s.strip()} or set(ALL)
    unknown = only - set(ALL)
    if unknown:
        print(f"kasir-bench: unknown benchmark(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    results = args.out.resolve().parent  # absolute: the sandbox runs in its own folder
    results.mkdir(parents=True, exist_ok=True)

    rows: list[Row] = []
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    say(f"kasir-bench: database of {n:,} invoices ...")
    info = build_database(n, results, force=args.rebuild)
    if "build" in only:
        if info.cached:
            rows.append(missing(f"build {n:,}-invoice database", "s",
                                "reused the cached file (--rebuild to time it)"))
        else:
            rows.append(Row(f"build {n:,}-invoice database", round(info.seconds, 1), "s",
                            target=60.0, note=", ".join(f"{v:,} {k}" for k, v in
                                                        info.rows.items())))
    work = results / "bench-work.db"
    for p in (work, Path(f"{work}-wal"), Path(f"{work}-shm")):
        p.unlink(missing_ok=True)
    shutil.copyfile(info.path, work)  # measurements write; the cached file stays as built

    def run(name: str, fn):
        if name not in only:
            return
        say(f"kasir-bench: {name} ...")
        started = time.perf_counter()
        try:
            got = fn()
        except Exception as err:  # a broken piece is reported, the rest still runs
            traceback.print_exc()
            got = [missing(name, "-", f"failed: {type(err).__name__}: {err}"[:200])]
        rows.extend(got if isinstance(got, list) else [got])
        say(f"kasir-bench: {name} done in {time.perf_counter() - started:.1f} s")

    run("startup", lambda: cases_process.startup_rows(work, max(3, repeat // 4)))

    store = open_store(work)
    ctx = Context(store, operator="bench", till="T1")
    try:
        run("list", lambda: cases_db.list_rows(ctx, work, repeat))
        run("search", lambda: cases_db.search_rows(ctx, work, max(5, repeat // 2)))
        run("open", lambda: cases_db.open_row(ctx, work, repeat))
        run("sale", lambda: cases_db.sale_rows(ctx, work, repeat))
        run("refund", lambda: cases_db.refund_row(ctx, work, repeat))
        run("till", lambda: cases_till.till_rows(ctx, work, repeat))
        run("slip", lambda: cases_db.slip_row(ctx, work, repeat))
        run("pdf", lambda: cases_db.pdf_row(ctx, work, repeat))
    finally:
        store.dispose()

    run("sync", lambda: sync_row(sync_ops, results / "sync-work"))
    link_ops = args.link_ops or (300 if args.quick else 2_000)
    rate_ops = args.rate_ops or (200 if args.quick else 600)
    run("sync-link", lambda: latency_rows(link_ops, results / "sync-work"))
    run("sync-rate", lambda: rate_limit_rows(rate_ops, results / "sync-work"))
    run("reconcile", lambda: reconcile_row(10_000 if args.quick else 100_000,
                                           1_000 if args.quick else 10_000, results))
    run("reconcile", lambda: import_rows(30_000 if args.quick else 300_000, results))
    for p in (work, Path(f"{work}-wal"), Path(f"{work}-shm")):
        p.unlink(missing_ok=True)
    shutil.rmtree(results / "sync-work", ignore_errors=True)

    print(format_table(rows))
    write_json(rows, args.out, {"invoices": n, "repeat": repeat, "quick": args.quick,
                                "sync_operations": sync_ops, "link_operations": link_ops,
                                "rate_operations": rate_ops})
    print(f"\nwritten: {args.out}")
    missed = [r.name for r in rows if r.ok is False]
    if missed:
        print(f"targets missed: {len(missed)} ({', '.join(missed)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
