"""The ROME skills referential for the référent's skills field: competences found by their wording
(autocomplete) and the competences free-text skills are linked to (« lié à : … »).

Search reads the packaged referential and needs no model. Linking reads the process's skill linker (the
one matching ranks with, put in the app's state by the composition root), so the page shows a skill as
matching understands it; without one (MAILLAGE_LINKER=none) nothing is linked.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from common.errors import Forbidden
from common.http import CallerDep
from common.identity import Caller, Role
from contracts.skills import CompetenceOut, LinkedCompetenceOut, SkillLinkOut, SkillLinksIn
from services.matching.domain.skill_search import MAX_RESULTS, CompetenceSearch
from services.matching.domain.skills import Competence
from services.matching.linking.skills import SkillLinker, load_referential

router = APIRouter(prefix="/skills", tags=["skills"])

SearchText = Annotated[str, Query(min_length=1, max_length=80, pattern=r"\S")]
SearchLimit = Annotated[int, Query(ge=1, le=MAX_RESULTS)]


def get_skill_linker(request: Request) -> SkillLinker | None:
    linker: SkillLinker | None = getattr(request.app.state, "skill_linker", None)
    return linker


SkillLinkerDep = Annotated[SkillLinker | None, Depends(get_skill_linker)]


@cache
def referential_search() -> CompetenceSearch:
    return CompetenceSearch(load_referential().competences)


def _referent_or_admin(caller: Caller) -> None:
    if caller.role not in (Role.REFERENT, Role.ADMIN, Role.SYSTEM):
        raise Forbidden("The skills referential is for référents and admins.")


def competence_out(competence: Competence) -> CompetenceOut:
    return CompetenceOut.model_validate(
        {"code": competence.code, "label": competence.label, "kind": competence.kind}
    )


def links_of(linker: SkillLinker | None, texts: list[str], top: int) -> list[SkillLinkOut]:
    """Each wording with the competences it is closest to; a blank one, or no linker, links to none."""
    out = []
    for text in texts:
        matches = linker.link(text, top=top) if linker is not None else []
        linked = [
            LinkedCompetenceOut(
                **competence_out(m.competence).model_dump(), confidence=round(m.confidence, 4)
            )
            for m in matches
        ]
        out.append(SkillLinkOut(text=text, competences=linked))
    return out


@router.get("/search", response_model=list[CompetenceOut])
def search(caller: CallerDep, q: SearchText, limit: SearchLimit = MAX_RESULTS) -> list[CompetenceOut]:
    """Competences whose wording matches `q` (every word starts a word of the label; accents and case
    aside), best first (ROME 4.0 v460, Licence Ouverte 2.0)."""
    _referent_or_admin(caller)
    return [competence_out(c) for c in referential_search().search(q, limit)]


@router.post("/links", response_model=list[SkillLinkOut])
def links(caller: CallerDep, linker: SkillLinkerDep, body: SkillLinksIn) -> list[SkillLinkOut]:
    """The competences of the referential each free-text skill stands for, best first (a read: POST only
    to carry a list of wordings)."""
    _referent_or_admin(caller)
    return links_of(linker, body.texts, body.top)
