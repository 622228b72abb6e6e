"""Reference data for forms: Loiret communes and ROME appellations (autocomplete). No personal data."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from common.communes_search import search_communes
from common.rome import search_appellations
from gateway.session import BearerOrSessionDep

router = APIRouter(prefix="/api/v1/reference", tags=["reference"])

SearchText = Annotated[str, Query(min_length=1, max_length=80)]
SearchLimit = Annotated[int, Query(ge=1, le=50)]


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
    """Loiret communes whose name (or postcode) starts with `q` (Etalab, Licence Ouverte 2.0)."""
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
