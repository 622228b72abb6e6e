"""Ranking and reasons: turn the index's candidates into an ordered, explained list.

The score blends what a référent weighs: how close the job is to the person's target (semantic
similarity), whether the person has the skills asked for, how near the workplace is within their reach,
and how fresh the offer is. A fair-share damping keeps one employer from filling the top of the list.
Each term is reported as a reason, so the order can be read and challenged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from common.geo import haversine_km
from common.text import normalise
from common.vocabulary import CONDITION_LABELS_FR, WorkCondition
from services.matching.domain.constraints import violations
from services.matching.domain.occupations import OccupationLink, proximity
from services.matching.ports import HardFilters, Hit

WEIGHTS = {"relevance": 0.30, "occupation": 0.30, "skills": 0.15, "distance": 0.15, "freshness": 0.10}
EMPLOYER_DAMPING = 0.9  # each further offer of the same employer keeps 90 % of the previous multiplier
FRESH_DAYS = 60.0


@dataclass(frozen=True)
class Reason:
    code: str
    text: str
    effect: str  # "+" raised the score, "-" lowered it, "=" a check that passed

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "text": self.text, "effect": self.effect}


@dataclass(frozen=True)
class Person:
    """What ranking knows of the person besides the hard filters, and what outcomes taught."""

    target_jobs: list[str]
    skills: list[str]
    already_proposed: frozenset[str] = frozenset()
    employer_penalty: Mapping[str, float] = field(default_factory=dict)
    occupations: tuple[OccupationLink, ...] = ()
    family_of: Mapping[str, str] = field(default_factory=dict)
    neighbours_of: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class Suggestion:
    offer_id: str
    score: float
    title: str
    commune: str
    distance_km: float
    contract_type: str
    hours_per_week: float
    employer_name: str | None
    components: dict[str, float]
    reasons: list[Reason] = field(default_factory=list)


def skills_overlap(wanted: list[str], offered: tuple[str, ...]) -> tuple[list[str], list[str]]:
    have = {normalise(s) for s in wanted}
    matched = [s for s in offered if normalise(s) in have]
    missing = [s for s in offered if normalise(s) not in have]
    return matched, missing


def _freshness(updated_at: str, today: date) -> float:
    try:
        age = (today - datetime.fromisoformat(updated_at).date()).days
    except ValueError:
        return 0.5
    return max(0.0, 1.0 - max(age, 0) / FRESH_DAYS)


def rank(hits: list[Hit], filters: HardFilters, person: Person, limit: int) -> list[Suggestion]:
    scored: list[Suggestion] = []
    for hit in hits:
        offer = hit.offer
        if violations(offer, filters):
            continue  # belt and braces: the index filtered already; a violation here is never shown
        distance = haversine_km(filters.lat, filters.lon, offer.lat, offer.lon)
        # Rounded: backends compute cosine in float32 with different summation orders, and that noise
        # must not decide between two equally relevant offers (the id does, below).
        relevance = round(max(0.0, min(1.0, hit.similarity)), 4)
        matched, missing = skills_overlap(person.skills, offer.skills)
        skills = len(matched) / len(offer.skills) if offer.skills else 0.5
        nearness = 1.0 - distance / filters.radius_km if filters.radius_km > 0 else 1.0
        freshness = _freshness(offer.updated_at, filters.today)
        occupation = proximity(
            offer.rome_code,
            offer.appellation_code,
            offer.occupation_confidence if offer.occupation_how else 1.0,
            person.occupations,
            person.family_of,
            person.neighbours_of,
        )
        components = {
            "relevance": relevance,
            "occupation": occupation.score,
            "skills": skills,
            "distance": nearness,
            "freshness": freshness,
        }
        score = sum(WEIGHTS[k] * v for k, v in components.items())
        penalty = person.employer_penalty.get(offer.employer_id, 1.0)
        score = round(score * penalty, 6)
        suggestion = Suggestion(
            offer_id=offer.id,
            score=score,
            title=offer.title,
            commune=offer.commune,
            distance_km=round(distance, 1),
            contract_type=offer.contract_type,
            hours_per_week=offer.hours_per_week,
            employer_name=offer.employer_name,
            components=components,
        )
        suggestion.reasons = _reasons(suggestion, person.target_jobs, matched, missing, filters)
        if occupation.text:
            suggestion.reasons.insert(
                0, Reason("occupation", occupation.text[0].upper() + occupation.text[1:], "+")
            )
        if penalty < 1.0:
            suggestion.reasons.append(
                Reason("employer_unresponsive", "Employeur qui répond peu aux candidatures", "-")
            )
        if offer.id in person.already_proposed:
            suggestion.reasons.append(
                Reason("already_proposed", "Déjà proposée à la personne, sans suite connue", "=")
            )
        scored.append(suggestion)

    # Stable order: score, then id, so that equal scores never flip between calls or backends.
    scored.sort(key=lambda s: (-s.score, s.offer_id))
    _damp_repeated_employers(scored, hits)
    scored.sort(key=lambda s: (-s.score, s.offer_id))
    for s in scored:
        s.score = round(s.score, 4)
    return scored[:limit]


def _damp_repeated_employers(scored: list[Suggestion], hits: list[Hit]) -> None:
    employer_of = {h.offer.id: h.offer.employer_id for h in hits}
    seen: Counter[str] = Counter()
    for suggestion in scored:
        employer = employer_of[suggestion.offer_id]
        if seen[employer]:
            factor = EMPLOYER_DAMPING ** seen[employer]
            suggestion.score = round(suggestion.score * factor, 6)
            suggestion.reasons.append(
                Reason("fair_share", f"Même employeur que {seen[employer]} offre(s) mieux placée(s)", "-")
            )
        seen[employer] += 1


def _reasons(
    s: Suggestion,
    target_jobs: list[str],
    matched: list[str],
    missing: list[str],
    filters: HardFilters,
) -> list[Reason]:
    reasons: list[Reason] = []
    relevance = s.components["relevance"]
    targets = ", ".join(f"« {t} »" for t in target_jobs) or "le profil"
    if relevance >= 0.6:
        reasons.append(
            Reason("job_match", f"Poste très proche de {targets} (similarité {relevance:.2f})", "+")
        )
    elif relevance >= 0.4:
        reasons.append(Reason("job_match", f"Poste proche de {targets} (similarité {relevance:.2f})", "+"))
    elif s.components.get("occupation", 0.0) > 0:
        # The ROME says the métier is the same; only the wording differs.
        text = f"Intitulé formulé autrement que {targets} (similarité {relevance:.2f})"
        reasons.append(Reason("job_match", text, "="))
    else:
        reasons.append(Reason("job_match", f"Poste éloigné de {targets} (similarité {relevance:.2f})", "-"))
    if matched:
        reasons.append(Reason("skills_matched", "Compétences acquises : " + ", ".join(matched), "+"))
    if missing:
        reasons.append(Reason("skills_missing", "Compétences à acquérir : " + ", ".join(missing), "-"))
    reasons.append(
        Reason(
            "distance",
            f"À {s.distance_km:.1f} km, dans le rayon de {filters.radius_km:.0f} km",
            "+" if s.components["distance"] >= 0.5 else "=",
        )
    )
    checked = ["distance", "statut de l'offre", "date d'expiration"]
    if filters.contract_types:
        checked.append("type de contrat")
    if filters.min_hours is not None or filters.max_hours is not None:
        checked.append("volume horaire")
    if filters.excluded_conditions:
        labels = [CONDITION_LABELS_FR[WorkCondition(c)] for c in sorted(filters.excluded_conditions)]
        checked.append("conditions exclues (" + ", ".join(labels) + ")")
    reasons.append(Reason("constraints_checked", "Contraintes respectées : " + ", ".join(checked), "="))
    if s.components["freshness"] < 0.3:
        reasons.append(Reason("stale", "Offre publiée ou mise à jour il y a longtemps", "-"))
    return reasons
