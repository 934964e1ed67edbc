"""Running `kasir` in a real subprocess on a real SQLite file, and a digest of
every table, for the tests of the till's commands (tenders, tax, refunds)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys

KASIR = [sys.executable, "-m", "app.cli"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def table_digest(db) -> dict[str, str]:
    """Every row of every table, hashed per table: equal digests, nothing changed."""
    conn = sqlite3.connect(db)
    try:
        out = {}
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                    "ORDER BY name"):
            rows = sorted(repr(r) for r in conn.execute(f'SELECT * FROM "{name}"'))
            out[name] = hashlib.sha256(repr(rows).encode()).hexdigest()
        return out
    finally:
        conn.close()


def make_kasir(db, operator: str = "kasir-test"):
    """`run(*args, expect=None, code=None)`: JSON out; `expect` an error code."""

    def run(*args, expect=None, code=None, raw=False):
        env = dict(os.environ, PYTHONPATH=ROOT, KASIR_LANG="en")
        env.pop("KASIR_DB", None)
        env.pop("KASIR_PIN", None)
        p = subprocess.run([*KASIR, "--db", str(db), "--operator", operator, "--json", *args],
                           capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
                           stdin=subprocess.DEVNULL)
        if raw:
            return p
        out = json.loads(p.stdout) if p.stdout.strip() else None
        if expect is None:
            assert p.returncode == 0, (p.stdout, p.stderr)
            return out
        assert set(out) == {"error"} and out["error"]["code"] == expect, (out, p.stderr)
        assert p.returncode == code, (p.returncode, out)
        return out["error"]

    run.db = db
    return run


def refused_unchanged(kasir, *args, expect: str, code: int, ignore=()) -> dict:
    """Run a command that must be refused; assert every table is as it was
    (but those of `ignore`: a wrong PIN is counted against the account)."""
    before = {t: h for t, h in table_digest(kasir.db).items() if t not in ignore}
    err = kasir(*args, expect=expect, code=code)
    after = {t: h for t, h in table_digest(kasir.db).items() if t not in ignore}
    assert after == before, [t for t in before if before[t] != after.get(t)]
    return err
