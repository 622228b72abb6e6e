"""The dead-letter topic as an administrator handles it: look at the letters not dealt with yet, send them
back to the topics they came from, or discard them.

"Not dealt with yet" means past the replay group's committed position. Looking reads with that group and
commits nothing; replaying republishes, flushes, then commits (a crash in between replays again, which
handlers tolerate); discarding commits without republishing — and only if the letters are the ones the
administrator looked at, so that a letter arriving meanwhile is never discarded unseen.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from common.errors import Conflict
from common.messaging.port import MessageBus, Record, Subscription
from common.messaging.worker import DEAD_LETTER_REPLAY_GROUP, DEAD_LETTER_TOPIC, DeadLetter

# How long the topic must stay quiet before a read is taken as complete (Kafka hands a topic out in batches).
IDLE_S = 3.0


def read_until_idle(
    bus: MessageBus, group: str, idle_s: float | None = None
) -> tuple[Subscription, list[Record]]:
    """Everything of the dead-letter topic past `group`'s position, once nothing new came for `idle_s`."""
    idle_s = IDLE_S if idle_s is None else idle_s
    subscription = bus.subscribe(group, [DEAD_LETTER_TOPIC])
    records: list[Record] = []
    quiet_since = time.monotonic()
    while time.monotonic() - quiet_since < idle_s:
        batch = subscription.poll(0.5)
        if batch:
            records.extend(batch)
            quiet_since = time.monotonic()
    return subscription, records


@dataclass
class DeadLetterBox:
    bus: MessageBus
    idle_s: float | None = None
    group: str = DEAD_LETTER_REPLAY_GROUP

    def pending(self) -> list[DeadLetter]:
        subscription, records = read_until_idle(self.bus, self.group, self.idle_s)
        subscription.close()  # nothing committed: the letters stay pending
        return [DeadLetter.model_validate_json(r.value) for r in records]

    def replay(self, expected: int | None = None) -> int:
        """Republish every pending letter to its original topic; how many."""
        return self._settle(expected, republish=True)

    def discard(self, expected: int | None = None) -> int:
        """Mark every pending letter as dealt with, without republishing it; how many."""
        return self._settle(expected, republish=False)

    def _settle(self, expected: int | None, republish: bool) -> int:
        subscription, records = read_until_idle(self.bus, self.group, self.idle_s)
        try:
            if expected is not None and len(records) != expected:
                raise Conflict(
                    f"{len(records)} letters are pending, not {expected}: look at them again first.",
                    code="deadletters.changed",
                )
            if republish and records:
                publisher = self.bus.publisher()
                for record in records:
                    letter = DeadLetter.model_validate_json(record.value)
                    publisher.publish(letter.topic, letter.key, letter.value())
                publisher.flush()
            if records:
                subscription.commit()
        finally:
            subscription.close()
        return len(records)
