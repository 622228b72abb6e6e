"""What a job title may mean in the ROME: candidate appellations, one per fiche, and whether the reading is
ambiguous enough to ask the référent (a target job) or the employer (an offer's title) which one is meant.

Reads the process's occupation linker (the one the matching service links with, put in the app's state by
the composition root); without one (MAILLAGE_LINKER=none) nothing is ever ambiguous.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from common.errors import Forbidden
from common.http import CallerDep
from common.identity import Role
from common.rome import appellation
from contracts.matching import OccupationCandidateOut, OccupationCandidates
from services.matching.domain.ambiguity import Candidate, assess
from services.matching.linking import OccupationLinker
from services.matching.linking.taxonomy import load

# Appellations asked of the linker: enough to reach several fiches even when one fiche's appellations
# all come first; the domain keeps the best of each fiche.
LINKED_APPELLATIONS = 50

router = APIRouter(prefix="/occupations", tags=["occupations"])

CandidateText = Annotated[str, Query(min_length=1, max_length=120, pattern=r"\S")]


def get_linker(request: Request) -> OccupationLinker | None:
    linker: OccupationLinker | None = getattr(request.app.state, "occupation_linker", None)
    return linker


LinkerDep = Annotated[OccupationLinker | None, Depends(get_linker)]


def candidates_of(linker: OccupationLinker | None, text: str) -> OccupationCandidates:
    if linker is None:
        return OccupationCandidates(text=text, ambiguous=False, reason=None, candidates=[])
    matches = linker.link(text, top=LINKED_APPELLATIONS, systems=("rome_appellation",))
    found = [
        Candidate(m.code, _short_label(m.code, m.label), m.rome_code, m.confidence)
        for m in matches
        if m.system == "rome_appellation" and m.rome_code
    ]
    result = assess(found)
    fiches = load().fiches
    return OccupationCandidates(
        text=text,
        ambiguous=result.ambiguous,
        reason=result.reason_fr,
        candidates=[
            OccupationCandidateOut(
                appellation_code=c.appellation_code,
                label=c.label,
                rome_code=c.rome_code,
                fiche_label=fiches[c.rome_code].label if c.rome_code in fiches else c.rome_code,
                confidence=round(c.confidence, 4),
            )
            for c in result.candidates
        ],
    )


def _short_label(code: str, long_label: str) -> str:
    """Forms show (and the référent's choices match) the short label; the linker indexes the long one."""
    found = appellation(code)
    return found.label if found else long_label


@router.get("/candidates", response_model=OccupationCandidates)
def candidates(caller: CallerDep, linker: LinkerDep, q: CandidateText) -> OccupationCandidates:
    """Candidate appellations of a job title, one per fiche, best first, and whether to ask which."""
    if caller.role not in (Role.REFERENT, Role.EMPLOYER, Role.ADMIN, Role.SYSTEM):
        raise Forbidden("Occupation candidates are for référents, employers and admins.")
    return candidates_of(linker, q)
