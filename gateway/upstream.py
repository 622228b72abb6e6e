"""Calls from the gateway to the services: the caller's identity, the internal token, the request id.

An upstream answer in the error envelope passes through unchanged (its 4xx is the client's business); an
upstream that cannot be reached or fails becomes a 503 in the envelope, never a bare 5xx page.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

import httpx
from fastapi import Request
from fastapi.responses import Response

from common.errors import AppError, BadRequest, Unavailable
from common.identity import INTERNAL_TOKEN_HEADER, REQUEST_ID_HEADER, Caller

log = logging.getLogger("maillage.gateway")


T = TypeVar("T")


class UpstreamError(AppError):
    """An upstream 4xx, carried as-is."""

    def __init__(self, status_code: int, body: dict[str, Any]) -> None:
        self.status_code = status_code
        self.kind = str(body.get("error", "error"))
        super().__init__(body.get("detail"))


class Upstream:
    def __init__(self, name: str, client: httpx.AsyncClient, internal_token: str) -> None:
        self.name = name
        self._client = client
        self._token = internal_token

    async def call(
        self,
        method: str,
        path: str,
        caller: Caller,
        request: Request | None = None,
        json_body: Any = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        headers = {INTERNAL_TOKEN_HEADER: self._token, **caller.headers()}
        if request is not None:
            rid = request.scope.get("state", {}).get("request_id")
            if rid:
                headers[REQUEST_ID_HEADER] = rid
        clean_params = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            response = await self._client.request(
                method, path, headers=headers, json=json_body, params=clean_params
            )
        except httpx.InvalidURL as exc:
            raise BadRequest("The request addresses a resource that cannot exist.") from exc
        except httpx.HTTPError as exc:
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
        await self._client.aclose()


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


def _envelope(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except json.JSONDecodeError:
        body = None
    if isinstance(body, dict) and "error" in body:
        return body
    return {"error": "error", "detail": response.text[:300] or response.reason_phrase}
