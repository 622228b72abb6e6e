"""The dead letters as an administrator handles them, on the in-process bus (the same port as Kafka's):
looking changes nothing, replaying sends each letter home once, discarding sends nothing, and neither
settles letters the administrator has not seen."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.errors import Conflict
from common.messaging.dead_letter_box import DeadLetterBox
from common.messaging.inprocess import InProcessBus
from common.messaging.port import Record
from common.messaging.worker import DEAD_LETTER_TOPIC, DeadLetter
from contracts.events import OFFERS_TOPIC


def dead_letter(bus: InProcessBus, key: str) -> None:
    letter = DeadLetter.of(Record(OFFERS_TOPIC, 0, 3, key, f"payload-{key}".encode()), "handler failed")
    publisher = bus.publisher()
    publisher.publish(DEAD_LETTER_TOPIC, key, letter.model_dump_json().encode())
    publisher.flush()


def sent_home(bus: InProcessBus) -> list[tuple[str, bytes]]:
    return [(r.key, r.value) for r in bus.subscribe("home", [OFFERS_TOPIC]).poll(0)]


@pytest.fixture
def bus(tmp_path: Path) -> InProcessBus:
    return InProcessBus(str(tmp_path / "bus.db"))


def test_looking_changes_nothing_and_replaying_sends_each_letter_home_once(bus: InProcessBus) -> None:
    box = DeadLetterBox(bus, idle_s=0.2)
    dead_letter(bus, "a")
    dead_letter(bus, "b")
    assert [(letter.key, letter.error) for letter in box.pending()] == [
        ("a", "handler failed"),
        ("b", "handler failed"),
    ]
    assert len(box.pending()) == 2
    assert box.replay(expected=2) == 2
    assert box.pending() == []
    assert box.replay() == 0
    assert sent_home(bus) == [("a", b"payload-a"), ("b", b"payload-b")]


def test_discarding_sends_nothing_home(bus: InProcessBus) -> None:
    box = DeadLetterBox(bus, idle_s=0.2)
    dead_letter(bus, "a")
    assert box.discard(expected=1) == 1
    assert box.pending() == []
    assert sent_home(bus) == []


def test_a_letter_arrived_since_the_look_is_not_settled_unseen(bus: InProcessBus) -> None:
    box = DeadLetterBox(bus, idle_s=0.2)
    dead_letter(bus, "a")
    seen = len(box.pending())
    dead_letter(bus, "b")
    with pytest.raises(Conflict) as refused:
        box.discard(expected=seen)
    assert refused.value.code == "deadletters.changed"
    assert [letter.key for letter in box.pending()] == ["a", "b"]
