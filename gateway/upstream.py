"""Calls from the gateway to the services: the caller in a service token the gateway signs, the request id.

An upstream answer in the error envelope passes through unchanged (its 4xx is the client's business); an
upstream that cannot be reached or fails becomes a 503 in the envelope, never a bare 5xx page.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import aiohttp
import httpx
from fastapi import Request
from fastapi.responses import Response

from common.errors import AppError, BadRequest, Unavailable
from common.identity import REQUEST_ID_HEADER, Caller
from common.service_tokens import SERVICE_TOKEN_HEADER, ServiceSigner

log = logging.getLogger("maillage.gateway")


T = TypeVar("T")
# A query string as (name, value) pairs: a name may repeat (a list).
QueryPairs = list[tuple[str, str | int | float]]


class UpstreamError(AppError):
    """An upstream 4xx, carried as-is (its code too, when it has one)."""

    def __init__(self, status_code: int, body: dict[str, Any]) -> None:
        self.status_code = status_code
        self.kind = str(body.get("error", "error"))
        code = body.get("code")
        super().__init__(body.get("detail"), code=code if isinstance(code, str) else None)


@dataclass(frozen=True)
class UpstreamAnswer:
    status_code: int
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


class UpstreamUnreachable(Exception):
    """The service could not be reached or did not answer in time."""


class UpstreamBadAddress(Exception):
    """The path built from the caller's input is not a valid URL: nothing can exist there."""


# uvicorn closes idle keep-alive connections after 5 s: reusing one just as it closes fails a POST (not
# retried), so the gateway lets its own idle connections go first.
KEEPALIVE_S = 4.0


class UpstreamTransport(Protocol):
    async def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        json_body: Any,
        params: QueryPairs,
    ) -> UpstreamAnswer: ...

    async def aclose(self) -> None: ...


class NetworkTransport:
    """HTTP/1.1 with keep-alive to a service URL (distributed mode).

    aiohttp rather than httpx here: on the gateway's hot path httpx's client spent ~0.6 ms of CPU per
    call against ~0.1 ms (bench/RESULTS.md); a suggestion makes two calls. The session is created on
    first use, inside the event loop that will drive it."""

    def __init__(self, base_url: str, timeout_s: float, max_connections: int = 100) -> None:
        self._base = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    async def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        json_body: Any,
        params: QueryPairs,
    ) -> UpstreamAnswer:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._max_connections, keepalive_timeout=KEEPALIVE_S),
                timeout=self._timeout,
                json_serialize=json.dumps,
                cookie_jar=aiohttp.DummyCookieJar(),  # callers must never share a service's cookies
            )
        try:
            async with self._session.request(
                method,
                self._base + path,
                headers=headers,
                json=json_body,
                params=params or None,
                allow_redirects=False,  # never carry a service token anywhere else
            ) as response:
                return UpstreamAnswer(response.status, await response.read())
        except aiohttp.InvalidURL as exc:
            raise UpstreamBadAddress(str(exc)) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise UpstreamUnreachable(str(exc) or type(exc).__name__) from exc

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


class InProcessTransport:
    """The service's ASGI app called in the same process (embedded mode): no socket."""

    def __init__(self, app: Any, name: str, timeout_s: float) -> None:
        # A service's unexpected error answers 500 (then 503 at the gateway), as over the network, instead
        # of escaping into the gateway as an exception.
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        self._client = httpx.AsyncClient(
            base_url=f"http://{name}.internal", transport=transport, timeout=timeout_s
        )

    async def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        json_body: Any,
        params: QueryPairs,
    ) -> UpstreamAnswer:
        try:
            response = await self._client.request(
                method, path, headers=headers, json=json_body, params=tuple(params)
            )
        except httpx.InvalidURL as exc:
            raise UpstreamBadAddress(str(exc)) from exc
        except httpx.HTTPError as exc:
            raise UpstreamUnreachable(str(exc) or type(exc).__name__) from exc
        return UpstreamAnswer(response.status_code, response.content)

    async def aclose(self) -> None:
        await self._client.aclose()


class Upstream:
    def __init__(self, name: str, transport: UpstreamTransport, signer: ServiceSigner) -> None:
        """`signer` signs each call's service token (the gateway's Ed25519 key)."""
        self.name = name
        self._transport = transport
        self._signer = signer

    async def call(
        self,
        method: str,
        path: str,
        caller: Caller,
        request: Request | None = None,
        json_body: Any = None,
        params: dict[str, Any] | None = None,
    ) -> UpstreamAnswer:
        # A token of its own for each call: for this service only, this caller, a minute at most.
        headers = {SERVICE_TOKEN_HEADER: self._signer.sign(self.name, caller)}
        if request is not None:
            rid = request.scope.get("state", {}).get("request_id")
            if rid:
                headers[REQUEST_ID_HEADER] = rid
        try:
            response = await self._transport.request(method, path, headers, json_body, _query(params))
        except UpstreamBadAddress as exc:
            raise BadRequest("The request addresses a resource that cannot exist.") from exc
        except UpstreamUnreachable as exc:
            log.warning("%s unreachable: %s", self.name, exc)
            raise Unavailable(f"The {self.name} service is unavailable; try again shortly.") from exc
        if response.status_code >= 500:
            log.warning("%s answered %s on %s %s", self.name, response.status_code, method, path)
            raise Unavailable(f"The {self.name} service failed to answer; try again shortly.")
        if response.status_code >= 400:
            raise UpstreamError(response.status_code, _envelope(response))
        return response

    async def relay(self, *args: Any, **kwargs: Any) -> Response:
        """Call and hand the upstream JSON to the client as it came (no re-serialisation)."""
        response = await self.call(*args, **kwargs)
        return Response(
            content=response.content, status_code=response.status_code, media_type="application/json"
        )

    async def aclose(self) -> None:
        await self._transport.aclose()


def _query(params: dict[str, Any] | None) -> QueryPairs:
    """Query parameters as both transports take them: None left out, booleans spelled as FastAPI reads
    them, a list as the parameter repeated."""
    out: QueryPairs = []
    for name, value in (params or {}).items():
        for item in value if isinstance(value, list) else [value]:
            if item is not None:
                out.append((name, ("true" if item else "false") if isinstance(item, bool) else item))
    return out


async def answer_once_allowed(check: Awaitable[object], read: Awaitable[T]) -> T:
    """Run an access check and a read side by side; hand out the read's answer only once the check has
    passed. When the check fails, its error wins and the read is cancelled (its answer never leaves).
    Only for reads: a write must not start before its check passes."""
    checking = asyncio.ensure_future(check)
    reading = asyncio.ensure_future(read)
    # When the check's error wins, fetch the read's own error so it is not logged as never retrieved.
    reading.add_done_callback(lambda task: task.cancelled() or task.exception())
    try:
        await checking
    except BaseException:
        reading.cancel()
        raise
    return await reading


def _envelope(response: UpstreamAnswer) -> dict[str, Any]:
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    if isinstance(body, dict) and "error" in body:
        return body
    return {"error": "error", "detail": response.text[:300] or f"HTTP {response.status_code}"}
