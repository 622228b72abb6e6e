"""Composition root of the gateway: accounts store, token issuer, and one upstream per service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from common.db import make_engine, migrate
from common.service_tokens import ServiceSigner
from gateway.app import create_gateway_app
from gateway.auth import TokenIssuer
from gateway.client_address import trusted_networks
from gateway.legal_notice import LegalNotice
from gateway.ratelimit import AccountLockout, RateLimiter, RateLimits
from gateway.settings import GatewaySettings
from gateway.shared_limits import SharedAccountLockout, SharedRateLimiter
from gateway.upstream import InProcessTransport, NetworkTransport, Upstream, UpstreamTransport
from gateway.users import UserStore

MIGRATIONS = Path(__file__).parent / "migrations"
SERVICES = ("offers", "profiles", "matching")


def build_users(settings: GatewaySettings, engine: Engine | None = None) -> UserStore:
    engine = engine or make_engine(settings.gateway_database_url)
    migrate(engine, MIGRATIONS, version_table="gateway_schema_version")
    users = UserStore(engine, cache_seconds=settings.auth_cache_seconds)
    if settings.demo_accounts:
        users.ensure_demo_accounts()
    return users


def rate_limits(settings: GatewaySettings, shared_in: Engine | None) -> RateLimits:
    """Sign-in limits in the gateway's PostgreSQL database when `shared_in` is one (distributed mode:
    every replica sees the same buckets and lockouts), else in this process's memory. The suggestions
    limit stays per replica: it guards an async route, where a database round trip per call would hold
    the event loop, and it is a load guard rather than a defence against guessing passwords."""
    per_user, per_ip = settings.login_attempts_per_minute, settings.login_attempts_per_minute_per_ip
    threshold = settings.login_lockout_after_failures or per_user
    first, longest = settings.login_lockout_first_seconds, settings.login_lockout_longest_seconds
    suggestions = RateLimiter(settings.suggestions_per_minute, 60)
    if shared_in is None or shared_in.dialect.name != "postgresql":
        lockout = AccountLockout(threshold, first, longest)
        return RateLimits(RateLimiter(per_user, 60), RateLimiter(per_ip, 60), suggestions, lockout)
    return RateLimits(
        SharedRateLimiter(shared_in, "login_user", per_user, 60),
        SharedRateLimiter(shared_in, "login_ip", per_ip, 60),
        suggestions,
        SharedAccountLockout(shared_in, threshold, first, longest),
    )


def bootstrap(
    settings: GatewaySettings,
    in_process: dict[str, Any] | None = None,
    on_startup: Callable[[], None] = lambda: None,
    on_shutdown: Callable[[], None] = lambda: None,
    readiness: dict[str, Callable[[], Any]] | None = None,
) -> FastAPI:
    """Distributed mode passes no apps (HTTP to each service URL); embedded mode passes the services'
    ASGI apps, called in process, so the same routes run in both."""
    if not settings.jwt_secret:
        raise RuntimeError("MAILLAGE_JWT_SECRET must be set for the gateway.")
    engine = make_engine(settings.gateway_database_url)
    users = build_users(settings, engine)
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
    signer = ServiceSigner.gateway(settings)
    upstreams = {}
    for name in SERVICES:
        app = (in_process or {}).get(name)
        transport: UpstreamTransport = (
            NetworkTransport(urls[name], settings.upstream_timeout_s)
            if app is None
            else InProcessTransport(app, name, settings.upstream_timeout_s)
        )
        upstreams[name] = Upstream(name, transport, signer)
    app = create_gateway_app(
        users,
        tokens,
        upstreams,
        rate_limits(settings, engine if in_process is None else None),
        trusted_proxies=trusted_networks(settings.trusted_proxies),
        readiness=readiness,
        on_startup=on_startup,
        on_shutdown=on_shutdown,
        max_body_bytes=settings.max_body_bytes,
    )
    app.state.follow_up_days = settings.follow_up_days
    app.state.legal = LegalNotice.from_settings(settings)
    return app
