"""The gateway application: the only public entry to Maillage."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.http import RequestContextMiddleware, health_router_payload, install_error_handlers
from gateway.auth import TokenIssuer
from gateway.client_address import Network
from gateway.ratelimit import RateLimits
from gateway.routes import accounts, admin_ops, analytics, api, auth, coordination, follow_up, proposals
from gateway.upstream import Upstream
from gateway.users import UserStore
from gateway.web.access import PageAccessRefused, access_refused_page
from gateway.web.error_pages import install_page_error_handlers
from gateway.web.routers import PAGE_ROUTERS

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"),
    (b"cache-control", b"no-store"),
]


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _install_probes(app: FastAPI, readiness: dict[str, Callable[[], Any]]) -> None:
    @app.get("/healthz", include_in_schema=False)
    def liveness() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def ready() -> JSONResponse:
        checks = {name: bool(check()) for name, check in readiness.items()}
        status, body = health_router_payload(checks)
        return JSONResponse(body, status_code=status)


def create_gateway_app(
    users: UserStore,
    tokens: TokenIssuer,
    upstreams: dict[str, Upstream],
    rate_limits: RateLimits,
    readiness: dict[str, Callable[[], Any]] | None = None,
    on_startup: Callable[[], None] = lambda: None,
    on_shutdown: Callable[[], None] = lambda: None,
    max_body_bytes: int = 1_000_000,
    trusted_proxies: Sequence[Network] = (),
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        on_startup()
        try:
            yield
        finally:
            for upstream in upstreams.values():
                await upstream.aclose()
            on_shutdown()

    app = FastAPI(
        title="Maillage API",
        version="1.0",
        description="Ranked, explained opportunities for people in social insertion (SPIE). "
        "Sign in with POST /api/v1/auth/token, then send `Authorization: Bearer <token>`.",
        lifespan=lifespan,
    )
    app.state.users = users
    app.state.tokens = tokens
    app.state.upstreams = upstreams
    app.state.rate_limits = rate_limits
    app.state.trusted_proxies = tuple(trusted_proxies)
    install_error_handlers(app)
    install_page_error_handlers(app)  # a French page for browsers outside the API, the envelope for the rest

    # Pages refuse visitors from a dependency (access.page_caller), before their handler runs; without this,
    # the refusal would reach the catch-all handler as a 500 instead of the sign-in redirect or 403 page.
    @app.exception_handler(PageAccessRefused)
    async def page_access_refused(request: Request, refusal: PageAccessRefused) -> Response:
        return access_refused_page(request, refusal)

    app.include_router(auth.router)
    app.include_router(api.router)
    app.include_router(follow_up.router)
    app.include_router(analytics.router)
    app.include_router(proposals.router)
    app.include_router(accounts.router)
    app.include_router(coordination.router)
    app.include_router(admin_ops.router)
    for pages in PAGE_ROUTERS:
        app.include_router(pages)

    _install_probes(app, readiness or {})
    app.add_middleware(RequestContextMiddleware, max_body_bytes=max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware)
    return app
