from __future__ import annotations

from common.errors import Unavailable
from common.events import DEAD_LETTER_TOPIC, OFFERS_TOPIC, Event
from common.messaging.inprocess import InProcessBus
from common.messaging.worker import ConsumerWorker, DeadLetter


def _event(key: str) -> Event:
    return Event(type="profile.upserted", key=key, payload={"profile_id": key, "version": 1})


def test_commits_only_after_the_handler_succeeds() -> None:
    bus = InProcessBus()
    publisher = bus.publisher()
    publisher.publish(OFFERS_TOPIC, "a", _event("a").to_bytes())
    publisher.flush()
    calls: list[int] = []

    def flaky(events: list[Event]) -> None:
        calls.append(len(events))
        if len(calls) < 3:
            raise Unavailable("index down")

    worker = ConsumerWorker(bus.subscribe("g", [OFFERS_TOPIC]), flaky, poll_timeout_s=0)
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
    worker = ConsumerWorker(
        bus.subscribe("g", [OFFERS_TOPIC]), lambda evs: handled.extend(e.key for e in evs), bus.publisher()
    )
    worker.run_once()
    assert handled == ["good"]
    assert worker.stats.dead_lettered == 1
    dead = bus.subscribe("inspect", [DEAD_LETTER_TOPIC]).poll(0)
    letters = [DeadLetter.model_validate_json(r.value) for r in dead]
    assert [(d.topic, d.offset, d.value()) for d in letters] == [(OFFERS_TOPIC, 0, b"{not json")]
    assert bus.group_lag("g", [OFFERS_TOPIC]) == 0


def test_a_crashing_batch_is_redelivered() -> None:
    bus = InProcessBus()
    publisher = bus.publisher()
    publisher.publish(OFFERS_TOPIC, "k", _event("k").to_bytes())
    publisher.flush()
    seen: list[str] = []

    def crash_once(events: list[Event]) -> None:
        seen.extend(e.key for e in events)
        if len(seen) == 1:
            raise RuntimeError("bug")

    subscription = bus.subscribe("g", [OFFERS_TOPIC])
    worker = ConsumerWorker(subscription, crash_once, poll_timeout_s=0)
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

    def handler(events: list[Event]) -> None:
        if any(e.key == "poison" for e in events):
            raise ValueError("cannot handle this one")
        handled.extend(e.key for e in events)

    worker = ConsumerWorker(bus.subscribe("g", [OFFERS_TOPIC]), handler, bus.publisher(), poll_timeout_s=0)
    worker.run_once()
    assert sorted(handled) == ["a", "b"]
    assert worker.stats.dead_lettered == 1
    assert bus.group_lag("g", [OFFERS_TOPIC]) == 0
    (letter,) = bus.subscribe("inspect", [DEAD_LETTER_TOPIC]).poll(0)
    assert "cannot handle" in DeadLetter.model_validate_json(letter.value).error
