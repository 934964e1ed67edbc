"""The unit of work: one session, one transaction; only it commits."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from . import limits
from .engine import READ


class Store:
    """The database a till works on: an engine and its session factories."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._write = sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
        limits.install(self._write)  # over-long text is refused before it is written
        self._read = sessionmaker(
            bind=engine.execution_options(kasir_mode=READ), expire_on_commit=False
        )

    def unit_of_work(self) -> "UnitOfWork":
        return UnitOfWork(self._write)

    def reader(self) -> "UnitOfWork":
        return UnitOfWork(self._read)

    def dispose(self) -> None:
        self.engine.dispose()


class UnitOfWork:
    """`with store.unit_of_work() as uow: ...; uow.commit()`; rolls back otherwise."""

    session: Session

    def __init__(self, factory: sessionmaker):
        self._factory = factory

    def __enter__(self) -> "UnitOfWork":
        self.session = self._factory()
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()
