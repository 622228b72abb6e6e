"""Composition root of the gateway: accounts store, token issuer, and one upstream per service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from common.db import make_engine, migrate
from gateway.app import create_gateway_app
from gateway.auth import TokenIssuer
from gateway.ratelimit import RateLimits
from gateway.settings import GatewaySettings
from gateway.upstream import Upstream
from gateway.users import UserStore

MIGRATIONS = Path(__file__).parent / "migrations"
SERVICES = ("offers", "profiles", "matching")


def build_users(settings: GatewaySettings) -> UserStore:
    engine = make_engine(settings.gateway_database_url)
    migrate(engine, MIGRATIONS, version_table="gateway_schema_version")
    users = UserStore(engine)
    if settings.demo_accounts:
        users.ensure_demo_accounts()
    return users


def bootstrap(
    settings: GatewaySettings,
    transports: dict[str, httpx.AsyncBaseTransport] | None = None,
    on_startup: Callable[[], None] = lambda: None,
    on_shutdown: Callable[[], None] = lambda: None,
    readiness: dict[str, Callable[[], Any]] | None = None,
) -> FastAPI:
    """Distributed mode passes no transports (real HTTP to each service URL); embedded mode passes
    in-process ASGI transports, so the same routes and clients run in both."""
    if not settings.jwt_secret:
        raise RuntimeError("MAILLAGE_JWT_SECRET must be set for the gateway.")
    users = build_users(settings)
    tokens = TokenIssuer(
        secret=settings.jwt_secret,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl=timedelta(minutes=settings.token_ttl_minutes),
    )
    urls = {
        "offers": settings.offers_url,
        "profiles": settings.profiles_url,
        "matching": settings.matching_url,
    }
    upstreams = {}
    for name in SERVICES:
        transport = (transports or {}).get(name)
        client = httpx.AsyncClient(
            base_url=urls[name] if transport is None else f"http://{name}.internal",
            transport=transport,
            timeout=settings.upstream_timeout_s,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        )
        upstreams[name] = Upstream(name, client, settings.internal_token)
    return create_gateway_app(
        users,
        tokens,
        upstreams,
        RateLimits.per_minute(
            settings.login_attempts_per_minute,
            settings.login_attempts_per_minute_per_ip,
            settings.suggestions_per_minute,
        ),
        readiness=readiness,
        on_startup=on_startup,
        on_shutdown=on_shutdown,
        max_body_bytes=settings.max_body_bytes,
    )
