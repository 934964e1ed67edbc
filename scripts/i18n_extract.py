"""For translators: extract msgids into the gettext template, update the .po, compile the .mo.

    python scripts/i18n_extract.py            # report for Indonesian (id)
    python scripts/i18n_extract.py --write    # rewrite app/locale/kasir.pot, merge it into
                                              # the .po (keeping every translation), compile .mo
    python scripts/i18n_extract.py --check    # exit 1 when something is missing or stale (CI)
    python scripts/i18n_extract.py --import-json old.json --write
                                              # take translations from a former
                                              # resources/i18n/id.json (msgid -> text)

Msgids are read from the source (every literal in `_()`, `N_()`, `translate_in()`,
`_p()`/`NP_()` with their context, `_n()` with its plural, under app/ and ui/),
never from running the app. Babel writes and compiles the files; the app reads
the .mo with the stdlib `gettext` module.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.i18n import DOMAIN, LOCALE_DIR  # noqa: E402
from app.i18n_scan import placeholders, scan  # noqa: E402

POT = LOCALE_DIR / f"{DOMAIN}.pot"
WIDTH = 100  # fewer wrapped lines, fewer merge conflicts


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def template(msgs) -> Catalog:
    """The .pot: every msgid the source uses, with its context and plural."""
    pot = Catalog(domain=DOMAIN, project="Kasir", fuzzy=False)
    for m in msgs:
        pot.add((m.msgid, m.plural) if m.plural else m.msgid, context=m.context)
    return pot


def load_po(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.is_file():
        return Catalog(locale=lang, domain=DOMAIN, project="Kasir", fuzzy=False)
    with path.open("rb") as fp:
        return read_po(fp, locale=lang, domain=DOMAIN)


def po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=WIDTH, no_location=True, sort_output=True,
             omit_header=False, include_previous=False)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def translated(message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return bool(strings) and all((s or "").strip() for s in strings) and not message.fuzzy


def wrong_fields(message) -> bool:
    """A translation whose {fields} differ from its msgid's (every plural form checked)."""
    ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    wanted = set().union(*(placeholders(i) for i in ids))
    return any(s and placeholders(s) - wanted for s in strings) or \
        any(s and placeholders(ids[0]) - placeholders(s) - {"n"} for s in strings)


def import_json(po: Catalog, path: Path) -> int:
    """Translations kept in the old JSON form (msgid -> text, no context): each one
    the .po lacks (or has empty) is taken; a translation already there wins."""
    added = 0
    for msgid, text in json.loads(path.read_text(encoding="utf-8")).items():
        found = po.get(msgid)
        if text and (found is None or not translated(found)):
            po.add(msgid, text)
            added += 1
    return added


def _key(message) -> tuple[str | None, str]:
    return message.context, message.id[0] if isinstance(message.id, (list, tuple)) else message.id


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", default="id")
    ap.add_argument("--write", action="store_true",
                    help="rewrite the .pot, merge it into the .po and compile the .mo")
    ap.add_argument("--check", action="store_true", help="exit 1 when anything is missing")
    ap.add_argument("--import-json", metavar="FILE",
                    help="fill untranslated msgids from a JSON catalogue (msgid -> text)")
    args = ap.parse_args(argv)
    msgs, findings = scan()
    pot = template(msgs)
    po = load_po(args.lang)
    if args.import_json:
        print(f"imported {import_json(po, Path(args.import_json))} translations from "
              f"{args.import_json}")
    where: dict[tuple[str | None, str], str] = {}
    for m in msgs:
        where.setdefault((m.context, m.msgid), f"{m.path}:{m.line}")
    in_po = {_key(m): m for m in po if m.id}
    missing = sorted((k for k in where if k not in in_po or not translated(in_po[k])),
                     key=lambda k: (k[0] or "", k[1]))
    unused = sorted((k for k in in_po if k not in where), key=lambda k: (k[0] or "", k[1]))
    mismatched = sorted((k for k in where if k in in_po and translated(in_po[k])
                         and wrong_fields(in_po[k])), key=lambda k: (k[0] or "", k[1]))
    stale = mo_path(args.lang).is_file() is False or \
        mo_path(args.lang).read_bytes() != mo_bytes(po)
    print(f"msgids: {len(where)}  translated: {len(where) - len(missing)}  "
          f"missing: {len(missing)}  unused: {len(unused)}  wrong fields: {len(mismatched)}  "
          f"mo: {'stale' if stale else 'current'}")
    for k in missing:
        print(f"MISSING  {k[1]!r}" + (f" (context {k[0]!r})" if k[0] else "") + f"  ({where[k]})")
    for k in mismatched:
        print(f"FIELDS   {k[1]!r} -> {in_po[k].string!r}")
    for k in unused:
        print(f"UNUSED   {k[1]!r}" + (f" (context {k[0]!r})" if k[0] else ""))
    for f in findings:
        print(f"BARE     {f}")
    if args.write:
        po.update(pot, no_fuzzy_matching=True, update_header_comment=False)
        po.obsolete.clear()  # git keeps the history of a dropped translation
        POT.parent.mkdir(parents=True, exist_ok=True)
        POT.write_bytes(po_bytes(pot))
        po_path(args.lang).parent.mkdir(parents=True, exist_ok=True)
        po_path(args.lang).write_bytes(po_bytes(po))
        mo_path(args.lang).write_bytes(mo_bytes(load_po(args.lang)))
        print(f"wrote {POT.relative_to(ROOT)}, {po_path(args.lang).relative_to(ROOT)} "
              f"({len(missing)} to translate) and its .mo")
        stale = False
    return 1 if args.check and (missing or mismatched or stale) else 0


if __name__ == "__main__":
    sys.exit(main())
