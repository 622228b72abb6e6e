"""The reasons of a suggestion, in plain French, with the codes and scores kept for a "détails" line.

Each reason is data (`code`, `text`, `effect`, optional `detail`): the pages show the text and put the
detail behind a disclosure; API clients read the codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from common.text import normalise
from common.vocabulary import CONDITION_LABELS_FR, TRANSPORT_REACH_KM, Transport, WorkCondition
from services.matching.domain.occupations import Proximity
from services.matching.domain.skills import SkillFit

if TYPE_CHECKING:
    from services.matching.domain.ranking import Suggestion
    from services.matching.ports import HardFilters

MISSING_SHOWN = 3  # more would bury the first ones; the offer sheet lists them all

# "accessible …": each means of transport as the sentence needs it.
BY_MEANS = {
    Transport.CAR: "en voiture",
    Transport.MOTORBIKE: "en deux-roues motorisé",
    Transport.CARPOOL: "en covoiturage",
    Transport.PUBLIC_TRANSPORT: "en transports en commun",
    Transport.BICYCLE: "à vélo",
    Transport.WALKING: "à pied",
}
# Excluded conditions that are about working hours: together they say the hours suit the person.
HOURS_CONDITIONS = (
    WorkCondition.NIGHT_WORK,
    WorkCondition.WEEKEND_WORK,
    WorkCondition.EARLY_MORNING,
    WorkCondition.SPLIT_SHIFTS,
    WorkCondition.SHIFT_WORK,
)


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
    means: Sequence[Transport] = (),
) -> list[Reason]:
    reasons: list[Reason] = []
    if occupation.text:
        reasons.append(Reason("occupation", occupation.text, "+", occupation.detail))
    if s.tier == "metier_proche":
        text = "Métier proche de celui visé, vers lequel la personne pourrait évoluer"
        reasons.append(Reason("neighbouring_job", text, "="))
    reasons.append(_job_match(s.components["relevance"], s.components["occupation"]))
    reasons.extend(_skills(fit))
    reasons.append(_distance(s, filters, means))
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


def _distance(s: Suggestion, filters: HardFilters, means: Sequence[Transport]) -> Reason:
    """ "À 9 km — accessible en voiture": how far, and by which of the person's means it is in reach."""
    effect = "+" if s.components["distance"] >= 0.5 else "="
    far = "À moins d'1 km" if s.distance_km < 1 else f"À {s.distance_km:.0f} km"
    reaching = [m for m in means if TRANSPORT_REACH_KM[m] >= s.distance_km]
    if reaching:
        text = f"{far} — accessible " + " ou ".join(BY_MEANS[m] for m in reaching)
    else:
        text = f"{far} de son domicile, dans son rayon de {filters.radius_km:.0f} km"
    detail = f"distance à vol d'oiseau {s.distance_km:.1f} km ; rayon de recherche {filters.radius_km:.0f} km"
    return Reason("distance", text, effect, detail)


def _constraints(filters: HardFilters) -> Reason:
    """What the offer respects of the person's criteria, in words; the rules themselves in the detail."""
    kept: list[str] = []
    checked = ["offre active et non expirée", "distance"]
    if filters.contract_types:
        kept.append("contrat accepté")
        checked.append("type de contrat")
    if filters.min_hours is not None or filters.max_hours is not None:
        kept.append("nombre d'heures qui lui convient")
        checked.append("volume horaire")
    excluded = [WorkCondition(c) for c in sorted(filters.excluded_conditions)]
    hours = [c for c in excluded if c in HOURS_CONDITIONS]
    others = [c for c in excluded if c not in HOURS_CONDITIONS]
    if hours:
        kept.append("horaires compatibles avec ses contraintes (" + _without(hours) + ")")
    if others:
        kept.append(_without(others))
    if excluded:
        checked.append("conditions exclues (" + ", ".join(c.value for c in excluded) + ")")
    joined = ", ".join(kept)
    text = joined[:1].upper() + joined[1:] if kept else "Offre ouverte qui respecte ses critères"
    return Reason("constraints_checked", text, "=", "règles vérifiées : " + ", ".join(checked))


def _without(conditions: Sequence[WorkCondition]) -> str:
    """ "sans travail de nuit ni horaires coupés" """
    labels = [CONDITION_LABELS_FR[c] for c in conditions]
    if len(labels) == 1:
        return "sans " + labels[0]
    return "sans " + ", ".join(labels[:-1]) + " ni " + labels[-1]


def fair_share(placed_above: int) -> Reason:
    """An offer moved down because its employer already has offers higher in the list."""
    detail = (
        f"{placed_above} offre(s) du même employeur mieux placée(s) ; score réduit pour varier les employeurs"
    )
    return Reason("fair_share", "Employeur déjà présent plus haut dans la liste", "-", detail)
