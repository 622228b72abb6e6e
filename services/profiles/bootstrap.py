"""Composition root of the profiles service: the one place that chooses adapters and wires them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from common.app import create_service_app
from common.db import database_reachable, make_engine, migrate
from common.messaging.port import Publisher
from common.outbox import OutboxRelay
from services.profiles import api
from services.profiles.service import ProfilesService
from services.profiles.settings import ProfilesSettings

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class ProfilesComponents:
    engine: Engine
    service: ProfilesService
    relay: OutboxRelay
    app: FastAPI


def bootstrap(
    settings: ProfilesSettings,
    publisher: Publisher,
    start_relay: bool = True,
    reconnect: Callable[[], Publisher] | None = None,
) -> ProfilesComponents:
    engine = make_engine(settings.profiles_database_url)
    migrate(engine, MIGRATIONS, version_table="profiles_schema_version")
    relay = OutboxRelay(engine, publisher, reconnect=reconnect)
    service = ProfilesService(engine, on_commit=relay.notify)
    app = create_service_app(
        "Maillage profiles service",
        [api.router, api.internal],
        {"profiles": service, "retention_days": settings.retention_days},
        settings.internal_token,
        readiness={
            "database": lambda: database_reachable(engine),
            "outbox": lambda: relay.last_error is None,
        },
        on_startup=(lambda: relay.start("profiles-outbox-relay")) if start_relay else (lambda: None),
        on_shutdown=relay.stop if start_relay else (lambda: None),
        max_body_bytes=settings.max_body_bytes,
        metrics=lambda: {
            "maillage_outbox_pending": relay.pending(),
            "maillage_outbox_published_total": relay.published,
        },
    )
    return ProfilesComponents(engine, service, relay, app)
