"""The public API: one OpenAPI document describing every service, routed to the owning service.

Each route states its body and response models (imported from contracts, as the services do), checks the
role coarsely, and lets the owning service apply the fine rules (ownership, caseload).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from common.http import EntityId, MinVersion
from common.identity import Caller, Role
from common.schemas import Page
from contracts.follow_up import CaseloadEntry, CaseloadSearch
from contracts.matching import (
    MatchingStatus,
    OfferOutcomeCounts,
    OutcomeIn,
    OutcomeOut,
    Outcomes,
    ReindexStatus,
    Suggestions,
)
from contracts.offers import OfferAction, OfferCreate, OfferPublic, OfferStatus, OfferUpdate
from contracts.profiles import Consultation, ProfileCreate, ProfilePublic, ProfileUpdate
from gateway.auth import CallerDep, require
from gateway.ratelimit import RateLimits
from gateway.upstream import Upstream, answer_once_allowed

router = APIRouter(prefix="/api/v1")

Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def upstream(request: Request, name: str) -> Upstream:
    services: dict[str, Upstream] = request.app.state.upstreams
    return services[name]


async def read_within_caseload(
    request: Request, caller: Caller, profile_id: str, consultation: Consultation, read: Awaitable[Response]
) -> Response:
    """A read about a person, answered only if the person is in the caller's caseload.

    The caseload check belongs to the profiles service (it audits the consultation; a 404 for someone
    else's person). For reads it runs side by side with the read itself, so the caller waits for the
    slower of the two rather than their sum. Writes never take this path: they check first.
    """
    check = upstream(request, "profiles").call(
        "POST", f"/profiles/{profile_id}/consultations/{consultation.value}", caller, request
    )
    return await answer_once_allowed(check, read)


# -- offers -----------------------------------------------------------------------------------------------
@router.post("/offers", status_code=201, response_model=OfferPublic, tags=["offers"])
async def create_offer(body: OfferCreate, request: Request, caller: CallerDep) -> Response:
    require(caller, Role.EMPLOYER, Role.ADMIN)
    return await upstream(request, "offers").relay(
        "POST", "/offers", caller, request, json_body=body.model_dump(mode="json", exclude_unset=True)
    )


@router.get("/offers", response_model=Page[OfferPublic], tags=["offers"])
async def list_offers(
    request: Request,
    caller: CallerDep,
    status: OfferStatus | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    require(caller, Role.EMPLOYER, Role.REFERENT, Role.ADMIN)
    params = {"status": status.value if status else None, "limit": limit, "offset": offset}
    return await upstream(request, "offers").relay("GET", "/offers", caller, request, params=params)


@router.get("/offers/{offer_id}", response_model=OfferPublic, tags=["offers"])
async def get_offer(offer_id: EntityId, request: Request, caller: CallerDep) -> Response:
    require(caller, Role.EMPLOYER, Role.REFERENT, Role.ADMIN)
    return await upstream(request, "offers").relay("GET", f"/offers/{offer_id}", caller, request)


@router.patch("/offers/{offer_id}", response_model=OfferPublic, tags=["offers"])
async def update_offer(
    offer_id: EntityId, body: OfferUpdate, request: Request, caller: CallerDep
) -> Response:
    require(caller, Role.EMPLOYER, Role.ADMIN)
    return await upstream(request, "offers").relay(
        "PATCH",
        f"/offers/{offer_id}",
        caller,
        request,
        json_body=body.model_dump(mode="json", exclude_unset=True),
    )


@router.post("/offers/{offer_id}/{action}", response_model=OfferPublic, tags=["offers"])
async def act_on_offer(
    offer_id: EntityId, action: OfferAction, request: Request, caller: CallerDep
) -> Response:
    """Pause, resume or close an offer."""
    require(caller, Role.EMPLOYER, Role.ADMIN)
    return await upstream(request, "offers").relay(
        "POST", f"/offers/{offer_id}/{action.value}", caller, request
    )


# -- profiles ---------------------------------------------------------------------------------------------
@router.post("/profiles", status_code=201, response_model=ProfilePublic, tags=["profiles"])
async def create_profile(body: ProfileCreate, request: Request, caller: CallerDep) -> Response:
    require(caller, Role.REFERENT)
    return await upstream(request, "profiles").relay(
        "POST", "/profiles", caller, request, json_body=body.model_dump(mode="json", exclude_unset=True)
    )


@router.get("/profiles", response_model=Page[CaseloadEntry], tags=["profiles"])
async def caseload(
    request: Request,
    caller: CallerDep,
    search: Annotated[CaseloadSearch, Query()],
    limit: Annotated[int, Query(ge=0, le=200, description="0: the count only.")] = 50,
    offset: Offset = 0,
) -> Response:
    """The caller's caseload (référents) or every profile (admins), searched, filtered and sorted: see
    the parameters. Each file listed is a read of it, audited; `limit=0` counts without reading any."""
    require(caller, Role.REFERENT, Role.ADMIN)
    params = {"limit": limit, "offset": offset, **search.model_dump(mode="json", exclude_none=True)}
    return await upstream(request, "profiles").relay("GET", "/profiles", caller, request, params=params)


@router.get("/profiles/{profile_id}", response_model=ProfilePublic, tags=["profiles"])
async def get_profile(profile_id: EntityId, request: Request, caller: CallerDep) -> Response:
    require(caller, Role.REFERENT, Role.ADMIN)
    return await upstream(request, "profiles").relay("GET", f"/profiles/{profile_id}", caller, request)


@router.patch("/profiles/{profile_id}", response_model=ProfilePublic, tags=["profiles"])
async def update_profile(
    profile_id: EntityId, body: ProfileUpdate, request: Request, caller: CallerDep
) -> Response:
    require(caller, Role.REFERENT, Role.ADMIN)
    return await upstream(request, "profiles").relay(
        "PATCH",
        f"/profiles/{profile_id}",
        caller,
        request,
        json_body=body.model_dump(mode="json", exclude_unset=True),
    )


@router.get("/profiles/{profile_id}/audit", tags=["profiles"])
async def profile_audit(profile_id: EntityId, request: Request, caller: CallerDep) -> Response:
    """Who read or changed this person's file, newest first (the person's référent and admins)."""
    require(caller, Role.REFERENT, Role.ADMIN)
    return await upstream(request, "profiles").relay("GET", f"/profiles/{profile_id}/audit", caller, request)


# -- matching ---------------------------------------------------------------------------------------------
@router.get("/profiles/{profile_id}/suggestions", response_model=Suggestions, tags=["matching"])
async def suggestions(
    profile_id: EntityId,
    request: Request,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    min_version: MinVersion = None,
) -> Response:
    """Ranked, explained opportunities for a person of the caller's caseload. With `min_version` (the
    `version` a PATCH of the profile returned), they are ranked from that version or a newer one."""
    require(caller, Role.REFERENT)
    limits: RateLimits = request.app.state.rate_limits
    limits.suggestions.hit(caller.subject, "suggestion requests")
    params = {"limit": limit, "min_version": min_version}  # None is left out of the query
    read = upstream(request, "matching").relay(
        "GET", f"/profiles/{profile_id}/suggestions", caller, request, params=params
    )
    return await read_within_caseload(request, caller, profile_id, Consultation.SUGGESTIONS, read)


@router.post("/profiles/{profile_id}/outcomes", status_code=201, response_model=OutcomeOut, tags=["matching"])
async def record_outcome(
    profile_id: EntityId, body: OutcomeIn, request: Request, caller: CallerDep
) -> Response:
    """Record that an offer was proposed, then accepted, refused (with a reason) or withdrawn."""
    require(caller, Role.REFERENT)
    # A write: the caseload check comes first, so nothing is recorded for someone else's person.
    await upstream(request, "profiles").call("GET", f"/profiles/{profile_id}", caller, request)
    return await upstream(request, "matching").relay(
        "POST", f"/profiles/{profile_id}/outcomes", caller, request, json_body=body.model_dump(mode="json")
    )


@router.get("/profiles/{profile_id}/outcomes", response_model=Outcomes, tags=["matching"])
async def outcomes(profile_id: EntityId, request: Request, caller: CallerDep) -> Response:
    """What was proposed to the person and what came of it, newest first."""
    require(caller, Role.REFERENT, Role.ADMIN)
    read = upstream(request, "matching").relay("GET", f"/profiles/{profile_id}/outcomes", caller, request)
    return await read_within_caseload(request, caller, profile_id, Consultation.OUTCOMES, read)


@router.get("/offers/{offer_id}/outcomes", response_model=OfferOutcomeCounts, tags=["offers"])
async def offer_outcomes(offer_id: EntityId, request: Request, caller: CallerDep) -> Response:
    """How many times the offer was proposed and what came of it (counts only, never who)."""
    require(caller, Role.EMPLOYER, Role.ADMIN)
    await upstream(request, "offers").call("GET", f"/offers/{offer_id}", caller, request)  # ownership
    return await upstream(request, "matching").relay("GET", f"/offers/{offer_id}/outcomes", caller, request)


@router.post("/admin/retention/purge", tags=["admin"])
async def purge_expired_profiles(request: Request, caller: CallerDep) -> Response:
    """Purge every file whose follow-up ended longer ago than the retention period, everywhere."""
    require(caller, Role.ADMIN)
    return await upstream(request, "profiles").relay("POST", "/profiles/retention/purge", caller, request)


@router.get("/matching/status", response_model=MatchingStatus, tags=["matching"])
async def matching_status(request: Request, caller: CallerDep) -> Response:
    require(caller, Role.ADMIN)
    return await upstream(request, "matching").relay("GET", "/status", caller, request)


@router.post("/matching/reindex", status_code=202, response_model=ReindexStatus, tags=["matching"])
async def matching_reindex(request: Request, caller: CallerDep) -> Response:
    """Start rebuilding the offer index from the offers service, in the background; the new index
    replaces the old one atomically when complete. 409 while a reindex runs."""
    require(caller, Role.ADMIN)
    return await upstream(request, "matching").relay("POST", "/reindex", caller, request)


@router.get("/matching/reindex", response_model=ReindexStatus, tags=["matching"])
async def matching_reindex_status(request: Request, caller: CallerDep) -> Response:
    """How far the latest reindex got: running (offers embedded so far), done, failed (and why)."""
    require(caller, Role.ADMIN)
    return await upstream(request, "matching").relay("GET", "/reindex", caller, request)
