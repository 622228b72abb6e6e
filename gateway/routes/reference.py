"""Reference data for forms: communes (the territory's and its reach band's) and ROME appellations
(autocomplete), and what a job title may mean in the ROME (occupation candidates, asked of the
matching service). No personal data."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from common.communes_search import search_communes
from common.identity import Caller, Role
from common.rome import search_appellations
from contracts.matching import OccupationCandidates
from gateway.auth import require
from gateway.session import BearerOrSessionDep
from gateway.upstream import Upstream

router = APIRouter(prefix="/api/v1/reference", tags=["reference"])

SearchText = Annotated[str, Query(min_length=1, max_length=80)]
SearchLimit = Annotated[int, Query(ge=1, le=50)]
CandidateText = Annotated[str, Query(min_length=1, max_length=120, pattern=r"\S")]


class CommuneOut(BaseModel):
    insee_code: str
    name: str
    postcodes: list[str]
    lat: float
    lon: float
    epci: str
    arrondissement: str


class AppellationOut(BaseModel):
    code: str
    label: str
    rome_code: str


@router.get("/communes", response_model=list[CommuneOut])
def communes(caller: BearerOrSessionDep, q: SearchText, limit: SearchLimit = 15) -> list[CommuneOut]:
    """Communes of the territory, then of its reach band, whose name (or postcode) starts with `q`
    (Etalab, Licence Ouverte 2.0)."""
    return [
        CommuneOut(
            insee_code=c.insee_code,
            name=c.name,
            postcodes=list(c.postcodes),
            lat=c.lat,
            lon=c.lon,
            epci=c.epci_name,
            arrondissement=c.arrondissement,
        )
        for c in search_communes(q, limit)
    ]


@router.get("/appellations", response_model=list[AppellationOut])
def appellations(caller: BearerOrSessionDep, q: SearchText, limit: SearchLimit = 15) -> list[AppellationOut]:
    """ROME 4.0 job titles matching `q` (France Travail ROME v460, Licence Ouverte 2.0)."""
    return [
        AppellationOut(code=a.code, label=a.label, rome_code=a.rome_code)
        for a in search_appellations(q, limit)
    ]


async def occupation_reader(caller: BearerOrSessionDep) -> Caller:
    """Référents (target jobs), employers (offer titles) and admins; checked before the query is."""
    require(caller, Role.REFERENT, Role.EMPLOYER, Role.ADMIN)
    return caller


@router.get("/occupation-candidates", response_model=OccupationCandidates)
async def occupation_candidates(
    request: Request, caller: Annotated[Caller, Depends(occupation_reader)], q: CandidateText
) -> Response:
    """What a job title may mean in the ROME: up to 5 appellations, one per fiche, best first, and whether
    the reading is ambiguous (several fiches almost equally close, or a low confidence), with why."""
    upstreams: dict[str, Upstream] = request.app.state.upstreams
    return await upstreams["matching"].relay(
        "GET", "/occupations/candidates", caller, request, params={"q": q}
    )
