"""For translators: which msgids resources/i18n/<lang>.json lacks, and which it no longer needs.

    python scripts/i18n_extract.py            # report for Indonesian (id)
    python scripts/i18n_extract.py --write    # also add missing msgids with "" to fill in
    python scripts/i18n_extract.py --check    # exit 1 when something is missing (CI)

Msgids are read from the source (every literal in `_()`, `N_()`, `translate_in()`
under app/ and ui/), never from running the app.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.i18n_scan import placeholders, scan  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", default="id")
    ap.add_argument("--write", action="store_true", help="add missing msgids with empty text")
    ap.add_argument("--check", action="store_true", help="exit 1 when anything is missing")
    args = ap.parse_args(argv)
    path = ROOT / "resources" / "i18n" / f"{args.lang}.json"
    catalog: dict[str, str] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    msgs, findings = scan()
    where: dict[str, list[str]] = {}
    for m in msgs:
        where.setdefault(m.msgid, []).append(f"{m.path}:{m.line}")
    missing = sorted(k for k in where if not catalog.get(k, "").strip())
    unused = sorted(k for k in catalog if k not in where)
    mismatched = sorted(k for k in where if catalog.get(k)
                        and placeholders(k) != placeholders(catalog[k]))
    print(f"msgids: {len(where)}  translated: {len(where) - len(missing)}  "
          f"missing: {len(missing)}  unused: {len(unused)}  wrong fields: {len(mismatched)}")
    for k in missing:
        print(f"MISSING  {k!r}  ({where[k][0]})")
    for k in mismatched:
        print(f"FIELDS   {k!r} -> {catalog[k]!r}")
    for k in unused:
        print(f"UNUSED   {k!r}")
    for f in findings:
        print(f"BARE     {f}")
    if args.write and missing:
        catalog.update({k: "" for k in missing})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(dict(sorted(catalog.items())), ensure_ascii=False, indent=1)
                        + "\n", encoding="utf-8")
        print(f"wrote {len(missing)} empty entries to {path.relative_to(ROOT)}")
    return 1 if args.check and (missing or mismatched) else 0


if __name__ == "__main__":
    sys.exit(main())
