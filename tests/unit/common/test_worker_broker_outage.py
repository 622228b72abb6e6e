"""The consumer loop outlives a broker outage: when the commit fails and so does the rewind that follows
(both ask the broker), it keeps trying, never polls past the uncommitted batch, and catches up after.
Found by tests/integration/test_faults.py (kill -9 of the Kafka broker ended the consumer process)."""

from __future__ import annotations

import time

from common.messaging.handlers import HandlerRegistry
from common.messaging.inprocess import InProcessBus, InProcessSubscription
from common.messaging.port import Record
from common.messaging.worker import ConsumerWorker
from contracts.events import OFFERS_TOPIC, ProfileUpsertedV1


class BrokerDown(Exception):
    pass


class FlakySubscription:
    """An in-process subscription whose first commit and first two rewinds fail as a dead broker would."""

    def __init__(self, inner: InProcessSubscription) -> None:
        self.inner = inner
        self.commit_failures = 1
        self.rewind_failures = 2
        self.polls_before_rewind = 0

    def poll(self, timeout_s: float, max_records: int = 500) -> list[Record]:
        if self.commit_failures == 0 and self.rewind_failures > 0:
            self.polls_before_rewind += 1  # polling now would skip the batch that was not committed
        return self.inner.poll(timeout_s, max_records)

    def commit(self) -> None:
        if self.commit_failures:
            self.commit_failures -= 1
            raise BrokerDown("commit: connection refused")
        self.inner.commit()

    def seek_to_committed(self) -> None:
        if self.rewind_failures:
            self.rewind_failures -= 1
            raise BrokerDown("committed(): connection refused")
        self.inner.seek_to_committed()

    def lag(self) -> int:
        return self.inner.lag()

    def close(self) -> None:
        self.inner.close()


def test_a_failed_rewind_does_not_end_the_consumer_nor_skip_the_batch() -> None:
    bus = InProcessBus()
    publisher = bus.publisher()
    for key in ("a", "b"):
        publisher.publish(OFFERS_TOPIC, key, ProfileUpsertedV1.of(key, 1).to_bytes())
    publisher.flush()
    seen: list[str] = []
    inner = bus.subscribe("g", [OFFERS_TOPIC])
    assert isinstance(inner, InProcessSubscription)
    subscription = FlakySubscription(inner)
    handlers = HandlerRegistry().on(ProfileUpsertedV1, lambda events: seen.extend(e.key for e in events))
    worker = ConsumerWorker(subscription, handlers, poll_timeout_s=0)
    worker._stop.wait = lambda timeout=None: worker._stop.is_set()  # type: ignore[method-assign]
    worker.start("test-consumer")
    try:
        deadline = time.monotonic() + 5
        while bus.group_lag("g", [OFFERS_TOPIC]) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert worker._thread is not None and worker._thread.is_alive()
    finally:
        worker.stop()
    assert bus.group_lag("g", [OFFERS_TOPIC]) == 0
    assert sorted(seen) == ["a", "a", "b", "b"]  # handled, commit lost, rewound, handled again
    assert subscription.rewind_failures == 0 and subscription.polls_before_rewind == 0
