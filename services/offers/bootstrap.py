"""Composition root of the offers service: the one place that chooses adapters and wires them."""

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
from common.territory import territory
from services.offers import api, api_import
from services.offers.adapters.sql import sql_units_of_work
from services.offers.service import OffersService
from services.offers.settings import OffersSettings

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class OffersComponents:
    engine: Engine
    service: OffersService
    relay: OutboxRelay
    app: FastAPI


def bootstrap(
    settings: OffersSettings,
    publisher: Publisher,
    start_relay: bool = True,
    reconnect: Callable[[], Publisher] | None = None,
) -> OffersComponents:
    territory()  # a mistyped MAILLAGE_TERRITORY stops the start, with its reason, not a later request
    engine = make_engine(settings.offers_database_url)
    migrate(engine, MIGRATIONS, version_table="offers_schema_version")
    relay = OutboxRelay(engine, publisher, reconnect=reconnect)
    service = OffersService(sql_units_of_work(engine, on_commit=relay.notify))
    app = create_publishing_service_app(
        "offers",
        [api_import.router, api.router, api.internal],
        {"offers": service},
        settings,
        engine,
        relay,
        start_relay,
    )
    return OffersComponents(engine, service, relay, app)
