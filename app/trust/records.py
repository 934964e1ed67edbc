"""Checking the records against the history (issue 17): every invoice (with its
lines, payments, tenders and receipts), customer, item, staff account and till
is digested as it stands in the file and compared with the digest its latest
history entry committed to. A record changed, added or deleted outside the app
shows, and is named. How the digest is made: app/store/record_digest.py."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from app.i18n import N_, _, gettext
from app.store.models import HistoryEntry
from app.store.record_digest import FIELDS, STRICT, current_digests

# How each record type is named in findings.
NOUNS = {"invoice": N_("Invoice"), "customer": N_("Customer"), "item": N_("Item"),
         "staff": N_("Staff account"), "till": N_("Till")}
TABLES = {"invoice": "invoices", "customer": "customers", "item": "items", "staff": "staff",
          "till": "tills"}


@dataclass(frozen=True)
class RecordFinding:
    kind: str  # changed | unrecorded | deleted
    entity_type: str
    entity_id: int
    seq: int | None  # the latest history entry of the record, if any
    history_id: int | None
    message: str


@dataclass
class RecordsReport:
    findings: list[RecordFinding] = field(default_factory=list)
    counts: dict = field(default_factory=dict)  # type -> {"records", "withHistory", "checked"}
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"counts": self.counts, "notes": self.notes}


def _latest_entries(conn, entity_type: str) -> dict[int, tuple]:
    """entity id -> (seq, history id, digest) of its latest entry carrying a digest
    (or of its latest entry, digest None). Small tuples: a big till has millions."""
    t = HistoryEntry.__table__
    q = (select(t.c.entity_id, t.c.chain_seq, t.c.id, t.c.state_digest)
         .where(t.c.entity_type == entity_type).order_by(t.c.entity_id, t.c.id))
    out: dict[int, tuple] = {}
    for eid, seq, hid, dig in conn.execute(q):
        prev = out.get(eid)
        if dig is None and prev is not None and prev[2] is not None:
            continue  # an entry without a digest keeps the one before it
        out[eid] = (seq, hid, dig)
    return out


def _action_of(conn, history_id: int) -> tuple[str, str]:
    """(action, operator) of an entry, for a finding."""
    t = HistoryEntry.__table__
    row = conn.execute(select(t.c.action, t.c.operator).where(t.c.id == history_id)).first()
    return (row[0], row[1]) if row else ("?", "?")


def _describe(entity_type: str, entity_id: int) -> str:
    return _("{noun} {id}", noun=gettext(NOUNS[entity_type]), id=entity_id)


def _has_predigest(conn) -> bool:
    """Does the history hold entries about records written before digests (an older
    version, or a bulk import)? Only then may a customer, item or till lack history."""
    t = HistoryEntry.__table__
    return conn.execute(select(t.c.id).where(t.c.state_digest.is_(None),
                                             t.c.entity_type.in_(list(FIELDS))).limit(1)
                        ).first() is not None


def check_records(conn) -> RecordsReport:
    report = RecordsReport()
    predigest = 0
    lenient_unrecorded: dict[str, int] = {}
    old_data = _has_predigest(conn)
    for etype in FIELDS:
        latest = _latest_entries(conn, etype)
        # Records older than the first one with a digest may lack history (see STRICT).
        with_digest = [eid for eid, e in latest.items() if e[2] is not None]
        epoch = min(with_digest) if with_digest else None
        seen: set[int] = set()
        records = checked = 0
        for rid, dig in current_digests(conn, etype):
            records += 1
            seen.add(rid)
            entry = latest.get(rid)
            what = _describe(etype, rid)
            if entry is None:
                if etype in STRICT or not old_data or (epoch is not None and rid > epoch):
                    report.findings.append(RecordFinding("unrecorded", etype, rid, None, None, _(
                        "{what} has no history entry at all: it was added outside Kasir, or "
                        "its history was deleted.", what=what)))
                else:
                    lenient_unrecorded[etype] = lenient_unrecorded.get(etype, 0) + 1
                continue
            seq, hid, stored = entry
            if stored is None:
                predigest += 1
                continue
            checked += 1
            if stored != dig:
                action, operator = _action_of(conn, hid)
                report.findings.append(RecordFinding("changed", etype, rid, seq, hid, _(
                    "{what} was changed outside Kasir: it no longer matches its last history "
                    "entry #{seq} ({action} by {operator}).", what=what, seq=seq, action=action,
                    operator=operator)))
        for rid in sorted(set(latest) - seen, key=lambda x: (not isinstance(x, int), str(x))):
            seq, hid, _dig = latest[rid]
            action, operator = _action_of(conn, hid)
            report.findings.append(RecordFinding("deleted", etype, rid, seq, hid, _(
                "{what} is gone: history entry #{seq} ({action} by {operator}) names it, but "
                "the {table} table no longer holds it. It was deleted outside Kasir.",
                what=_describe(etype, rid), seq=seq, action=action, operator=operator,
                table=TABLES[etype])))
        report.counts[etype] = {"records": records, "withHistory": len(latest),
                                "checked": checked}
    if predigest:
        report.notes.append(_(
            "{count} records were last changed before this version of Kasir recorded their "
            "content in the history: they are checked from their next change on.",
            count=predigest))
    for etype, n in lenient_unrecorded.items():
        report.notes.append(_("{count} records in the {table} table have no history entry "
                              "(made by an import or an older version): not checked.",
                              count=n, table=TABLES[etype]))
    return report
