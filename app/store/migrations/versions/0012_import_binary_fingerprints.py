"""Statement import at speed (issue 17): a statement line's fingerprint becomes 16
bytes instead of 64 hex characters: the line's day (3 bytes, big-endian
ordinal; zeros for a fingerprint of the bank's own id), then the first 13 bytes
of the same SHA-256. A statement's lines then go into one end of the unique
index, a quarter of the size. Existing fingerprints are converted in place
(their first 26 hex digits are those 13 bytes), so a file imported before is
still recognised.

Downgrading keeps the 16 bytes as 32 hex digits: lines imported before the
downgrade are then no longer recognised when their file is imported again.

Revision ID: 0012_import
Revises: 0011_tamper
Create Date: 2026-12-07 10:00:00
"""
from datetime import date

from alembic import op
import sqlalchemy as sa


revision = "0012_import"
down_revision = "0011_tamper"
branch_labels = None
depends_on = None

BATCH = 5000
LINES = sa.table("statement_lines", sa.column("id", sa.Integer()), sa.column("booked_on", sa.Date()),
                 sa.column("bank_ref", sa.String()), sa.column("fingerprint"))


def _text(value) -> str:
    return bytes(value).decode("ascii") if isinstance(value, (bytes, bytearray, memoryview)) else value


def _binary(old, booked_on: date, bank_ref: str) -> bytes:
    day = bytes(3) if bank_ref else booked_on.toordinal().to_bytes(3, "big")
    return day + bytes.fromhex(_text(old)[:26])


def _hex(new, booked_on: date, bank_ref: str) -> str:
    return bytes(new).hex()


def _convert(how) -> None:
    """Every line's fingerprint through `how`, BATCH lines at a time, in id order."""
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(sa.select(LINES.c.id, LINES.c.booked_on, LINES.c.bank_ref,
                                      LINES.c.fingerprint)
                            .where(LINES.c.id > last).order_by(LINES.c.id).limit(BATCH)).all()
        if not rows:
            return
        conn.execute(sa.update(LINES).where(LINES.c.id == sa.bindparam("line_id"))
                     .values(fingerprint=sa.bindparam("value")),
                     [{"line_id": i, "value": how(fp, day, ref)} for i, day, ref, fp in rows])
        last = rows[-1][0]


def upgrade() -> None:
    # The table is rebuilt on SQLite (its old column keeps a UNIQUE constraint); the
    # hex text is copied as is, then converted.
    with op.batch_alter_table("statement_lines") as batch:
        batch.alter_column("fingerprint", existing_type=sa.String(length=64),
                           type_=sa.LargeBinary(length=16), existing_nullable=False,
                           postgresql_using="convert_to(fingerprint, 'UTF8')")
    _convert(_binary)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if not postgres:  # SQLite keeps the hex text in the column until it is rebuilt
        _convert(_hex)
    with op.batch_alter_table("statement_lines") as batch:
        batch.alter_column("fingerprint", existing_type=sa.LargeBinary(length=16),
                           type_=sa.String(length=64), existing_nullable=False,
                           postgresql_using="encode(fingerprint, 'hex')")
