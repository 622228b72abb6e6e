"""HTTP entrypoint of the profiles service."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from common.clock import as_utc
from common.errors import Forbidden
from common.http import CallerDep, EntityId
from common.schemas import Page
from common.territory import territory_today
from contracts.audit import AuditSearch
from contracts.caseloads import CaseloadSizes, Handover, HandoverResult, ReferentHistory
from contracts.follow_up import CaseloadEntry, CaseloadSearch, ContactIn, ContactOut, Contacts
from contracts.profiles import (
    CandidateCard,
    Consultation,
    MatchingView,
    ProfileCreate,
    ProfilePublic,
    ProfileUpdate,
)
from services.profiles.domain import AuditCriteria
from services.profiles.follow_up import CaseloadQuery
from services.profiles.service import ProfilesService


def get_service(request: Request) -> ProfilesService:
    service: ProfilesService = request.app.state.profiles
    return service


def request_id(request: Request) -> str | None:
    value = request.scope.get("state", {}).get("request_id")
    return str(value) if value else None


ServiceDep = Annotated[ProfilesService, Depends(get_service)]
RequestIdDep = Annotated[str | None, Depends(request_id)]

router = APIRouter(prefix="/profiles", tags=["profiles"])


@router.post("", status_code=201, response_model=ProfilePublic)
def create_profile(
    body: ProfileCreate, caller: CallerDep, service: ServiceDep, rid: RequestIdDep
) -> ProfilePublic:
    return service.create(caller, body, rid)


@router.get("", response_model=Page[CaseloadEntry])
def caseload(
    caller: CallerDep,
    service: ServiceDep,
    search: Annotated[CaseloadSearch, Query()],
    limit: Annotated[int, Query(ge=0, le=200)] = 50,  # 0: the count only
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Page[CaseloadEntry]:
    query = CaseloadQuery(
        text=search.q,
        frein=search.frein.value if search.frein else None,
        rome_family=search.rome_family,
        ids=tuple(search.ids) if search.ids is not None else None,
        no_contact_since=search.no_contact_since,
        sort=search.sort,
        ranked=tuple(search.ranked),
    )
    return service.caseload(caller, limit, offset, query)


@router.post("/handover", response_model=HandoverResult)
def hand_over(body: Handover, caller: CallerDep, service: ServiceDep, rid: RequestIdDep) -> HandoverResult:
    """Move people (or a whole caseload) to another référent (admins; the gateway checks the référent)."""
    return service.hand_over(caller, body, rid)


@router.get("/caseload-sizes", response_model=CaseloadSizes)
def caseload_sizes(
    caller: CallerDep,
    service: ServiceDep,
    referents: Annotated[str, Query(max_length=30_000, description="Usernames, comma-separated.")],
) -> CaseloadSizes:
    return service.caseload_sizes(caller, [r for r in referents.split(",") if r])


@router.get("/audit-log", response_model=AuditSearch)
def search_audit(
    caller: CallerDep,
    service: ServiceDep,
    profile_id: Annotated[str | None, Query(max_length=64)] = None,
    actor: Annotated[str | None, Query(max_length=64)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> AuditSearch:
    # A period without a time zone is read as UTC, like every time the store keeps.
    criteria = AuditCriteria(
        profile_id or None, actor or None, as_utc(since) if since else None, as_utc(until) if until else None
    )
    return service.search_audit(caller, criteria, limit)


@router.get("/{profile_id}", response_model=ProfilePublic)
def get_profile(
    profile_id: EntityId, caller: CallerDep, service: ServiceDep, rid: RequestIdDep
) -> ProfilePublic:
    return service.get(caller, profile_id, rid)


@router.post("/{profile_id}/consultations/{consultation}", status_code=204)
def consult(
    profile_id: EntityId,
    consultation: Consultation,
    caller: CallerDep,
    service: ServiceDep,
    rid: RequestIdDep,
) -> Response:
    """The gateway asks before a read about the person at another service (suggestions, outcomes):
    204 and an audit row if the caller may read the file, else the refusal a read would get."""
    service.consult(caller, profile_id, consultation, rid)
    return Response(status_code=204)


@router.patch("/{profile_id}", response_model=ProfilePublic)
def update_profile(
    profile_id: EntityId, body: ProfileUpdate, caller: CallerDep, service: ServiceDep, rid: RequestIdDep
) -> ProfilePublic:
    return service.update(caller, profile_id, body, rid)


@router.post("/{profile_id}/contacts", status_code=201, response_model=ContactOut)
def record_contact(
    profile_id: EntityId, body: ContactIn, caller: CallerDep, service: ServiceDep, rid: RequestIdDep
) -> ContactOut:
    return service.record_contact(caller, profile_id, body, rid)


@router.get("/{profile_id}/contacts", response_model=Contacts)
def contacts(profile_id: EntityId, caller: CallerDep, service: ServiceDep, rid: RequestIdDep) -> Contacts:
    return Contacts(profile_id=profile_id, items=service.contacts(caller, profile_id, rid))


@router.get("/{profile_id}/audit")
def audit_trail(
    profile_id: EntityId, caller: CallerDep, service: ServiceDep, rid: RequestIdDep
) -> dict[str, Any]:
    return {"items": service.audit_trail(caller, profile_id, rid)}


@router.get("/{profile_id}/referents", response_model=ReferentHistory)
def referent_history(
    profile_id: EntityId, caller: CallerDep, service: ServiceDep, rid: RequestIdDep
) -> ReferentHistory:
    return ReferentHistory(items=service.referent_history(caller, profile_id, rid))


@router.post("/retention/purge")
def purge_expired(caller: CallerDep, service: ServiceDep, request: Request) -> dict[str, Any]:
    """Purge the files whose follow-up ended longer ago than the retention period (admins)."""
    if not caller.is_admin:
        raise Forbidden("Retention purges are for admins.")
    days: int = request.app.state.retention_days
    cutoff = territory_today() - timedelta(days=days)
    return {"purged": service.purge_ended(cutoff), "ended_before": cutoff.isoformat(), "retention_days": days}


internal = APIRouter(prefix="/internal", tags=["internal"], include_in_schema=False)


@internal.get("/profiles/{profile_id}/matching-view", response_model=MatchingView)
def matching_view(profile_id: EntityId, caller: CallerDep, service: ServiceDep) -> MatchingView:
    return service.matching_view(caller, profile_id)


@internal.get("/profiles/{profile_id}/candidate-card", response_model=CandidateCard | None)
def candidate_card(profile_id: EntityId, caller: CallerDep, service: ServiceDep) -> CandidateCard | None:
    """What the person agreed to show an employer (null: they did not agree)."""
    return service.candidate_card(caller, profile_id)
