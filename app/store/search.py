"""Free-text search over invoices: an FTS5 trigram index on SQLite.

`lower(col) LIKE '%text%'` cannot use an index, so a rare term scanned every
invoice (1.5 s at a million). The trigram index answers the same substring
question (case-insensitive, three characters or more) from an index, newest
first. It holds, per invoice, its local and Plugipay numbers, memo and the
customer's name, kept current by triggers, so no service has to remember it.
PostgreSQL keeps the LIKE scan (pg_trgm needs an extension a shop's server
may not allow); see docs/POSTGRES.md.

A later SQLite migration that rebuilds `invoices` or `customers` (Alembic's batch
mode copies a table to change it) drops these triggers with the old table: it
must call `create` again.
"""

from __future__ import annotations

TABLE = "invoice_search"
# FTS5 keeps these beside the virtual table; the models-match-migrations check skips them.
SHADOW_TABLES = {TABLE} | {f"{TABLE}_{s}" for s in ("data", "idx", "content", "docsize", "config")}
MIN_CHARS = 3  # a trigram index cannot answer a shorter substring

_BODY = ("coalesce({p}.local_number, '') || ' ' || coalesce({p}.number, '') || ' ' || "
         "{p}.memo || ' ' || (SELECT name FROM customers WHERE id = {p}.customer_id)")

CREATE_TABLE = (f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
                "body, tokenize='trigram case_sensitive 0')")

TRIGGERS = {
    "invoice_search_ai": f"""CREATE TRIGGER IF NOT EXISTS invoice_search_ai AFTER INSERT ON invoices
BEGIN
  INSERT INTO {TABLE}(rowid, body) VALUES (new.id, {_BODY.format(p='new')});
END""",
    "invoice_search_au": f"""CREATE TRIGGER IF NOT EXISTS invoice_search_au
AFTER UPDATE OF local_number, number, memo, customer_id ON invoices
BEGIN
  UPDATE {TABLE} SET body = {_BODY.format(p='new')} WHERE rowid = new.id;
END""",
    "customer_search_au": f"""CREATE TRIGGER IF NOT EXISTS customer_search_au
AFTER UPDATE OF name ON customers
BEGIN
  UPDATE {TABLE} SET body = (SELECT {_BODY.format(p='i')} FROM invoices i WHERE i.id = {TABLE}.rowid)
  WHERE rowid IN (SELECT id FROM invoices WHERE customer_id = new.id);
END""",
}

FILL = (f"INSERT INTO {TABLE}(rowid, body) SELECT i.id, {_BODY.format(p='i')} FROM invoices i")


def create(execute) -> None:
    """Create the index, fill it from the invoices there are, add the triggers."""
    execute(CREATE_TABLE)
    execute(f"DELETE FROM {TABLE}")
    execute(FILL)
    for ddl in TRIGGERS.values():
        execute(ddl)


def drop_triggers(execute) -> None:
    """For bulk loads (the benchmark's million invoices): fill once afterwards with `create`."""
    for name in TRIGGERS:
        execute(f"DROP TRIGGER IF EXISTS {name}")


def drop(execute) -> None:
    drop_triggers(execute)
    execute(f"DROP TABLE IF EXISTS {TABLE}")


def phrase(text: str) -> str:
    """The FTS5 query for a literal substring: one quoted phrase."""
    return '"' + text.replace('"', '""') + '"'
