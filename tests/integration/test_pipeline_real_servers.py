"""Offers on PostgreSQL → outbox → Kafka → matching consumer → Elasticsearch → kNN with a geo filter."""

from __future__ import annotations

import json
import time
import uuid
from datetime import date
from pathlib import Path

from common.db import make_engine, migrate
from common.identity import Caller, Role
from common.messaging.kafka import KafkaBus
from common.messaging.worker import DEAD_LETTER_TOPIC, ConsumerWorker, DeadLetter
from common.outbox import OutboxRelay
from contracts.events import OFFERS_TOPIC, OfferUpsertedV1, decode_event
from contracts.offers import OfferAction, OfferCreate
from services.matching.adapters.encoders import HashingEncoder
from services.matching.adapters.es_index import ElasticsearchOfferIndex
from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.adapters.sql import sql_units_of_work as matching_units_of_work
from services.matching.bootstrap import MIGRATIONS as MATCHING_MIGRATIONS
from services.matching.ports import HardFilters
from services.matching.service import MatchingService
from services.offers.adapters.sql import sql_units_of_work
from services.offers.bootstrap import MIGRATIONS as OFFERS_MIGRATIONS
from services.offers.service import OffersService
from tests.factories import location, offer_payload


class NoProfiles:
    def matching_view(self, profile_id: str) -> None:
        return None


class NoOffers:
    def iter_offers(self, page_size: int = 500):  # type: ignore[no-untyped-def]
        return iter(())


def test_offers_flow_through_kafka_into_elasticsearch(
    fresh_postgres_db: str, kafka_bootstrap: str, elasticsearch_url: str, tmp_path: Path
) -> None:
    run = uuid.uuid4().hex[:8]
    offers_engine = make_engine(fresh_postgres_db)
    migrate(offers_engine, OFFERS_MIGRATIONS, "offers_schema_version")
    bus = KafkaBus(kafka_bootstrap, client_id=f"it-{run}")
    bus.ensure_topics([OFFERS_TOPIC], 3)
    offers = OffersService(sql_units_of_work(offers_engine))
    relay = OutboxRelay(offers_engine, bus.publisher())

    employer = Caller(f"e-{run}", Role.EMPLOYER)
    montargis = offers.create(employer, OfferCreate(**offer_payload(location=location("Montargis"))))
    orleans = offers.create(employer, OfferCreate(**offer_payload(location=location("Orléans"))))
    paused = offers.create(employer, OfferCreate(**offer_payload(location=location("Amilly"))))
    offers.act(employer, paused.id, OfferAction.PAUSE)
    assert relay.relay_once() == 4

    encoder = HashingEncoder(64)
    index = ElasticsearchOfferIndex(elasticsearch_url, 64, alias=f"it-{run}")
    index.ensure()
    matching_engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(matching_engine, MATCHING_MIGRATIONS, "matching_schema_version")
    matching = MatchingService(
        matching_units_of_work(matching_engine), index, encoder, NoProfiles(), NoOffers()
    )
    group = f"it-matching-{run}"
    worker = ConsumerWorker(bus.subscribe(group, [OFFERS_TOPIC]), matching.event_handlers(), bus.publisher())

    ours = {montargis.id, orleans.id, paused.id}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (
        set(index.versions(list(ours))) != ours or bus.group_lag(group, [OFFERS_TOPIC]) > 0
    ):
        worker.run_once()
    assert index.versions(list(ours)) == {montargis.id: 1, orleans.id: 1, paused.id: 2}
    assert bus.group_lag(group, [OFFERS_TOPIC]) == 0  # every offset committed after indexing
    worker.subscription.close()

    index.refresh()
    amilly = location("Amilly")
    filters = HardFilters(lat=amilly["lat"], lon=amilly["lon"], radius_km=15, today=date.today())
    hits = index.search(encoder.encode(["agent de propreté"])[0], filters, 10)
    assert [h.offer.id for h in hits] == [montargis.id]  # Orléans too far, the Amilly offer paused


EXAMPLES = Path(__file__).resolve().parents[2] / "contracts" / "examples"


def test_an_event_of_an_unknown_version_goes_to_the_dead_letter_topic_on_kafka(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    run = uuid.uuid4().hex[:8]
    bus = KafkaBus(kafka_bootstrap, client_id=f"it-{run}", topic_prefix=f"it-{run}-")
    bus.ensure_topics([OFFERS_TOPIC, DEAD_LETTER_TOPIC], 3)
    known = decode_event((EXAMPLES / "offer.upserted.v1.json").read_bytes())
    assert isinstance(known, OfferUpsertedV1)
    version_2 = json.dumps({**json.loads(known.to_bytes()), "schema_version": 2}).encode()
    publisher = bus.publisher()
    publisher.publish(OFFERS_TOPIC, known.key, version_2)
    publisher.publish(OFFERS_TOPIC, known.key, known.to_bytes())
    publisher.flush()

    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine, MATCHING_MIGRATIONS, "matching_schema_version")
    index = LocalOfferIndex(str(tmp_path / "i.db"), 64)
    matching = MatchingService(
        matching_units_of_work(engine), index, HashingEncoder(64), NoProfiles(), NoOffers()
    )
    group = f"it-matching-{run}"
    worker = ConsumerWorker(bus.subscribe(group, [OFFERS_TOPIC]), matching.event_handlers(), bus.publisher())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (
        not index.versions([known.key]) or bus.group_lag(group, [OFFERS_TOPIC])
    ):
        worker.run_once()
    worker.subscription.close()
    assert index.versions([known.key]) == {known.key: known.payload.version}  # v1 handled
    assert bus.group_lag(group, [OFFERS_TOPIC]) == 0  # the unknown version did not stop the partition

    inspect = bus.subscribe(f"it-inspect-{run}", [DEAD_LETTER_TOPIC])
    letters: list[DeadLetter] = []
    while time.monotonic() < deadline and not letters:
        letters = [DeadLetter.model_validate_json(r.value) for r in inspect.poll(0.5)]
    inspect.close()
    assert [(d.topic, d.key, d.value()) for d in letters] == [(OFFERS_TOPIC, known.key, version_2)]
    assert letters[0].error == "unknown event: no handler for event type 'offer.upserted', schema version 2"
