"""`maillage dlq list|replay`: inspect the dead-letter topic, and send its records back where they came from.

Replay reads with its own consumer group and commits only after the records are republished, so running
it twice never replays a record twice; `list` reads without committing anything.
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
from pathlib import Path
from typing import Any

from common.messaging.inprocess import InProcessBus
from common.messaging.kafka import KafkaBus
from common.messaging.port import MessageBus, Record
from common.messaging.worker import DEAD_LETTER_REPLAY_GROUP, DEAD_LETTER_TOPIC, DeadLetter
from common.settings import CommonSettings

REPLAY_GROUP = DEAD_LETTER_REPLAY_GROUP


def _bus() -> MessageBus:
    settings = CommonSettings()
    if settings.kafka_bootstrap:
        return KafkaBus(
            settings.kafka_bootstrap, client_id="maillage-dlq", topic_prefix=settings.topic_prefix
        )
    data_dir = Path(os.environ.get("MAILLAGE_DATA_DIR", "./var"))
    return InProcessBus(str(data_dir / "bus.db"))


def _read_all(bus: MessageBus, group: str, idle_s: float = 3.0) -> tuple[Any, list[Record]]:
    subscription = bus.subscribe(group, [DEAD_LETTER_TOPIC])
    records: list[Record] = []
    quiet_since = time.monotonic()
    while time.monotonic() - quiet_since < idle_s:
        batch = subscription.poll(0.5)
        if batch:
            records.extend(batch)
            quiet_since = time.monotonic()
    return subscription, records


def cmd_list(args: argparse.Namespace) -> int:
    bus = _bus()
    # A throwaway group: listing must not move the replay position.
    subscription, records = _read_all(bus, f"maillage-dlq-list-{uuid.uuid4().hex[:8]}")
    subscription.close()
    for record in records[-args.limit :]:
        letter = DeadLetter.model_validate_json(record.value)
        origin = f"{letter.topic}[{letter.partition}]@{letter.offset}"
        print(f"{letter.at:%Y-%m-%d %H:%M:%S}  {origin}  key={letter.key}")
        print(f"    {letter.error[:200]}")
    print(f"{len(records)} dead letter(s) in total.")
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    bus = _bus()
    subscription, records = _read_all(bus, REPLAY_GROUP)
    publisher = bus.publisher()
    for record in records:
        letter = DeadLetter.model_validate_json(record.value)
        publisher.publish(letter.topic, letter.key, letter.value())
    publisher.flush()
    subscription.commit()  # only now: a crash before this line replays again, which handlers tolerate
    subscription.close()
    print(f"Replayed {len(records)} record(s) to their original topics.")
    return 0


def add_parser(subparsers: Any) -> None:
    dlq = subparsers.add_parser("dlq", help="inspect or replay the dead-letter topic")
    actions = dlq.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="show the dead letters (nothing is consumed)")
    listing.add_argument("--limit", type=int, default=50)
    listing.set_defaults(func=cmd_list)
    actions.add_parser("replay", help="republish dead letters not replayed yet").set_defaults(func=cmd_replay)
