"""Composition root of the profiles service: the one place that chooses adapters and wires them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from common.app import create_publishing_service_app
from common.db import make_engine, migrate
from common.messaging.port import Publisher
from common.outbox import OutboxRelay
from services.profiles import api
from services.profiles.adapters.sql import sql_units_of_work
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
    service = ProfilesService(sql_units_of_work(engine, on_commit=relay.notify))
    app = create_publishing_service_app(
        "profiles",
        [api.router, api.internal],
        {"profiles": service, "retention_days": settings.retention_days},
        settings,
        engine,
        relay,
        start_relay,
    )
    return ProfilesComponents(engine, service, relay, app)
