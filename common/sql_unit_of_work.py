"""The unit of work on a SQL store: one session, one transaction, the outbox rows written inside it."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from common.errors import Conflict, Unavailable
from common.outbox import OutgoingEvent, enqueue


class SqlOutbox:
    def __init__(self, session: Session) -> None:
        self._session = session
        self.added = 0

    def add(self, topic: str, event: OutgoingEvent) -> None:
        enqueue(self._session, topic, event)
        self.added += 1


class SqlUnitOfWork:
    """Subclasses build their repositories on `self.session` in `_repositories()`.

    `on_commit` runs after a commit that wrote outbox rows (the relay's wake-up call). A database that
    cannot be reached becomes Unavailable (503); a unique key lost to a concurrent request becomes
    Conflict (409) — as common.db.session_scope does."""

    def __init__(self, engine: Engine, on_commit: Callable[[], None] = lambda: None) -> None:
        self._engine = engine
        self._on_commit = on_commit

    def _repositories(self) -> None:
        """Build the repositories on self.session (each service's unit of work)."""

    def __enter__(self) -> Self:
        self.session = Session(self._engine, expire_on_commit=False)
        self.outbox = SqlOutbox(self.session)
        self._repositories()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.session.rollback()  # nothing left after a commit; everything uncommitted after an error
        finally:
            self.session.close()
        _translate(exc)

    def commit(self) -> None:
        try:
            self.session.commit()
        except (OperationalError, IntegrityError) as error:
            self.session.rollback()
            _translate(error)
            raise
        if self.outbox.added:
            self.outbox.added = 0
            self._on_commit()


def _translate(error: BaseException | None) -> None:
    if isinstance(error, OperationalError):
        raise Unavailable("The database is unavailable; try again shortly.") from error
    if isinstance(error, IntegrityError):
        # Two requests raced for the same unique key: the loser is told, not served a 500.
        raise Conflict("This conflicts with existing data; reload and try again.") from error
