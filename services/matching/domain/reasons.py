"""The reasons of a suggestion, in plain French, with the codes and scores kept for a "détails" line.

Each reason is data (`code`, `text`, `effect`, optional `detail`): the pages show the text and put the
detail behind a disclosure; API clients read the codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from common.text import normalise
from common.vocabulary import CONDITION_LABELS_FR, WorkCondition
from services.matching.domain.occupations import Proximity
from services.matching.domain.skills import SkillFit

if TYPE_CHECKING:
    from services.matching.domain.ranking import Suggestion
    from services.matching.ports import HardFilters

MISSING_SHOWN = 3  # more would bury the first ones; the offer sheet lists them all


@dataclass(frozen=True)
class Reason:
    code: str
    text: str
    effect: str  # "+" raised the score, "-" lowered it, "=" a check that passed
    detail: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "text": self.text, "effect": self.effect, "detail": self.detail}


def skills_by_string(wanted: Sequence[str], offered: Sequence[str]) -> SkillFit | None:
    """Without the referential (linking switched off): the offer's skills the person lists verbatim."""
    if not wanted or not offered:
        return None
    have = {normalise(s): s for s in wanted}
    matched = tuple((s, have[normalise(s)]) for s in offered if normalise(s) in have)
    missing = tuple(s for s in offered if normalise(s) not in have)
    return SkillFit(round(len(matched) / len(offered), 4), matched, missing)


def reasons_for(
    s: Suggestion,
    occupation: Proximity,
    fit: SkillFit | None,
    filters: HardFilters,
    unresponsive: bool,
    already_proposed: bool,
) -> list[Reason]:
    reasons: list[Reason] = []
    if occupation.text:
        reasons.append(Reason("occupation", occupation.text, "+", occupation.detail))
    if s.tier == "metier_proche":
        text = "Métier proche de celui visé, vers lequel la personne pourrait évoluer"
        reasons.append(Reason("neighbouring_job", text, "="))
    reasons.append(_job_match(s.components["relevance"], s.components["occupation"]))
    reasons.extend(_skills(fit))
    reasons.append(_distance(s, filters))
    reasons.append(_constraints(filters))
    if s.components["freshness"] < 0.3:
        reasons.append(Reason("stale", "Offre publiée ou mise à jour il y a longtemps", "-"))
    if unresponsive:
        reasons.append(Reason("employer_unresponsive", "Employeur qui répond peu aux candidatures", "-"))
    if already_proposed:
        reasons.append(Reason("already_proposed", "Déjà proposée à la personne, sans suite connue", "="))
    return reasons


def _job_match(relevance: float, occupation: float) -> Reason:
    detail = f"similarité des textes {relevance:.2f} (encodeur multilingue)"
    if relevance >= 0.6:
        return Reason("job_match", "Intitulé et description très proches du projet", "+", detail)
    if relevance >= 0.45:
        return Reason("job_match", "Intitulé et description proches du projet", "+", detail)
    if occupation > 0:
        # The referential says the métier matches; only the wording differs.
        return Reason("job_match", "Intitulé formulé autrement que le projet", "=", detail)
    return Reason("job_match", "Intitulé éloigné du projet", "-", detail)


def _skills(fit: SkillFit | None) -> list[Reason]:
    if fit is None:
        return []
    out: list[Reason] = []
    if fit.matched:
        shown = ", ".join(label for label, _ in fit.matched)
        detail = " ; ".join(f"{label} ← « {wording} »" for label, wording in fit.matched)
        out.append(Reason("skills_matched", f"Compétences en commun : {shown}", "+", detail))
    if fit.missing:
        shown = ", ".join(fit.missing[:MISSING_SHOWN]) + (" …" if len(fit.missing) > MISSING_SHOWN else "")
        detail = (
            f"{len(fit.missing)} compétence(s) demandée(s) non renseignée(s) ; part détenue {fit.score:.2f}"
        )
        out.append(Reason("skills_missing", f"Il lui manque : {shown}", "-", detail))
    return out


def _distance(s: Suggestion, filters: HardFilters) -> Reason:
    effect = "+" if s.components["distance"] >= 0.5 else "="
    text = f"À {s.distance_km:.1f} km, dans son rayon de {filters.radius_km:.0f} km"
    return Reason("distance", text, effect)


def _constraints(filters: HardFilters) -> Reason:
    checked = ["distance", "offre ouverte et non expirée"]
    if filters.contract_types:
        checked.append("type de contrat")
    if filters.min_hours is not None or filters.max_hours is not None:
        checked.append("volume horaire")
    if filters.excluded_conditions:
        labels = [CONDITION_LABELS_FR[WorkCondition(c)] for c in sorted(filters.excluded_conditions)]
        checked.append("conditions exclues (" + ", ".join(labels) + ")")
    return Reason("constraints_checked", "Contraintes respectées : " + ", ".join(checked), "=")
