"""create_service_app(): the FastAPI application every service is built with.

Same error envelope, same request ids and body limit, same health endpoints; the caller comes from the
gateway's headers. The composition root (each service's bootstrap.py) passes what differs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy.engine import Engine

from common.db import database_reachable
from common.http import (
    RequestContextMiddleware,
    caller_dependency,
    health_router_payload,
    install_error_handlers,
)
from common.outbox import OutboxRelay
from common.service_tokens import ServiceVerifier
from common.settings import CommonSettings

HealthCheck = Callable[[], bool]


def create_service_app(
    title: str,
    routers: Iterable[APIRouter],
    state: dict[str, Any],
    verifier: ServiceVerifier,
    readiness: dict[str, HealthCheck],
    *,
    audience: str,
    on_startup: Callable[[], None] = lambda: None,
    on_shutdown: Callable[[], None] = lambda: None,
    max_body_bytes: int = 1_000_000,
    metrics: Callable[[], dict[str, float]] | None = None,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        on_startup()
        try:
            yield
        finally:
            on_shutdown()

    app = FastAPI(title=title, lifespan=lifespan)
    for name, value in state.items():
        setattr(app.state, name, value)
    app.state.caller_resolver = caller_dependency(verifier, audience)
    install_error_handlers(app)
    for router in routers:
        app.include_router(router)

    @app.get("/healthz", include_in_schema=False)
    def liveness() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    def readiness_probe() -> JSONResponse:
        status, body = health_router_payload({name: check() for name, check in readiness.items()})
        return JSONResponse(body, status_code=status)

    @app.get("/metrics", include_in_schema=False)
    def prometheus_metrics() -> PlainTextResponse:
        """Prometheus text format; scraped inside the cluster, never exposed through the gateway."""
        values = metrics() if metrics else {}
        lines = [f"{name} {float(value)}" for name, value in sorted(values.items())]
        return PlainTextResponse("\n".join(lines) + "\n", media_type="text/plain; version=0.0.4")

    app.add_middleware(RequestContextMiddleware, max_body_bytes=max_body_bytes)
    return app


def create_publishing_service_app(
    name: str,
    routers: Iterable[APIRouter],
    state: dict[str, Any],
    settings: CommonSettings,
    engine: Engine,
    relay: OutboxRelay,
    start_relay: bool,
) -> FastAPI:
    """A service that owns a SQL store and publishes its events through an outbox (offers, profiles).

    Ready when its database answers and the relay's last attempt succeeded; the relay runs as a thread of
    the service unless the composition root runs it itself (embedded mode)."""
    return create_service_app(
        f"Maillage {name} service",
        routers,
        state,
        ServiceVerifier.from_settings(settings),
        audience=name,
        readiness={
            "database": lambda: database_reachable(engine),
            "outbox": lambda: relay.last_error is None,
        },
        on_startup=(lambda: relay.start(f"{name}-outbox-relay")) if start_relay else (lambda: None),
        on_shutdown=relay.stop if start_relay else (lambda: None),
        max_body_bytes=settings.max_body_bytes,
        metrics=lambda: {
            "maillage_outbox_pending": relay.pending(),
            "maillage_outbox_published_total": relay.published,
        },
    )
