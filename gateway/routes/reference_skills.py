"""Reference data for the skills field: competences of the ROME referential found by their wording
(autocomplete) and the competences free-text skills are linked to (« lié à : … »), both asked of the
matching service, which holds the referential and the linker. No personal data: a skill's wording is
all that is sent, never whose it is. For référents and admins (cookie or bearer token)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from common.identity import Caller, Role
from contracts.skills import CompetenceOut, SkillLinkOut
from gateway.auth import require
from gateway.session import BearerOrSessionDep
from gateway.upstream import Upstream

router = APIRouter(prefix="/api/v1/reference", tags=["reference"])

SearchText = Annotated[str, Query(min_length=1, max_length=80, pattern=r"\S")]
SearchLimit = Annotated[int, Query(ge=1, le=20)]
SkillTexts = Annotated[list[str], Query(description="One free-text skill; repeat for several (at most 50).")]
LinkedTop = Annotated[int, Query(ge=1, le=5)]


async def skills_reader(caller: BearerOrSessionDep) -> Caller:
    """Référents (a person's skills) and admins; checked before the query is."""
    require(caller, Role.REFERENT, Role.ADMIN)
    return caller


SkillsReader = Annotated[Caller, Depends(skills_reader)]


def _matching(request: Request) -> Upstream:
    upstreams: dict[str, Upstream] = request.app.state.upstreams
    return upstreams["matching"]


@router.get("/skills", response_model=list[CompetenceOut])
async def skills(request: Request, caller: SkillsReader, q: SearchText, limit: SearchLimit = 20) -> Response:
    """Competences of the ROME 4.0 referential whose wording matches `q` (each word starts a word of the
    label, accents and case aside), best first (France Travail ROME v460, Licence Ouverte 2.0)."""
    params = {"q": q, "limit": limit}
    return await _matching(request).relay("GET", "/skills/search", caller, request, params=params)


@router.get("/skill-links", response_model=list[SkillLinkOut])
async def skill_links(request: Request, caller: SkillsReader, q: SkillTexts, top: LinkedTop = 1) -> Response:
    """The competences of the referential each free-text skill stands for, best first, with a confidence:
    how matching understands the skill."""
    body = {"texts": q, "top": top}
    return await _matching(request).relay("POST", "/skills/links", caller, request, json_body=body)
