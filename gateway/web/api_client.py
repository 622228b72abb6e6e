"""The public API as the pages call it: in-process, with the session's token, its refusals in French."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import Request

from common import french_catalogue as fr
from common.identity import REQUEST_ID_HEADER
from gateway.client_address import request_client
from gateway.session import session_token
from gateway.web.forms import FORM_FIELDS, form_field


@asynccontextmanager
async def api(request: Request) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the gateway's own /api/v1 routes, as the signed-in visitor (no socket involved)."""
    headers = {"Authorization": f"Bearer {session_token(request) or ''}"}
    rid = request.scope.get("state", {}).get("request_id")
    if rid:
        headers[REQUEST_ID_HEADER] = rid
    # The visitor's own address as the peer, so that limits per address count each visitor apart (all
    # page calls would otherwise come from one in-process 127.0.0.1 and share one bucket).
    transport = httpx.ASGITransport(app=request.app, client=(request_client(request), 0))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://gateway.internal", headers=headers, timeout=60
    ) as client:
        yield client


class ApiFailure(Exception):
    """An answer of the API in the error envelope: {"error", "detail"} and, for a rule of the domain,
    a stable "code" that the catalogue words in French."""

    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        self.kind = str(body.get("error", "error"))
        self.detail = body.get("detail")
        code = body.get("code")
        self.code = code if isinstance(code, str) else None
        super().__init__(f"{self.status_code} {self.kind}")

    def message(self, fallback: str) -> str:
        """One sentence for the visitor: the code's French, else the detail when it is a sentence."""
        return fr.error_message(self.code) or (self.detail if isinstance(self.detail, str) else fallback)

    def field_errors(self, aliases: Mapping[str, str] = FORM_FIELDS) -> dict[str, str]:
        """The envelope's field list as {form field: French message}; a sentence goes under '_form'.

        A coded error words its fields with the code's French. Other messages are shown as the API wrote
        them: the French pages check their bodies against the API's models first, so what remains are the
        services' own messages, written in French."""
        if not isinstance(self.detail, list):
            return {"_form": fr.error_message(self.code) or str(self.detail or fr.REQUEST_FAILED)}
        coded = fr.error_message(self.code)
        errors: dict[str, str] = {}
        for item in self.detail:
            if isinstance(item, dict):
                name = form_field(str(item.get("field", "_form")), aliases)
                errors.setdefault(name, coded or str(item.get("message", "")))
        return errors


def ok(response: httpx.Response) -> Any:
    """The answer's JSON; a refusal is raised as an ApiFailure."""
    if response.status_code >= 400:
        raise ApiFailure(response)
    return response.json()


def form_refusal(response: httpx.Response) -> ApiFailure:
    """The API's refusal of a form: returned when it is about the form's values (the page shows them
    again, with the errors), raised when it is about access (the page gives way to the error page)."""
    failure = ApiFailure(response)
    if failure.status_code in (401, 403, 404):
        raise failure
    return failure
