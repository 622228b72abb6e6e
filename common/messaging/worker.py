"""The consumer loop: poll, handle, commit — in that order, so nothing is committed before it is durable.

Records are decoded and handed out through a HandlerRegistry (common/messaging/handlers.py). A handler that
raises a transient error (an `Unavailable` dependency) is retried with backoff and the batch is never
committed past it; a record that cannot be decoded or validated, or whose event type and schema version no
handler is registered for, is a poison message and goes to the dead-letter topic with the reason, so one
bad record does not stop the partition.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pydantic import BaseModel, ValidationError

from common.errors import Unavailable
from common.messaging.handlers import HandlerRegistry, UnknownEvent
from common.messaging.port import Publisher, Record, Subscription

log = logging.getLogger("maillage.worker")

DEAD_LETTER_TOPIC = "maillage.deadletter.v1"
# The group `maillage dlq replay` reads with: its lag is the number of dead letters not replayed yet.
DEAD_LETTER_REPLAY_GROUP = "maillage-dlq-replay"


class DeadLetter(BaseModel):
    """A record that could not be handled, with where it came from, so that it can be replayed."""

    topic: str
    partition: int
    offset: int
    key: str
    error: str
    value_b64: str
    at: datetime

    @classmethod
    def of(cls, record: Record, error: str) -> DeadLetter:
        return cls(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
            error=error[:1000],
            value_b64=base64.b64encode(record.value).decode(),
            at=datetime.now(UTC),
        )

    def value(self) -> bytes:
        return base64.b64decode(self.value_b64)


@dataclass
class WorkerStats:
    processed: int = 0
    dead_lettered: int = 0
    retries: int = 0
    last_error: str | None = None
    lag: int = 0
    batches: int = 0
    extra: dict[str, int] = field(default_factory=dict)


class ConsumerWorker:
    def __init__(
        self,
        subscription: Subscription,
        handlers: HandlerRegistry,
        dead_letters: Publisher | None = None,
        max_records: int = 256,
        poll_timeout_s: float = 0.5,
        max_backoff_s: float = 10.0,
    ) -> None:
        self.subscription = subscription
        self.handlers = handlers
        self.dead_letters = dead_letters
        self.max_records = max_records
        self.poll_timeout_s = poll_timeout_s
        self.max_backoff_s = max_backoff_s
        self.stats = WorkerStats()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        records = self.subscription.poll(self.poll_timeout_s, self.max_records)
        if not records:
            self.stats.lag = self.subscription.lag()
            return 0
        decoded = self._decode(records)
        events = [event for _, event in decoded]
        try:
            self._handle_with_retries(events)
        except Unavailable:
            raise
        except Exception as exc:
            # Something in the batch breaks the handler for good (not a dependency outage): find which
            # records do, dead-letter them, and keep the partition moving.
            log.warning("batch failed (%s); handling its records one by one", exc)
            for record, event in decoded:
                try:
                    self._handle_with_retries([event])
                except Unavailable:
                    raise
                except Exception as single:
                    self._dead_letter(record, f"handler failed: {single!r}")
        if self.dead_letters is not None:
            self.dead_letters.flush()
        self.subscription.commit()
        self.stats.processed += len(events)
        self.stats.batches += 1
        self.stats.lag = self.subscription.lag()
        return len(records)

    def _decode(self, records: list[Record]) -> list[tuple[Record, BaseModel]]:
        decoded: list[tuple[Record, BaseModel]] = []
        for record in records:
            try:
                decoded.append((record, self.handlers.decode(record.value)))
            except UnknownEvent as exc:
                self._dead_letter(record, f"unknown event: {exc}")
            except (ValidationError, ValueError) as exc:
                self._dead_letter(record, f"undecodable: {exc}")
        return decoded

    def _dead_letter(self, record: Record, why: str) -> None:
        self.stats.dead_lettered += 1
        log.warning("dead-lettering %s/%s@%s: %s", record.topic, record.partition, record.offset, why[:200])
        if self.dead_letters is not None:
            letter = DeadLetter.of(record, why)
            self.dead_letters.publish(DEAD_LETTER_TOPIC, record.key or "-", letter.model_dump_json().encode())

    def _handle_with_retries(self, events: list[BaseModel]) -> None:
        backoff = 0.2
        while True:
            try:
                self.handlers.dispatch(events)
                return
            except Unavailable as exc:
                # Transient: do not commit, do not skip; wait and try the same batch again.
                self.stats.retries += 1
                self.stats.last_error = str(exc)[:300]
                log.warning("handler unavailable, retrying in %.1fs: %s", backoff, exc)
                if self._stop.wait(backoff):
                    raise
                backoff = min(backoff * 2, self.max_backoff_s)

    def run_forever(self) -> None:
        rewind_pending = False
        while not self._stop.is_set():
            try:
                # Rewinding asks the broker for the committed offsets: when the broker is what failed,
                # it fails too. It is retried here, inside the guard, and nothing is polled until it
                # succeeds — polling on would skip the uncommitted batch, and letting it escape would end
                # the consumer for good (seen with a kill -9 of the Kafka broker).
                if rewind_pending:
                    self._rewind()
                    rewind_pending = False
                self.run_once()
            except Unavailable:
                if self._stop.is_set():
                    break
            except Exception as exc:  # keep consuming; the batch was not committed and will come back
                self.stats.last_error = repr(exc)[:300]
                log.exception("consumer batch failed; it will be redelivered")
                rewind_pending = True
                self._stop.wait(1.0)

    def _rewind(self) -> None:
        seek = getattr(self.subscription, "seek_to_committed", None)
        if callable(seek):
            seek()

    def start(self, name: str) -> None:
        self._thread = threading.Thread(target=self.run_forever, name=name, daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
        self.subscription.close()

    def drain(self, timeout_s: float = 30.0) -> None:
        """Process until nothing is pending; used by commands and tests that need a settled index."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.run_once() == 0 and self.subscription.lag() == 0:
                return
        raise TimeoutError("the consumer did not catch up in time")
