"""Transactional outbox: events are written in the same transaction as the data, then relayed.

A service never publishes from a request handler. It adds an OutboxMessage row inside its unit of work;
the relay reads unpublished rows in order, publishes them, waits for the broker's acknowledgement and only
then marks them sent. A crash between publish and mark re-sends: consumers are idempotent by event id
and entity version, so at-least-once is enough.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import Column, DateTime, LargeBinary
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, func, select

from common.messaging.port import Publisher

log = logging.getLogger("maillage.outbox")


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    topic: str = Field(max_length=200)
    key: str = Field(max_length=200)
    value: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC), sa_type=DateTime(timezone=True))
    published_at: datetime | None = Field(default=None, index=True, sa_type=DateTime(timezone=True))


class OutgoingEvent(Protocol):
    """What the outbox needs of an event (contracts/events.py): its partition key and its bytes."""

    @property
    def key(self) -> str: ...

    def to_bytes(self) -> bytes: ...


def enqueue(session: Session, topic: str, event: OutgoingEvent) -> None:
    session.add(OutboxMessage(topic=topic, key=event.key, value=event.to_bytes()))


class OutboxRelay:
    def __init__(
        self,
        engine: Engine,
        publisher: Publisher,
        batch_size: int = 500,
        idle_s: float = 0.5,
        reconnect: Callable[[], Publisher] | None = None,
    ) -> None:
        self._engine = engine
        self._publisher = publisher
        self._reconnect = reconnect
        self._batch_size = batch_size
        self._idle_s = idle_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.published = 0
        self.last_error: str | None = None

    def notify(self) -> None:
        """Called after a commit that added outbox rows, so they go out without waiting for the next tick."""
        self._wake.set()

    def relay_once(self) -> int:
        with Session(self._engine) as session:
            rows = session.exec(
                select(OutboxMessage)
                .where(col(OutboxMessage.published_at).is_(None))
                .order_by(col(OutboxMessage.id))
                .limit(self._batch_size)
            ).all()
            if not rows:
                return 0
            for row in rows:
                self._publisher.publish(row.topic, row.key, row.value)
            self._publisher.flush()
            now = datetime.now(UTC)
            for row in rows:
                row.published_at = now
                session.add(row)
            session.commit()
            self.published += len(rows)
            return len(rows)

    def _fresh_publisher(self) -> None:
        """After a failed flush, start over with a new producer: a client that lived through a long broker
        outage is not trusted to recover by itself (once seen stuck after a kill -9 of the broker)."""
        if self._reconnect is None:
            return
        with contextlib.suppress(Exception):
            self._publisher.close()
        try:
            self._publisher = self._reconnect()
        except Exception as exc:  # the broker is still away; try again on the next failure
            log.warning("could not reconnect the publisher yet: %s", exc)

    def pending(self) -> int:
        with Session(self._engine) as session:
            query = (
                select(func.count())
                .select_from(OutboxMessage)
                .where(col(OutboxMessage.published_at).is_(None))
            )
            return int(session.exec(query).one())

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                while self.relay_once() == self._batch_size:
                    pass
                self.last_error = None
            except Exception as exc:  # the broker or the database is away: rows stay, retry later
                self.last_error = repr(exc)[:300]
                log.warning("outbox relay failed, will retry: %s", exc)
                self._fresh_publisher()
                self._stop.wait(1.0)
            self._wake.wait(self._idle_s)
            self._wake.clear()

    def start(self, name: str) -> None:
        self._thread = threading.Thread(target=self.run_forever, name=name, daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
        try:
            self.relay_once()  # hand over what the last requests committed
        except Exception as exc:
            log.warning("outbox relay could not flush on stop: %s", exc)
