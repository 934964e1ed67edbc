"""Checking the history against anchors kept outside the database (issue 17).

The chain head (`seq:hash`) travels with every change sent to Plugipay (the
invoice's or customer's `metadata.kasirChain`), sits in each backup and its
manifest, and is printed on slips and Z reports. Someone who cuts the chain
back, or rebuilds it from an older point, cannot change those copies: the live
chain must still hold, at each anchor's place, the entry with that hash."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from app.domain.errors import ValidationError
from app.i18n import _
from app.store.backup import backup_head, manifest_path
from app.store.history_chain import read_head
from app.store.models import HistoryEntry, Invoice, Till

_ANCHOR = re.compile(r"^(\d{1,18}):([0-9a-f]{64})$")


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    source: str  # where it was found, for people: "Plugipay invoice INV-2026-001", a file...


@dataclass(frozen=True)
class AnchorReport:
    checked: int
    head: tuple[int, str] | None
    problems: tuple[str, ...] = field(default=())
    newest: Anchor | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if not self.checked:
            return _("No anchor of the history was found there: nothing to compare.")
        if self.ok:
            return _("The history holds all {count} anchors kept outside the database (the "
                     "newest is entry #{seq}).", count=self.checked, seq=self.newest.seq)
        text = _("The history was cut back or rebuilt: {problem}", problem=self.problems[0])
        if len(self.problems) > 1:
            text += " " + _("({count} further anchors disagree.)", count=len(self.problems) - 1)
        return text

    def to_json(self) -> dict:
        return {"ok": self.ok, "checked": self.checked,
                "head": f"{self.head[0]}:{self.head[1]}" if self.head else None,
                "newest": ({"seq": self.newest.seq, "hash": self.newest.hash,
                            "source": self.newest.source} if self.newest else None),
                "problems": list(self.problems)}


def parse_anchor(text, source: str) -> Anchor | None:
    m = _ANCHOR.match(str(text or "").strip())
    return Anchor(int(m[1]), m[2], source) if m else None


def check_anchors(conn, anchors: list[Anchor]) -> AnchorReport:
    """Does the live chain hold every anchor? Names those it does not."""
    head = read_head(conn)
    last = head[0] if head else 0
    t = HistoryEntry.__table__
    wanted = sorted({a.seq for a in anchors})
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        part = wanted[start:start + 500]
        for seq, h in conn.execute(select(t.c.chain_seq, t.c.entry_hash)
                                   .where(t.c.chain_seq.in_(part))):
            found[seq] = h
    problems = []
    for a in sorted(anchors, key=lambda a: -a.seq):
        if a.seq == 0:
            continue
        if a.seq not in found:
            if a.seq > last:
                problems.append(_(
                    "{source} was sent when the history had reached entry #{seq}, but it now "
                    "ends at #{last}: entries were removed from its end (or an older backup "
                    "was restored).", source=a.source, seq=a.seq, last=last))
            else:
                problems.append(_("{source} names entry #{seq}, which the history no longer "
                                  "holds.", source=a.source, seq=a.seq))
        elif found[a.seq] != a.hash:
            problems.append(_(
                "{source} names entry #{seq} with another hash than the history holds now: "
                "the history was rebuilt from before that point.", source=a.source, seq=a.seq))
    newest = max(anchors, key=lambda a: a.seq) if anchors else None
    return AnchorReport(len(anchors), head, tuple(problems), newest)


# ------------------------------------------------------------------ sources

def local_tills(conn) -> set[str]:
    """The till codes this database knows (its tills table and its invoices)."""
    codes = set(conn.execute(select(Till.__table__.c.code)).scalars())
    return codes | set(conn.execute(select(Invoice.__table__.c.till_code).distinct()).scalars())


def plugipay_anchors(gateway, tills=None, limit: int = 100) -> list[Anchor]:
    """Every `kasirChain` in the metadata of the invoices Plugipay holds, read back
    through the SDK (`gateway`: app.sync.gateway.Gateway, or anything with its
    `list_invoices(cursor, limit)`). `tills`: only invoices numbered by these tills
    (`T1-000123`): another database's tills on the same Plugipay account keep
    their own chain."""
    out: list[Anchor] = []
    cursor = None
    while True:
        docs, cursor, more = gateway.list_invoices(cursor, limit)
        for d in docs:
            meta = d.get("metadata") or {}
            till = str(meta.get("kasirLocalNumber") or "").rsplit("-", 1)[0]
            if tills is not None and till not in tills:
                continue
            name = d.get("number") or meta.get("kasirLocalNumber") or d.get("id")
            a = parse_anchor(meta.get("kasirChain"), _("Plugipay invoice {number}", number=name))
            if a is not None:
                out.append(a)
        if not more or not cursor:
            return out


def backup_anchors(path) -> list[Anchor]:
    """The head a backup file holds, or a backup manifest names (a manifest stays
    when its backup is rotated away)."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise ValidationError(_("There is no backup or manifest at {path}.", path=path),
                              field="against")
    if path.name.endswith(".manifest.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValidationError(_("{path} is not a backup manifest: {error}.", path=path,
                                    error=exc), field="against") from None
        a = parse_anchor(data.get("chain") if isinstance(data, dict) else None,
                         _("The manifest {name}", name=path.name))
        return [a] if a else []
    head = backup_head(path)
    if head is None:
        raise ValidationError(_("{path} is not a Kasir backup with a history chain.", path=path),
                              field="against")
    out = [Anchor(head[0], head[1], _("The backup {name}", name=path.name))]
    man = manifest_path(path)
    if man.is_file():
        out += backup_anchors(man)
    return out
