"""Running the platform (admins): the audit log of personal files, searched by person, user and period;
the dead letters of matching's consumer (look, replay, discard)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from common.identity import Role
from contracts.audit import AuditSearch
from contracts.operations import DeadLetters, DeadLetterSettle, DeadLettersSettled
from gateway.auth import CallerDep, require
from gateway.upstream import Upstream

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


class DeadLetterAction(StrEnum):
    REPLAY = "replay"
    DISCARD = "discard"


Name = Annotated[str | None, Query(max_length=64, pattern=r"^[A-Za-z0-9_-]*$")]


@router.get("/audit", response_model=AuditSearch)
async def search_audit(
    request: Request,
    caller: CallerDep,
    profile_id: Name = None,
    actor: Name = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> Response:
    """Who read or changed which file, when: newest first; a search about one file is itself audited."""
    require(caller, Role.ADMIN)
    params = {"profile_id": profile_id, "actor": actor, "limit": limit}
    params |= {"since": since.isoformat() if since else None, "until": until.isoformat() if until else None}
    services: dict[str, Upstream] = request.app.state.upstreams
    return await services["profiles"].relay("GET", "/profiles/audit-log", caller, request, params=params)


@router.get("/deadletters", response_model=DeadLetters)
async def dead_letters(request: Request, caller: CallerDep) -> Response:
    """The records matching's consumer could not handle and nobody dealt with yet (reading takes a few
    seconds: the topic is read until it stays quiet)."""
    require(caller, Role.ADMIN)
    return await _matching(request).relay("GET", "/deadletters", caller, request)


@router.post("/deadletters/{action}", response_model=DeadLettersSettled)
async def settle_dead_letters(
    action: DeadLetterAction, body: DeadLetterSettle, request: Request, caller: CallerDep
) -> Response:
    """`replay`: back to their original topics; `discard`: dealt with, not republished. `expected` is the
    number of letters looked at: 409 when others arrived meanwhile."""
    require(caller, Role.ADMIN)
    return await _matching(request).relay(
        "POST", f"/deadletters/{action.value}", caller, request, json_body=body.model_dump(mode="json")
    )


def _matching(request: Request) -> Upstream:
    services: dict[str, Upstream] = request.app.state.upstreams
    return services["matching"]
