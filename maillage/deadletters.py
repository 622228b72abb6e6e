"""`maillage dlq list|replay`: inspect the dead-letter topic, and send its records back where they came from.

Replay reads with its own consumer group and commits only after the records are republished, so running
it twice never replays a record twice; `list` reads without committing anything.
"""

from __future__ import annotations

import argparse
import os
import uuid
from pathlib import Path
from typing import Any

from common.messaging.dead_letter_box import DeadLetterBox, read_until_idle
from common.messaging.inprocess import InProcessBus
from common.messaging.kafka import KafkaBus
from common.messaging.port import MessageBus
from common.messaging.worker import DEAD_LETTER_REPLAY_GROUP, DeadLetter
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


def cmd_list(args: argparse.Namespace) -> int:
    bus = _bus()
    # A throwaway group: listing must not move the replay position.
    subscription, records = read_until_idle(bus, f"maillage-dlq-list-{uuid.uuid4().hex[:8]}")
    subscription.close()
    for record in records[-args.limit :]:
        letter = DeadLetter.model_validate_json(record.value)
        origin = f"{letter.topic}[{letter.partition}]@{letter.offset}"
        print(f"{letter.at:%Y-%m-%d %H:%M:%S}  {origin}  key={letter.key}")
        print(f"    {letter.error[:200]}")
    print(f"{len(records)} dead letter(s) in total.")
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    replayed = DeadLetterBox(_bus()).replay()
    print(f"Replayed {replayed} record(s) to their original topics.")
    return 0


def add_parser(subparsers: Any) -> None:
    dlq = subparsers.add_parser("dlq", help="inspect or replay the dead-letter topic")
    actions = dlq.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="show the dead letters (nothing is consumed)")
    listing.add_argument("--limit", type=int, default=50)
    listing.set_defaults(func=cmd_list)
    actions.add_parser("replay", help="republish dead letters not replayed yet").set_defaults(func=cmd_replay)
