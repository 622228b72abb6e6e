"""Composition root of the matching service: index, encoder, sources, consumer, app."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from common.app import HealthCheck, create_service_app
from common.db import database_reachable, make_engine, migrate
from common.messaging.dead_letter_box import DeadLetterBox
from common.messaging.port import MessageBus
from common.messaging.worker import DEAD_LETTER_REPLAY_GROUP, DEAD_LETTER_TOPIC, ConsumerWorker
from common.outbox import OutboxRelay
from common.service_tokens import ServiceVerifier
from contracts.events import OFFERS_TOPIC, PROFILES_TOPIC
from services.matching import (
    api,
    api_analytics,
    api_analytics_map,
    api_deadletters,
    api_occupations,
    api_proposals,
    api_referent_activity,
    api_skills,
)
from services.matching.adapters.embedding_cache import MemoryCachedTextEncoder
from services.matching.adapters.encoders import make_text_encoder
from services.matching.adapters.es_index import ElasticsearchOfferIndex
from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.adapters.sql import sql_units_of_work
from services.matching.employer_proposals import EmployerProposals
from services.matching.occupations import OccupationResolver, shared_linker, shared_skill_linker
from services.matching.ports import CandidateCardSource, OfferIndex, OfferSource, ProfileSource, TextEncoder
from services.matching.reindexing import Reindexer
from services.matching.service import MatchingService
from services.matching.settings import MatchingSettings

MIGRATIONS = Path(__file__).parent / "migrations"
CONSUMED_TOPICS = [OFFERS_TOPIC, PROFILES_TOPIC]


@dataclass
class MatchingComponents:
    engine: Engine
    service: MatchingService
    relay: OutboxRelay
    app: FastAPI
    bus: MessageBus
    settings: MatchingSettings
    in_process_workers: list[ConsumerWorker]

    def consumer(self) -> ConsumerWorker:
        return ConsumerWorker(
            self.bus.subscribe(self.settings.consumer_group, CONSUMED_TOPICS),
            self.service.event_handlers(),
            dead_letters=self.bus.publisher(),
            max_records=self.settings.consumer_batch_records,
        )

    def start_in_process_consumer(self) -> ConsumerWorker:
        """Embedded mode: the consumer runs as a thread of this process and reports its stats directly."""
        worker = self.consumer()
        self.in_process_workers.append(worker)
        worker.start("matching-consumer")
        return worker


def make_index(settings: MatchingSettings, dimensions: int) -> OfferIndex:
    if settings.elasticsearch_url:
        return ElasticsearchOfferIndex(
            settings.elasticsearch_url,
            dimensions,
            alias=settings.index_alias,
            vector_index=settings.es_vector_index,
        )
    Path(settings.local_index_path).parent.mkdir(parents=True, exist_ok=True)
    return LocalOfferIndex(settings.local_index_path, dimensions)


ROUTERS = [
    api.router,
    api_analytics.router,
    api_analytics_map.router,
    api_occupations.router,
    api_referent_activity.router,
    api_skills.router,
    api_proposals.router,
    api_deadletters.router,
]


def bootstrap(
    settings: MatchingSettings,
    bus: MessageBus,
    profiles: ProfileSource,
    offers: OfferSource,
    encoder: TextEncoder | None = None,
    start_relay: bool = True,
    cards: CandidateCardSource | None = None,
) -> MatchingComponents:
    engine = make_engine(settings.matching_database_url)
    migrate(engine, MIGRATIONS, version_table="matching_schema_version")
    encoder = _remembering(encoder or make_text_encoder(settings.encoder), settings)
    index = make_index(settings, encoder.dimensions)
    index.ensure()
    relay = OutboxRelay(engine, bus.publisher(), reconnect=bus.publisher)
    occupations = _occupation_resolver(settings)
    units_of_work = sql_units_of_work(engine, on_commit=relay.notify)
    service = MatchingService(
        units_of_work=units_of_work,
        index=index,
        encoder=encoder,
        profiles=profiles,
        offers=offers,
        occupations=occupations,
        cards=cards,
    )

    workers: list[ConsumerWorker] = []

    def consumer_stats() -> dict[str, Any]:
        # In embedded mode the worker lives in this process; otherwise ask the broker about the group.
        if workers:
            return _worker_stats(workers[0])
        return {"lag": bus.group_lag(settings.consumer_group, CONSUMED_TOPICS)}

    app = create_service_app(
        "Maillage matching service",
        ROUTERS,
        {
            "matching": service,
            "proposals": EmployerProposals(units_of_work),
            # The resolver's own linker: candidates read what the product links with.
            "occupation_linker": occupations.linker,
            "skill_linker": occupations.skill_linker,  # likewise: a skill shows linked as matching reads it
            "consumer_stats": consumer_stats,
            "reindexer": Reindexer(lambda progress: service.rebuild_index(progress=progress)),
            "dead_letters": DeadLetterBox(bus),
        },
        ServiceVerifier.from_settings(settings),
        audience="matching",
        readiness=_readiness(engine, index),
        on_startup=(lambda: relay.start("matching-outbox-relay")) if start_relay else (lambda: None),
        on_shutdown=relay.stop if start_relay else (lambda: None),
        max_body_bytes=settings.max_body_bytes,
        metrics=lambda: _metrics(service, consumer_stats(), relay, bus),
    )
    return MatchingComponents(engine, service, relay, app, bus, settings, workers)


def _occupation_resolver(settings: MatchingSettings) -> OccupationResolver:
    return OccupationResolver(
        shared_linker(settings.linker, settings.linking_cache),
        shared_skill_linker(settings.linker, settings.linking_cache),
        # Both are the multilingual USE: a title's index vector is the one linking would compute.
        index_vectors_serve_linking=settings.encoder == settings.linker == "use",
    )


def _remembering(encoder: TextEncoder, settings: MatchingSettings) -> TextEncoder:
    if settings.embedding_cache_entries > 0:
        # Unchanged texts (a pause, new hours, a re-import, a reindex) are not embedded twice.
        return MemoryCachedTextEncoder(encoder, capacity=settings.embedding_cache_entries)
    return encoder


def _readiness(engine: Engine, index: OfferIndex) -> dict[str, HealthCheck]:
    return {"database": lambda: database_reachable(engine), "index": index.reachable}


def _metrics(
    service: MatchingService, consumer: dict[str, Any], relay: OutboxRelay, bus: MessageBus
) -> dict[str, float]:
    values = {
        "maillage_indexed_offers": float(service.index.count()),
        "maillage_consumer_lag": float(consumer.get("lag") or 0),
        "maillage_outbox_pending": float(relay.pending()),
        "maillage_dead_letters_pending": float(bus.group_lag(DEAD_LETTER_REPLAY_GROUP, [DEAD_LETTER_TOPIC])),
    }
    # Counters only exist where the consumer runs (embedded mode, or a consumer process's own stats).
    for name in ("processed", "dead_lettered", "retries"):
        if name in consumer:
            values[f"maillage_consumer_{name}_total"] = float(consumer[name] or 0)
    return values


def _worker_stats(worker: ConsumerWorker) -> dict[str, Any]:
    s = worker.stats
    return {
        "lag": s.lag,
        "processed": s.processed,
        "dead_lettered": s.dead_lettered,
        "retries": s.retries,
        "last_error": s.last_error,
    }
