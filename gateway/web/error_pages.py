"""The French error page a browser gets for a 403, 404, 405 or 500 anywhere outside the API.

The common handlers (common.http) answer every error in the JSON envelope; the gateway keeps them for the
API and for any client that does not ask for HTML, and puts a page in the site's layout, with a way back,
in front of them for browsers. A browser is told apart by its Accept header (every navigation and form
submission sends text/html), so curl, httpx and the API's own clients keep the envelope everywhere.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from common import french_catalogue as fr
from common.errors import AppError
from gateway.session import session_caller
from gateway.web.rendering import render

log = logging.getLogger("maillage.gateway")

# Paths whose errors stay JSON even for a browser: the API, its documentation and the probes.
JSON_PATHS = ("/api/", "/docs", "/redoc", "/openapi.json", "/healthz", "/readyz")

# As Starlette keeps them: a handler may answer directly or be awaited (common.http's are coroutines).
ErrorHandler = Callable[[Request, Any], Response | Awaitable[Response]]


def wants_page(request: Request) -> bool:
    """A browser navigating the site (not the API): it gets a page rather than the JSON envelope."""
    if request.url.path.startswith(JSON_PATHS):
        return False
    return "text/html" in request.headers.get("accept", "")


def status_of(exc: Exception) -> int:
    if isinstance(exc, AppError | StarletteHTTPException):
        return exc.status_code
    return 500


def error_page(request: Request, status: int, code: str | None = None) -> Response:
    """The page for `status`, as the visitor's session sees the site (their header and home link); an
    error that names a rule (`code`) says it in the catalogue's words."""
    wording = fr.ERROR_PAGES.get(status, fr.ERROR_PAGES[500] if status >= 500 else fr.ERROR_PAGES[400])
    # A server error shows its request id, so that whoever reads the logs finds it.
    reference = request.scope.get("state", {}).get("request_id", "") if status >= 500 else ""
    return render(
        request,
        "error.html",
        status,
        session_caller(request),
        title=wording.title,
        message=fr.error_message(code) or wording.message,
        reference=reference,
    )


def page_or_envelope(json_handler: ErrorHandler) -> Callable[[Request, Exception], Awaitable[Response]]:
    """The error as a French page for a browser on the site, else as the common handler answers it."""

    async def handle(request: Request, exc: Exception) -> Response:
        if not wants_page(request):
            answer = json_handler(request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        status = status_of(exc)
        if status >= 500:
            log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_page(request, status, exc.code if isinstance(exc, AppError) else None)

    return handle


def install_page_error_handlers(app: FastAPI) -> None:
    """Wrap the envelope handlers already installed (common.http.install_error_handlers) for browsers."""
    for exc_type in (StarletteHTTPException, AppError, Exception):
        app.add_exception_handler(exc_type, page_or_envelope(app.exception_handlers[exc_type]))
