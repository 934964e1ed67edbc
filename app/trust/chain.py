"""Checking the history hash chain: every entry carries a hash over its own
content and the previous entry's hash, so an entry altered, removed or inserted
outside the app shows. How entries are linked when written is in
app/store/history_chain.py; this module only reads and verifies."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Text, inspect, select, type_coerce

from app.i18n import _
from app.store.history_chain import CONTENT, GENESIS, RAW_TEXT, entry_hash, read_head, read_rows
from app.store.models import HistoryEntry

from .records import RecordsReport, check_records

# ---------------------------------------------------------------- verification

@dataclass(frozen=True)
class ChainProblem:
    kind: str  # altered | removed | inserted | broken | head; records: changed | unrecorded | deleted
    seq: int | None  # the entry's place in the chain
    history_id: int | None  # the row id in the history table
    message: str

    def to_json(self) -> dict:
        return {"kind": self.kind, "seq": self.seq, "historyId": self.history_id,
                "message": self.message}


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problems: tuple[ChainProblem, ...] = field(default=())
    records: RecordsReport | None = None  # None: a file older than record digests

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first(self) -> ChainProblem | None:
        return self.problems[0] if self.problems else None

    def summary(self) -> str:
        if self.ok:
            text = _("History chain intact: {count} entries checked.", count=self.checked)
            if self.records is not None:
                text += " " + _("Records match their history: {count} checked.", count=sum(
                    c["checked"] for c in self.records.counts.values()))
                for note in self.records.notes:
                    text += "\n" + note
            return text
        more = len(self.problems) - 1
        if self.first.kind in RECORD_KINDS:
            text = _("Records changed outside Kasir: {problem}", problem=self.first.message)
        else:
            text = _("History chain BROKEN: {problem}", problem=self.first.message)
        if more == 1:
            text += " " + _("(1 further problem after it.)")
        elif more:
            text += " " + _("({count} further problems after it.)", count=more)
        return text

    def to_json(self) -> dict:
        out = {"ok": self.ok, "checked": self.checked,
               "problems": [p.to_json() for p in self.problems]}
        if self.records is not None:
            out["records"] = self.records.to_json()
        return out


RECORD_KINDS = ("changed", "unrecorded", "deleted")


def _who(row) -> dict:
    """The fields that name an entry in a finding: seq, id, action, operator."""
    return {"seq": row["chain_seq"], "id": row["id"], "action": row["action"],
            "operator": row["operator"]}


def check_rows(rows: list[dict], head: tuple[int, str] | None) -> ChainReport:
    problems: list[ChainProblem] = []
    chained, loose = [], []
    for r in rows:
        ok_seq = isinstance(r["chain_seq"], int) and r["entry_hash"] is not None
        (chained if ok_seq else loose).append(r)
    for r in loose:
        problems.append(ChainProblem(
            "inserted", None, r["id"],
            _("History id {id} ({action} by {operator}) is not in the chain: it was inserted "
              "outside the app.", id=r["id"], action=r["action"], operator=r["operator"])))
    chained.sort(key=lambda r: r["chain_seq"])
    bad = {r["id"] for r in chained if entry_hash(r["prev_hash"] or "", r) != r["entry_hash"]}
    moved: set[int] = set()  # altered entries already named at the place they left
    expect_seq, expect_prev = 1, GENESIS
    for r in chained:
        seq = r["chain_seq"]
        if r["id"] in moved:
            pass
        elif r["id"] in bad:
            problems.append(ChainProblem("altered", seq, r["id"], _(
                "Entry #{seq} (history id {id}, {action} by {operator}) was altered: its content "
                "no longer matches its hash.", **_who(r))))
        elif seq > expect_seq and (m := next((x for x in chained if x["id"] in bad and x is not r
                                              and x["prev_hash"] == expect_prev), None)):
            # The entry that belongs here is still present, its position changed.
            moved.add(m["id"])
            problems.append(ChainProblem("altered", expect_seq, m["id"], _(
                "Entry #{seq} (history id {id}) was altered: it now claims to be #{claimed}.",
                seq=expect_seq, id=m["id"], claimed=m["chain_seq"])))
        elif seq > expect_seq:
            gap = f"#{expect_seq}" if seq == expect_seq + 1 else \
                _("#{first} to #{last}", first=expect_seq, last=seq - 1)
            problems.append(ChainProblem("removed", expect_seq, r["id"], _(
                "Entry {gap} was removed: the chain jumps from #{previous} to entry #{seq} "
                "(history id {id}, {action} by {operator}).", gap=gap, previous=expect_seq - 1,
                **_who(r))))
        elif r["prev_hash"] != expect_prev:
            problems.append(ChainProblem("broken", seq, r["id"], _(
                "Entry #{seq} (history id {id}, {action} by {operator}) does not follow entry "
                "#{previous}: one of the two was inserted or replaced.", previous=seq - 1,
                **_who(r))))
        expect_seq, expect_prev = seq + 1, r["entry_hash"]
    last_seq = expect_seq - 1
    if head is None:
        if chained:
            problems.append(ChainProblem("head", None, None,
                                         _("The chain's end marker is missing: it was deleted.")))
    elif head[0] > last_seq:
        gap = f"#{head[0]}" if head[0] == last_seq + 1 else \
            _("#{first} to #{last}", first=last_seq + 1, last=head[0])
        problems.append(ChainProblem("removed", last_seq + 1, None,
                                     _("Entry {gap} was removed from the end of the history.",
                                       gap=gap)))
    elif head[0] < last_seq:
        extra = next(r for r in chained if r["chain_seq"] > head[0])
        problems.append(ChainProblem("inserted", extra["chain_seq"], extra["id"], _(
            "Entry #{seq} (history id {id}, {action} by {operator}) was inserted after the "
            "chain's recorded end (#{end}).", end=head[0], **_who(extra))))
    elif chained and head[1] != chained[-1]["entry_hash"]:
        r = chained[-1]
        problems.append(ChainProblem("altered", r["chain_seq"], r["id"], _(
            "Entry #{seq} (history id {id}, {action} by {operator}) was replaced: the chain's "
            "end marker does not match it.", **_who(r))))
    problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    return ChainReport(len(rows), tuple(problems))


def _stream_ok(conn, head, should_stop=None, digests: bool = True) -> int | None:
    """One pass in id order holding a single row at a time: the entry count when
    the chain is intact, None when anything looks off (then the full analysis,
    which needs every row in memory, names what). A million-invoice till has
    millions of entries: the common case must not hold them all."""
    t = HistoryEntry.__table__
    cols = [type_coerce(t.c[n], Text).label(n) if n in RAW_TEXT else t.c[n]
            for n in CONTENT + (("state_digest",) if digests else ()) + ("prev_hash", "entry_hash")]
    expect_seq, expect_prev, count = 1, GENESIS, 0
    result = conn.execution_options(yield_per=5000).execute(select(*cols).order_by(t.c.id))
    for row in result:
        count += 1
        if should_stop is not None and count % 5000 == 0 and should_stop():
            raise ChainCheckCancelled()
        r = row._mapping
        if (r["chain_seq"] != expect_seq or r["prev_hash"] != expect_prev
                or entry_hash(expect_prev, r) != r["entry_hash"]):
            result.close()
            return None
        expect_seq, expect_prev = expect_seq + 1, r["entry_hash"]
    if count == 0:
        return 0 if head is None or head[0] == 0 else None
    if head is None or head != (expect_seq - 1, expect_prev):
        return None
    return count


class ChainCheckCancelled(Exception):
    """The app is closing: the check stops and is done again next time."""


def verify_connection(conn, should_stop=None) -> ChainReport:
    """The chain, then (on a file with record digests) every record against it."""
    head = read_head(conn)
    digests = "state_digest" in {c["name"] for c in inspect(conn).get_columns("history")}
    count = _stream_ok(conn, head, should_stop, digests)
    chain = (ChainReport(count, ()) if count is not None
             else check_rows(read_rows(conn, digests), head))
    if not digests:
        return chain
    try:
        records = check_records(conn)
    except Exception as exc:  # a value no reader expects: a finding, never a crash
        return ChainReport(chain.checked, chain.problems + (ChainProblem(
            "changed", None, None, _("The records could not be read as Kasir wrote them: "
                                     "{error}.", error=exc)),), RecordsReport())
    found = tuple(ChainProblem(f.kind, f.seq, f.history_id, f.message) for f in records.findings)
    return ChainReport(chain.checked, chain.problems + found, records)


def verify(store, should_stop=None) -> ChainReport:
    """Check the whole chain of a Store in one read transaction. `should_stop` is
    asked now and then; when it says yes, ChainCheckCancelled is raised."""
    with store.reader() as uow:
        return verify_connection(uow.session.connection(), should_stop)
