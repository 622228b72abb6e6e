from __future__ import annotations

import json
from collections.abc import Callable

from common.errors import Unavailable
from common.messaging.handlers import HandlerRegistry
from common.messaging.inprocess import InProcessBus
from common.messaging.worker import DEAD_LETTER_TOPIC, ConsumerWorker, DeadLetter
from contracts.events import OFFERS_TOPIC, ProfileDeletedV1, ProfileUpsertedV1


def _event(key: str) -> ProfileUpsertedV1:
    return ProfileUpsertedV1.of(key, 1)


def _on_upserts(handler: Callable[[list[ProfileUpsertedV1]], None]) -> HandlerRegistry:
    return HandlerRegistry().on(ProfileUpsertedV1, handler)


def _dead_letters(bus: InProcessBus) -> list[DeadLetter]:
    records = bus.subscribe("inspect", [DEAD_LETTER_TOPIC]).poll(0)
    return [DeadLetter.model_validate_json(r.value) for r in records]


def test_commits_only_after_the_handler_succeeds() -> None:
    bus = InProcessBus()
    publisher = bus.publisher()
    publisher.publish(OFFERS_TOPIC, "a", _event("a").to_bytes())
    publisher.flush()
    calls: list[int] = []

    def flaky(events: list[ProfileUpsertedV1]) -> None:
        calls.append(len(events))
        if len(calls) < 3:
            raise Unavailable("index down")

    worker = ConsumerWorker(bus.subscribe("g", [OFFERS_TOPIC]), _on_upserts(flaky), poll_timeout_s=0)
    worker._stop.wait = lambda timeout=None: False  # type: ignore[method-assign]  # no real sleeping
    assert bus.group_lag("g", [OFFERS_TOPIC]) == 1
    worker.run_once()
    assert calls == [1, 1, 1]
    assert worker.stats.retries == 2
    assert bus.group_lag("g", [OFFERS_TOPIC]) == 0


def test_poison_message_goes_to_the_dead_letter_topic_and_the_rest_is_handled() -> None:
    bus = InProcessBus()
    publisher = bus.publisher()
    publisher.publish(OFFERS_TOPIC, "bad", b"{not json")
    publisher.publish(OFFERS_TOPIC, "bad", _event("good").to_bytes())
    publisher.flush()
    handled: list[str] = []
    handlers = _on_upserts(lambda evs: handled.extend(e.key for e in evs))
    worker = ConsumerWorker(bus.subscribe("g", [OFFERS_TOPIC]), handlers, bus.publisher())
    worker.run_once()
    assert handled == ["good"]
    assert worker.stats.dead_lettered == 1
    letters = _dead_letters(bus)
    assert [(d.topic, d.offset, d.value()) for d in letters] == [(OFFERS_TOPIC, 0, b"{not json")]
    assert letters[0].error.startswith("undecodable:")
    assert bus.group_lag("g", [OFFERS_TOPIC]) == 0


def test_a_crashing_batch_is_redelivered() -> None:
    bus = InProcessBus()
    publisher = bus.publisher()
    publisher.publish(OFFERS_TOPIC, "k", _event("k").to_bytes())
    publisher.flush()
    seen: list[str] = []

    def crash_once(events: list[ProfileUpsertedV1]) -> None:
        seen.extend(e.key for e in events)
        if len(seen) == 1:
            raise RuntimeError("bug")

    subscription = bus.subscribe("g", [OFFERS_TOPIC])
    worker = ConsumerWorker(subscription, _on_upserts(crash_once), poll_timeout_s=0)
    try:
        worker.run_once()
    except RuntimeError:
        worker._rewind()
    worker.run_once()
    assert seen == ["k", "k"]
    assert bus.group_lag("g", [OFFERS_TOPIC]) == 0


def test_a_record_that_always_breaks_the_handler_is_isolated_and_dead_lettered() -> None:
    bus = InProcessBus()
    publisher = bus.publisher()
    for key in ("a", "poison", "b"):
        publisher.publish(OFFERS_TOPIC, key, _event(key).to_bytes())
    publisher.flush()
    handled: list[str] = []

    def handler(events: list[ProfileUpsertedV1]) -> None:
        if any(e.key == "poison" for e in events):
            raise ValueError("cannot handle this one")
        handled.extend(e.key for e in events)

    worker = ConsumerWorker(
        bus.subscribe("g", [OFFERS_TOPIC]), _on_upserts(handler), bus.publisher(), poll_timeout_s=0
    )
    worker.run_once()
    assert sorted(handled) == ["a", "b"]
    assert worker.stats.dead_lettered == 1
    assert bus.group_lag("g", [OFFERS_TOPIC]) == 0
    (letter,) = _dead_letters(bus)
    assert "cannot handle" in letter.error


def _with_version(event: ProfileUpsertedV1, schema_version: int) -> bytes:
    fields = json.loads(event.to_bytes())
    return json.dumps({**fields, "schema_version": schema_version}).encode()


def test_an_event_of_an_unknown_version_or_type_is_dead_lettered_with_the_reason() -> None:
    bus = InProcessBus()
    publisher = bus.publisher()
    version_9 = _with_version(_event("v9"), 9)
    publisher.publish(OFFERS_TOPIC, "a", _event("a").to_bytes())
    publisher.publish(OFFERS_TOPIC, "v9", version_9)
    publisher.publish(OFFERS_TOPIC, "gone", ProfileDeletedV1.of("gone", 2).to_bytes())
    publisher.publish(OFFERS_TOPIC, "b", _event("b").to_bytes())
    publisher.flush()
    handled: list[str] = []
    worker = ConsumerWorker(
        bus.subscribe("g", [OFFERS_TOPIC]),
        _on_upserts(lambda evs: handled.extend(e.key for e in evs)),
        bus.publisher(),
        poll_timeout_s=0,
    )
    worker.run_once()
    assert sorted(handled) == ["a", "b"]
    assert worker.stats.dead_lettered == 2
    assert bus.group_lag("g", [OFFERS_TOPIC]) == 0  # the partition moves on
    letters = {letter.key: letter for letter in _dead_letters(bus)}
    assert set(letters) == {"v9", "gone"}
    assert letters["v9"].error == (
        "unknown event: no handler for event type 'profile.upserted', schema version 9"
    )
    assert "'profile.deleted', schema version 1" in letters["gone"].error
    assert letters["v9"].value() == version_9  # kept whole, for a replay
