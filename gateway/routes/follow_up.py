"""The public API of the follow-up: contacts with a person (profiles service) and the proposals a
référent is waiting on (matching service)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from common.http import EntityId
from common.identity import Role
from contracts.follow_up import ContactIn, ContactOut, Contacts, Proposals
from gateway.auth import CallerDep, require
from gateway.routes.api import upstream

router = APIRouter(prefix="/api/v1")


@router.post("/profiles/{profile_id}/contacts", status_code=201, response_model=ContactOut, tags=["profiles"])
async def record_contact(
    profile_id: EntityId, body: ContactIn, request: Request, caller: CallerDep
) -> Response:
    """Record a contact with a person of the caller's caseload: its day, its channel, a short note."""
    require(caller, Role.REFERENT)
    return await upstream(request, "profiles").relay(
        "POST", f"/profiles/{profile_id}/contacts", caller, request, json_body=body.model_dump(mode="json")
    )


@router.get("/profiles/{profile_id}/contacts", response_model=Contacts, tags=["profiles"])
async def contacts(profile_id: EntityId, request: Request, caller: CallerDep) -> Response:
    """The contacts with the person, the most recent first (the person's référent and admins)."""
    require(caller, Role.REFERENT, Role.ADMIN)
    return await upstream(request, "profiles").relay(
        "GET", f"/profiles/{profile_id}/contacts", caller, request
    )


@router.get("/proposals", response_model=Proposals, tags=["matching"])
async def proposals(request: Request, caller: CallerDep) -> Response:
    """The caller's proposals, per person: the latest one and those still without an answer (ids and
    dates only; the names come from the caseload, which checks who may read them)."""
    require(caller, Role.REFERENT)
    return await upstream(request, "matching").relay("GET", "/proposals", caller, request)
