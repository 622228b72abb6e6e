"""Distributed mode: each service or consumer as its own process, configured by MAILLAGE_* variables.

Kafka carries the events (MAILLAGE_KAFKA_BOOTSTRAP), PostgreSQL holds each service's data
(MAILLAGE_<SERVICE>_DATABASE_URL), Elasticsearch holds the offer index (MAILLAGE_ELASTICSEARCH_URL).
"""

from __future__ import annotations

from fastapi import FastAPI

from common.messaging.kafka import FetchBatching, KafkaBus
from common.messaging.worker import ConsumerWorker
from common.service_tokens import ServiceSigner, require_service_keys
from common.settings import CommonSettings, InsecureSecret, require_distributed_secrets
from contracts.events import ALL_TOPICS
from services.matching.adapters.sources import HttpOfferSource, HttpProfileSource
from services.matching.bootstrap import MatchingComponents
from services.matching.bootstrap import bootstrap as matching_bootstrap
from services.matching.settings import MatchingSettings


def _bus(settings: CommonSettings, client_id: str) -> KafkaBus:
    if not settings.kafka_bootstrap:
        raise RuntimeError(
            "Distributed mode needs MAILLAGE_KAFKA_BOOTSTRAP (host:port of the Kafka brokers)."
        )
    bus = KafkaBus(
        settings.kafka_bootstrap,
        client_id=client_id,
        topic_prefix=settings.topic_prefix,
        batching=FetchBatching(settings.consumer_fetch_min_bytes, settings.consumer_linger_ms),
    )
    bus.ensure_topics(ALL_TOPICS, settings.topic_partitions)
    return bus


__all__ = ["InsecureSecret", "build_matching_consumer", "build_service_app"]


def _matching() -> MatchingComponents:
    settings = MatchingSettings()
    require_service_keys(settings, "matching")
    signer = ServiceSigner.matching(settings)  # the system caller's, toward offers and profiles only
    profiles = HttpProfileSource(settings.profiles_url, signer)
    components = matching_bootstrap(
        settings,
        _bus(settings, "maillage-matching"),
        profiles=profiles,
        offers=HttpOfferSource(settings.offers_url, signer),
        cards=profiles,  # the card comes from the profiles service too
    )
    # Build the occupation index before serving or consuming, so the first request does not wait for it.
    components.service.occupations.warm_up()
    return components


def build_service_app(service: str) -> FastAPI:
    if service == "offers":
        from services.offers.bootstrap import bootstrap as offers_bootstrap
        from services.offers.settings import OffersSettings

        offers_settings = OffersSettings()
        require_service_keys(offers_settings, "offers")
        bus = _bus(offers_settings, "maillage-offers")
        return offers_bootstrap(offers_settings, bus.publisher(), reconnect=bus.publisher).app
    if service == "profiles":
        from services.profiles.bootstrap import bootstrap as profiles_bootstrap
        from services.profiles.settings import ProfilesSettings

        profiles_settings = ProfilesSettings()
        require_service_keys(profiles_settings, "profiles")
        bus = _bus(profiles_settings, "maillage-profiles")
        return profiles_bootstrap(profiles_settings, bus.publisher(), reconnect=bus.publisher).app
    if service == "matching":
        return _matching().app
    if service == "gateway":
        from gateway.bootstrap import bootstrap as gateway_bootstrap
        from gateway.settings import GatewaySettings

        gateway_settings = GatewaySettings()
        require_service_keys(gateway_settings, "gateway")
        require_distributed_secrets(gateway_settings.jwt_secret)
        return gateway_bootstrap(gateway_settings)
    raise ValueError(f"unknown service {service!r}")


def build_matching_consumer() -> ConsumerWorker:
    return _matching().consumer()
