"""Kafka's semantics, which the in-process bus must keep: checked against both."""

from __future__ import annotations

import time

from common.messaging.port import Record


def drain(subscription, expected: int, timeout_s: float = 30.0) -> list[Record]:  # type: ignore[no-untyped-def]
    got: list[Record] = []
    deadline = time.monotonic() + timeout_s
    while len(got) < expected and time.monotonic() < deadline:
        got.extend(subscription.poll(0.5))
    return got


def publish(bus, topic: str, items: list[tuple[str, bytes]]) -> None:  # type: ignore[no-untyped-def]
    publisher = bus.publisher()
    for key, value in items:
        publisher.publish(topic, key, value)
    publisher.flush()
    publisher.close()


def test_records_of_one_key_are_read_in_order(bus, topic: str) -> None:  # type: ignore[no-untyped-def]
    bus.ensure_topics([topic], 3)
    items = [(f"k{i % 4}", f"{i}".encode()) for i in range(40)]
    publish(bus, topic, items)
    subscription = bus.subscribe("order", [topic])
    got = drain(subscription, 40)
    subscription.close()
    assert len(got) == 40
    for key in {k for k, _ in items}:
        assert [r.value for r in got if r.key == key] == [v for k, v in items if k == key]
    # One key, one partition.
    assert all(len({r.partition for r in got if r.key == k}) == 1 for k in {k for k, _ in items})


def test_uncommitted_records_are_delivered_again(bus, topic: str) -> None:  # type: ignore[no-untyped-def]
    bus.ensure_topics([topic], 1)
    publish(bus, topic, [("k", b"1"), ("k", b"2")])
    first = bus.subscribe("redeliver", [topic])
    assert [r.value for r in drain(first, 2)] == [b"1", b"2"]
    first.close()  # closed without committing: as if the consumer died mid-batch
    second = bus.subscribe("redeliver", [topic])
    assert [r.value for r in drain(second, 2)] == [b"1", b"2"]
    second.close()


def test_committed_offsets_survive_a_restart_and_lag_counts_the_rest(bus, topic: str) -> None:  # type: ignore[no-untyped-def]
    bus.ensure_topics([topic], 1)
    publish(bus, topic, [("k", b"1"), ("k", b"2")])
    first = bus.subscribe("commit", [topic])
    assert len(drain(first, 2)) == 2
    first.commit()
    first.close()
    assert bus.group_lag("commit", [topic]) == 0
    publish(bus, topic, [("k", b"3")])
    assert bus.group_lag("commit", [topic]) == 1
    second = bus.subscribe("commit", [topic])
    assert [r.value for r in drain(second, 1)] == [b"3"]
    second.commit()
    second.close()
    assert bus.group_lag("commit", [topic]) == 0
