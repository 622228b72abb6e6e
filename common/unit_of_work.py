"""The unit-of-work port every service's use cases are written against, and its in-memory outbox.

A use case opens `with uow:`, reads and saves through the repositories the unit of work exposes, adds its
events to `uow.outbox`, and calls `uow.commit()`: the data and the events are kept together or not at all.
Leaving the block without a commit discards everything. The SQL implementation is common/sql_unit_of_work.py;
each service has an in-memory one for its unit tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import TracebackType
from typing import Protocol, Self

from common.outbox import OutgoingEvent


class Outbox(Protocol):
    """Events to publish once the unit of work commits (the transactional outbox of common/outbox.py)."""

    def add(self, topic: str, event: OutgoingEvent) -> None: ...


class UnitOfWork(Protocol):
    @property
    def outbox(self) -> Outbox: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def commit(self) -> None: ...


@dataclass(frozen=True)
class SentEvent:
    """One event the in-memory outbox holds: where it goes, its key, its bytes — as an outbox row."""

    topic: str
    key: str
    value: bytes


@dataclass
class MemoryOutbox:
    """The outbox of an in-memory unit of work: events staged, then kept in `sent` on commit."""

    sent: list[SentEvent] = field(default_factory=list)
    staged: list[SentEvent] = field(default_factory=list)

    def add(self, topic: str, event: OutgoingEvent) -> None:
        self.staged.append(SentEvent(topic, event.key, event.to_bytes()))

    def keep_staged(self) -> None:
        self.sent.extend(self.staged)
        self.staged.clear()

    def drop_staged(self) -> None:
        self.staged.clear()


class MemoryUnitOfWork:
    """The shape every in-memory unit of work shares: `_open` gives the repositories a copy of the store,
    `commit` writes them back (`_keep`) and keeps the staged events; leaving without a commit drops them, so
    "all or nothing" behaves as in a transaction."""

    def __init__(self, outbox: MemoryOutbox) -> None:
        self.outbox = outbox

    def _open(self) -> None:
        """Build the repositories over a copy of the store (each service's unit of work)."""

    def _keep(self) -> None:
        """Write the repositories' state back to the store (each service's unit of work)."""

    def __enter__(self) -> Self:
        self._open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.outbox.drop_staged()

    def commit(self) -> None:
        self._keep()
        self.outbox.keep_staged()
