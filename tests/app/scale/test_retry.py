"""The retry decorator: what it retries, how often, and what the cashier sees."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app.domain.errors import ConflictError, ValidationError
from app.services import customers, invoices
from app.services.retry import backoff, is_retryable, retrying, stats
from tests.conftest import draft_input


def _sqlite_error(sql_setup, sql_fail, tmp_path, timeout=0.0):
    """A real driver error from sqlite3, wrapped as SQLAlchemy wraps it."""
    path = tmp_path / "e.db"
    a = sqlite3.connect(path, isolation_level=None)
    b = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    try:
        for q in sql_setup:
            a.execute(q)
        try:
            b.execute(sql_fail)
        except sqlite3.DatabaseError as err:
            cls = IntegrityError if isinstance(err, sqlite3.IntegrityError) else OperationalError
            return cls(sql_fail, (), err)
        raise AssertionError("expected an error")
    finally:
        a.close()
        b.close()


def test_sqlite_busy_is_retryable(tmp_path):
    err = _sqlite_error(["create table t(x)", "begin immediate"], "begin immediate", tmp_path)
    assert "locked" in str(err.orig)
    assert is_retryable(err)


def test_unique_race_on_a_lazily_made_row_is_retryable_but_not_on_data(tmp_path):
    racy = _sqlite_error(["create table number_series(till_code primary key)",
                          "insert into number_series values ('T1')"],
                         "insert into number_series values ('T1')", tmp_path)
    assert is_retryable(racy)
    (tmp_path / "e.db").unlink()
    real = _sqlite_error(["create table invoices(local_number unique)",
                          "insert into invoices values ('T1-000001')"],
                         "insert into invoices values ('T1-000001')", tmp_path)
    assert not is_retryable(real)


class _PgError(Exception):
    def __init__(self, sqlstate, constraint=None):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate
        self.diag = type("Diag", (), {"constraint_name": constraint})()


@pytest.mark.parametrize("state,constraint,expected", [
    ("40001", None, True), ("40P01", None, True), ("55P03", None, True),
    ("23505", "pk_history_chain_head", True), ("23505", "uq_invoices_local_number", False),
    ("23503", None, False), ("42P01", None, False),
])
def test_postgres_sqlstates(state, constraint, expected):
    assert is_retryable(OperationalError("x", (), _PgError(state, constraint))) is expected


def test_other_errors_are_not_retryable():
    assert is_retryable(StaleDataError("version changed"))
    assert not is_retryable(ValidationError("bad"))
    assert not is_retryable(ValueError("bad"))
    lost = OperationalError("x", (), _PgError("40001"), connection_invalidated=True)
    assert not is_retryable(lost)  # the commit may have happened: never twice


def test_retries_until_success_with_backoff():
    calls, waits = [], []

    @retrying(sleep=waits.append)
    def action(x):
        calls.append(x)
        if len(calls) < 3:
            raise StaleDataError("someone else changed it")
        return x * 2

    stats.reset()
    assert action(21) == 42
    assert calls == [21, 21, 21]
    assert len(waits) == 2 and all(0 <= w <= 0.25 for w in waits)
    assert stats.retries == 2 and stats.given_up == 0


def test_gives_up_with_a_plain_conflict():
    calls = []

    @retrying(attempts=4, sleep=lambda s: None)
    def action():
        calls.append(1)
        raise StaleDataError("always")

    with pytest.raises(ConflictError) as info:
        action()
    assert len(calls) == 4
    assert "try again" in info.value.message
    assert info.value.code == "conflict"


def test_a_refusal_is_not_retried():
    calls = []

    @retrying(sleep=lambda s: None)
    def action():
        calls.append(1)
        raise ValidationError("Enter the customer's name.")

    with pytest.raises(ValidationError):
        action()
    assert calls == [1]


def test_only_the_outer_call_retries():
    inner_calls = []

    @retrying(attempts=3, sleep=lambda s: None)
    def inner():
        inner_calls.append(1)
        raise StaleDataError("x")

    @retrying(attempts=3, sleep=lambda s: None)
    def outer():
        return inner()

    with pytest.raises(ConflictError):
        outer()
    assert len(inner_calls) == 3  # not 9


def test_backoff_grows_and_is_capped():
    assert all(backoff(0) <= 0.005 for _ in range(50))
    assert all(backoff(20) <= 0.25 for _ in range(50))


@pytest.mark.parametrize("fn", [
    invoices.create_draft, invoices.edit_draft, invoices.issue, invoices.mark_paid,
    invoices.void, invoices.write_off, invoices.create_and_issue,
    customers.add_customer, customers.edit_customer,
])
def test_every_write_service_retries(fn):
    assert getattr(fn, "__wrapped_retry__", False), fn.__name__


def test_a_retried_action_commits_once(ctx, customer, monkeypatch):
    """The first attempt fails after writing (like a deadlock at commit): its
    writes are rolled back, the second attempt runs from the top, one number taken."""
    from app.services import numbering

    real = numbering.next_number
    failed = []

    def flaky(session, till, kind):
        number = real(session, till, kind)
        if not failed:
            failed.append(number)
            raise OperationalError("update", (), _PgError("40P01"))
        return number

    monkeypatch.setattr(invoices, "next_number", flaky)
    inv = invoices.create_and_issue(ctx, draft_input(customer.id))
    assert failed == ["T1-000001"]
    assert inv.local_number == "T1-000001"  # the failed attempt's number was rolled back
    from app.services.queries import InvoiceQuery, list_invoices

    assert len(list_invoices(ctx, InvoiceQuery()).items) == 1
