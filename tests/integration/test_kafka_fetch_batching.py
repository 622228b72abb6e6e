"""A consumer's fetch lingers: a trickle of events reaches the handler in a few batches, not one by one."""

from __future__ import annotations

import threading
import time
import uuid

from common.messaging.kafka import FetchBatching, KafkaBus
from common.messaging.port import Record


def _trickle(bus: KafkaBus, topic: str, count: int, every_s: float) -> None:
    publisher = bus.publisher()
    for n in range(count):
        publisher.publish(topic, f"k{n}", b"x" * 200)
        publisher.flush()
        time.sleep(every_s)
    publisher.close()


def _batches_seen(bus: KafkaBus, topic: str, count: int, ready: threading.Event) -> list[int]:
    subscription = bus.subscribe(f"g-{uuid.uuid4().hex[:8]}", [topic])
    sizes: list[int] = []
    seen = 0
    deadline = time.monotonic() + 60
    try:
        # The group hands the partition over after a poll or two: only then may the events start.
        while not subscription._consumer.assignment() and time.monotonic() < deadline:
            subscription.poll(0.1, 500)
        ready.set()
        while seen < count and time.monotonic() < deadline:
            records: list[Record] = subscription.poll(0.05, 500)
            if records:
                sizes.append(len(records))
                seen += len(records)
    finally:
        subscription.close()
    assert seen == count
    return sizes


def _run(kafka_bootstrap: str, batching: FetchBatching) -> list[int]:
    run = uuid.uuid4().hex[:8]
    bus = KafkaBus(kafka_bootstrap, client_id=f"it-{run}", topic_prefix=f"it-{run}-", batching=batching)
    bus.ensure_topics(["trickle"], 1)
    # The consumer holds its partition first, then 30 events arrive 20 ms apart (0.6 s in all).
    ready = threading.Event()
    result: list[list[int]] = []
    consumer = threading.Thread(target=lambda: result.append(_batches_seen(bus, "trickle", 30, ready)))
    consumer.start()
    assert ready.wait(60)
    producer = threading.Thread(target=_trickle, args=(bus, "trickle", 30, 0.02))
    producer.start()
    producer.join()
    consumer.join()
    return result[0]


def test_a_lingering_fetch_gathers_a_trickle_into_few_batches(kafka_bootstrap: str) -> None:
    lingering = _run(kafka_bootstrap, FetchBatching(min_bytes=1 << 20, linger_ms=400))
    eager = _run(kafka_bootstrap, FetchBatching(min_bytes=1, linger_ms=400))
    assert len(lingering) <= 4, lingering  # 0.6 s of events in 400 ms fetches
    assert len(eager) > 2 * len(lingering), (eager, lingering)
