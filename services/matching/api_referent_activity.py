"""The follow-up of référents (coordinators and admins): the proposals each made and what came of them,
in counts. The gateway says which référents (those of the coordinator's structure)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from common.errors import Forbidden
from common.http import CallerDep
from common.identity import Role
from contracts.coordination import OutcomesByReferent, ReferentOutcomes
from services.matching.service import MatchingService


def get_service(request: Request) -> MatchingService:
    service: MatchingService = request.app.state.matching
    return service


ServiceDep = Annotated[MatchingService, Depends(get_service)]

router = APIRouter(tags=["coordination"])


@router.get("/followup", response_model=OutcomesByReferent)
def followup(
    caller: CallerDep,
    service: ServiceDep,
    referents: Annotated[str, Query(max_length=30_000, description="Usernames, comma-separated.")],
    since: Annotated[date | None, Query(description="Only the proposals made from this day on.")] = None,
) -> OutcomesByReferent:
    if caller.role not in (Role.COORDINATOR, Role.ADMIN, Role.SYSTEM):
        raise Forbidden(
            "The follow-up of référents is for coordinators and admins.", code="profile.counts_only"
        )
    counts = service.referent_followup([r for r in referents.split(",") if r], since)
    return OutcomesByReferent(items=[ReferentOutcomes(**asdict(c)) for c in counts])
