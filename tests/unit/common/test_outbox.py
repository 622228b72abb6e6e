from __future__ import annotations

import contextlib
from pathlib import Path

from common.db import make_engine, migrate, session_scope
from common.messaging.inprocess import InProcessBus
from common.outbox import OutboxRelay, enqueue
from contracts.events import OFFERS_TOPIC, ProfileUpsertedV1, decode_event
from services.offers.bootstrap import MIGRATIONS


class FailingPublisher:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, bytes]] = []

    def publish(self, topic: str, key: str, value: bytes) -> None:
        self.sent.append((topic, key, value))

    def flush(self, timeout_s: float = 30.0) -> None:
        raise ConnectionError("broker away")

    def close(self) -> None: ...


def test_rows_stay_pending_until_the_broker_acknowledges(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'o.db'}")
    migrate(engine, MIGRATIONS, "offers_schema_version")
    with session_scope(engine) as session:
        enqueue(session, OFFERS_TOPIC, ProfileUpsertedV1.of("o1", 1))

    failing = OutboxRelay(engine, FailingPublisher())
    with contextlib.suppress(ConnectionError):
        failing.relay_once()
    assert failing.pending() == 1

    bus = InProcessBus()
    relay = OutboxRelay(engine, bus.publisher())
    assert relay.relay_once() == 1
    assert relay.pending() == 0
    records = bus.subscribe("g", [OFFERS_TOPIC]).poll(0)
    assert [decode_event(r.value).key for r in records] == ["o1"]
