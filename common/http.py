"""The HTTP edge shared by every service: the error envelope, request ids, body limits, the caller.

Every error leaves a Maillage process as {"error": <kind>, "detail": <sentence or field list>} with a
4xx status, plus "code": <stable id> when the error names a rule of the domain (see common.errors); an
unexpected exception becomes a 500 in the same envelope (and is logged with its request id).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.errors import AppError, Unauthorized
from common.identity import REQUEST_ID_HEADER, Caller
from common.service_tokens import SERVICE_TOKEN_HEADER, ServiceVerifier

log = logging.getLogger("maillage.http")

_STATUS_KINDS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    503: "unavailable",
}


def error_response(
    status: int, kind: str, detail: Any, headers: dict[str, str] | None = None, code: str | None = None
) -> JSONResponse:
    body: dict[str, Any] = {"error": kind, "detail": detail}
    if code:
        body["code"] = code
    return JSONResponse(body, status_code=status, headers=headers)


def field_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Pydantic's errors as a short field list: [{"field": "location.lat", "message": ...}]."""
    fields: list[dict[str, Any]] = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body",)]
        fields.append({"field": ".".join(loc) or "body", "message": str(err.get("msg", "invalid value"))})
    return fields


def _field_errors(exc: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    """Tell a broken body apart from a wrong field."""
    errors = exc.errors()
    kind = "invalid_json" if any(e.get("type") == "json_invalid" for e in errors) else "validation_error"
    return kind, field_errors(errors)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else {}
        headers.update(exc.headers or {})
        return error_response(exc.status_code, exc.kind, exc.detail, headers or None, exc.code)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        kind, fields = _field_errors(exc)
        if kind == "invalid_json":
            return error_response(400, kind, "The request body is not valid JSON.")
        return error_response(422, kind, fields)

    @app.exception_handler(ValidationError)
    async def _domain_validation(_: Request, exc: ValidationError) -> JSONResponse:
        # A model validated inside a use case (e.g. a merged update) failed: still the client's input.
        return error_response(422, "validation_error", field_errors(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = _STATUS_KINDS.get(exc.status_code, "error")
        return error_response(exc.status_code, kind, exc.detail, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal", "An unexpected error occurred; it has been logged.")


MAX_JSON_DEPTH = 32  # no Maillage document nests deeper than 4; deep nesting is only ever an attack


def json_depth(body: bytes) -> int:
    """Deepest nesting of arrays and objects, strings skipped, without parsing (so it cannot recurse)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


class RequestContextMiddleware:
    """Gives every request an id (kept from the caller when well-formed), refuses oversized bodies while they
    stream in, and refuses JSON nested deeper than any Maillage document before anything parses it.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int = 1_000_000) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        request_id = _request_id(headers.get(REQUEST_ID_HEADER.lower(), ""))
        scope.setdefault("state", {})["request_id"] = request_id

        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            await self._too_large(send, request_id)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise _BodyTooLarge
            return message

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        downstream: Receive = limited_receive
        if "json" in headers.get("content-type", ""):
            # JSON bodies are read here in full (they are bounded by the limit above) to check their depth.
            try:
                body = await _read_body(limited_receive)
            except _BodyTooLarge:
                await self._too_large(send, request_id)
                return
            if json_depth(body) > MAX_JSON_DEPTH:
                detail = f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels."
                response = error_response(400, "bad_request", detail)
                response.headers["x-request-id"] = request_id
                await response({"type": "http"}, _empty_receive, send)
                return
            downstream = _replay(body, receive)

        try:
            await self.app(scope, downstream, send_with_id)
        except _BodyTooLarge:
            await self._too_large(send, request_id)

    async def _too_large(self, send: Send, request_id: str) -> None:
        response = error_response(413, "payload_too_large", f"The body exceeds {self.max_body_bytes} bytes.")
        response.headers["x-request-id"] = request_id
        await response({"type": "http"}, _empty_receive, send)


def _request_id(given: str) -> str:
    """The caller's request id when well-formed (it ties the logs of one call together), else a new one."""
    if 0 < len(given) <= 64 and given.replace("-", "").isalnum():
        return given
    return uuid.uuid4().hex


class _BodyTooLarge(Exception):
    pass


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """Hand the app the body already read, then the real channel (for disconnect notices)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _empty_receive() -> Message:
    return {"type": "http.disconnect"}


def caller_dependency(verifier: ServiceVerifier, service: str) -> Callable[[Request], Awaitable[Caller]]:
    """A FastAPI dependency that reads the caller from the service token the gateway signed for this
    service (common/service_tokens.py), or refuses the request."""

    async def current_caller(request: Request) -> Caller:
        return verifier.verify(service, request.headers.get(SERVICE_TOKEN_HEADER, ""))

    return current_caller


CallerResolver = Callable[[Request], Awaitable[Caller]]


async def resolve_caller(request: Request) -> Caller:
    resolver: CallerResolver = request.app.state.caller_resolver
    return await resolver(request)


CallerDep = Annotated[Caller, Depends(resolve_caller)]

# Every entity id in Maillage is a short token (uuid4 hex for offers and profiles); anything else is refused
# at the edge, before it reaches a URL or a query.
EntityId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="Entity id.")]

# Read-your-writes: a read that must reflect at least this version of a profile (the `version` its last
# save returned). Optional, so clients that do not send it read as before.
MinVersion = Annotated[
    int | None,
    Query(
        ge=1,
        le=2_000_000_000,
        description="Answer from this version of the profile or a newer one: pass the `version` that "
        "the last PATCH returned to see its effect at once.",
    ),
]


def health_router_payload(checks: dict[str, bool]) -> tuple[int, dict[str, Any]]:
    ok = all(checks.values())
    return (200 if ok else 503), {"status": "ok" if ok else "degraded", "checks": checks}
