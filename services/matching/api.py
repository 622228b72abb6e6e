"""HTTP entrypoint of the matching service. The gateway has checked the caseload before calling."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from common.errors import Forbidden
from common.http import CallerDep, EntityId, MinVersion
from common.identity import Role
from contracts.follow_up import Proposals
from contracts.matching import (
    MatchingStatus,
    OfferOutcomeCounts,
    OutcomeIn,
    OutcomeOut,
    Outcomes,
    ReasonOut,
    ReindexStatus,
    SuggestionOut,
    Suggestions,
)
from services.matching.api_proposals import ProposalsDep
from services.matching.domain.outcomes import counts_for_the_employer
from services.matching.domain.proposals import ResponsivenessFigures
from services.matching.domain.ranking import Suggestion
from services.matching.reindexing import Reindexer
from services.matching.service import MatchingService


def get_service(request: Request) -> MatchingService:
    service: MatchingService = request.app.state.matching
    return service


def get_consumer_stats(request: Request) -> Callable[[], dict[str, Any]]:
    stats: Callable[[], dict[str, Any]] = request.app.state.consumer_stats
    return stats


def get_reindexer(request: Request) -> Reindexer:
    reindexer: Reindexer = request.app.state.reindexer
    return reindexer


ServiceDep = Annotated[MatchingService, Depends(get_service)]
ReindexerDep = Annotated[Reindexer, Depends(get_reindexer)]
StatsDep = Annotated[Callable[[], dict[str, Any]], Depends(get_consumer_stats)]

router = APIRouter(tags=["matching"])


@router.get("/profiles/{profile_id}/suggestions", response_model=Suggestions)
def suggestions(
    profile_id: EntityId,
    caller: CallerDep,
    service: ServiceDep,
    proposals: ProposalsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    min_version: MinVersion = None,
) -> Suggestions:
    if caller.role not in (Role.REFERENT, Role.ADMIN, Role.SYSTEM):
        raise Forbidden("Suggestions are for the person's référent.")
    ranked = service.suggest(profile_id, limit, min_version or 0)
    answering = proposals.responsiveness({s.employer_id for s in ranked.items if s.employer_id})
    items = [suggestion_out(s, answering.get(s.employer_id)) for s in ranked.items]
    return Suggestions(profile_id=profile_id, items=items, end_of_list=ranked.end_of_list)


def suggestion_out(s: Suggestion, answering: ResponsivenessFigures | None = None) -> SuggestionOut:
    return SuggestionOut(
        offer_id=s.offer_id,
        score=s.score,
        title=s.title,
        commune=s.commune,
        distance_km=s.distance_km,
        contract_type=s.contract_type,
        hours_per_week=s.hours_per_week,
        employer_name=s.employer_name,
        components={k: round(v, 4) for k, v in s.components.items()},
        reasons=[ReasonOut(code=r.code, text=r.text, effect=r.effect, detail=r.detail) for r in s.reasons],
        tier=s.tier,
        employer_responsiveness=answering.summary() if answering and answering.shared else None,
    )


@router.post("/profiles/{profile_id}/outcomes", status_code=201, response_model=OutcomeOut)
def record_outcome(
    profile_id: EntityId, body: OutcomeIn, caller: CallerDep, service: ServiceDep
) -> OutcomeOut:
    if caller.role not in (Role.REFERENT, Role.SYSTEM):
        raise Forbidden("Outcomes are recorded by the person's référent.")
    recorded = service.record_outcome(profile_id, body.offer_id, body.status, body.reason, caller.subject)
    return OutcomeOut.model_validate(recorded)


@router.get("/proposals", response_model=Proposals)
def proposals(caller: CallerDep, service: ServiceDep) -> Proposals:
    """The caller's own proposals, per person: ids and dates only."""
    if caller.role != Role.REFERENT:
        raise Forbidden("Proposals are followed up by the référent who made them.")
    return Proposals.model_validate({"items": [asdict(p) for p in service.follow_ups(caller.subject)]})


@router.get("/profiles/{profile_id}/outcomes", response_model=Outcomes)
def outcomes(profile_id: EntityId, caller: CallerDep, service: ServiceDep) -> Outcomes:
    if caller.role not in (Role.REFERENT, Role.ADMIN, Role.SYSTEM):
        raise Forbidden("Outcomes are for the person's référent.")
    items = [OutcomeOut.model_validate(o) for o in service.outcomes(profile_id)]
    return Outcomes(profile_id=profile_id, items=items)


@router.get("/offers/{offer_id}/outcomes", response_model=OfferOutcomeCounts)
def offer_outcomes(offer_id: EntityId, caller: CallerDep, service: ServiceDep) -> OfferOutcomeCounts:
    if caller.role not in (Role.EMPLOYER, Role.ADMIN, Role.SYSTEM):
        raise Forbidden("Offer statistics are for the offer's employer.")
    counts = service.offer_outcome_counts(offer_id)
    if caller.role == Role.EMPLOYER:  # admins see every count; employers no small ones
        shown, suppressed = counts_for_the_employer(counts)
        return OfferOutcomeCounts(offer_id=offer_id, **shown, suppressed=suppressed)
    return OfferOutcomeCounts(offer_id=offer_id, **counts)


@router.get("/status", response_model=MatchingStatus)
def status(caller: CallerDep, service: ServiceDep, consumer_stats: StatsDep) -> MatchingStatus:
    if not caller.is_admin:
        raise Forbidden("Matching status is for admins.")
    stats = consumer_stats()
    return MatchingStatus(**service.status(), consumer_lag=int(stats.get("lag", 0) or 0), consumer=stats)


@router.post("/reindex", status_code=202, response_model=ReindexStatus)
def start_reindex(caller: CallerDep, reindexer: ReindexerDep) -> ReindexStatus:
    """Start rebuilding the index in the background (409 while one runs); follow it with GET."""
    if not caller.is_admin:
        raise Forbidden("Reindexing is for admins.")
    return ReindexStatus(**asdict(reindexer.start()))


@router.get("/reindex", response_model=ReindexStatus)
def reindex_status(caller: CallerDep, reindexer: ReindexerDep) -> ReindexStatus:
    if not caller.is_admin:
        raise Forbidden("Reindexing is for admins.")
    return ReindexStatus(**asdict(reindexer.current))
