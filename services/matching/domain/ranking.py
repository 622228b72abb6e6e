"""Ranking: turn the index's candidates into an ordered, explained list with a floor and an honest end.

The score blends what a référent weighs: how close the offer's métier is to the person's (in the ROME
and ESCO referentials), whether the person holds the competences asked for (at referential level), how
close the texts read (a multilingual sentence encoder), how near the workplace is within their reach, and
how fresh the offer is. A fair-share damping keeps one employer from filling the top of the list.

Below a relevance floor an offer is not a suggestion. Offers of the person's own métiers come first
(tier `metier`), then, clearly labelled, offers of neighbouring métiers the person could move to (tier
`metier_proche`, the ROME's mobility links); then the list ends and says why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from common.geo import haversine_km
from common.vocabulary import Transport
from services.matching.domain.constraints import violations
from services.matching.domain.occupations import OccupationLink, OfferOccupation, Proximity, proximity
from services.matching.domain.reasons import Reason, fair_share, reasons_for, skills_by_string
from services.matching.domain.skills import SkillFit, SkillsProfile
from services.matching.ports import HardFilters, Hit, IndexedOffer

# Measured on the scenarios of docs/matching.md (seeds 45 and 7): the occupation term carries most of the
# order; the weights move nDCG@10 by at most 0.02 between the settings tried there.
WEIGHTS = {"relevance": 0.15, "occupation": 0.45, "skills": 0.20, "distance": 0.12, "freshness": 0.08}
EMPLOYER_DAMPING = 0.9  # each further offer of the same employer keeps 90 % of the previous multiplier
FRESH_DAYS = 60.0

# The floor: an offer is a suggestion only with evidence that it fits the person — its métier is theirs
# (or of the same family), the person holds enough of what it asks, or the texts are very close.
OCCUPATION_FLOOR = 0.3  # proximity (level × confidence): same family with a 0.45 link passes
SKILLS_FLOOR = 0.45  # share of the offer's competences held (partial credit for neighbours)
RELEVANCE_FLOOR = 0.62  # cosine of the multilingual encoder (unrelated titles sit around 0.2–0.5)
NEIGHBOUR_FLOOR = 0.3  # a neighbouring métier (mobility link) is shown after the person's own métiers
NEUTRAL_SKILLS = 0.5  # the person lists no skills: the term does not move the order
UNKNOWN_SKILLS = 0.25  # the person lists skills but nothing is known of what the offer asks

TIER_OWN, TIER_NEIGHBOURING = "metier", "metier_proche"
_TIER_ORDER = {TIER_OWN: 0, TIER_NEIGHBOURING: 1}


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
    skills_profile: SkillsProfile | None = None
    means: tuple[Transport, ...] = ()  # of transport, usable ones only (for the distance reason)

    @property
    def says_what_they_want(self) -> bool:
        """Without a target job or a skill, nothing can be relevant or not: no floor applies."""
        return bool(self.target_jobs or self.skills or self.occupations)


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
    tier: str = TIER_OWN
    employer_id: str = ""  # whose responsiveness the référent is told about (never shown as such)


@dataclass
class RankedList:
    items: list[Suggestion]
    end_of_list: str | None  # why the list stops short, in French (None: it was cut at the limit)


def _freshness(updated_at: str, today: date) -> float:
    try:
        age = (today - datetime.fromisoformat(updated_at).date()).days
    except ValueError:
        return 0.5
    return max(0.0, 1.0 - max(age, 0) / FRESH_DAYS)


def _skill_fit(person: Person, offer: IndexedOffer) -> tuple[float, SkillFit | None]:
    if person.skills_profile is not None:
        fit = person.skills_profile.fit(offer.skill_codes)
        if fit is not None:
            return fit.score, fit
        return (UNKNOWN_SKILLS if person.skills else NEUTRAL_SKILLS), None
    # No referential (linking switched off): compare the wordings themselves.
    fit = skills_by_string(person.skills, offer.skills)
    return (fit.score if fit is not None else NEUTRAL_SKILLS), fit


def tier_of(person: Person, occupation: Proximity, skills: SkillFit | None, relevance: float) -> str | None:
    """Which part of the list an offer belongs to, or None when it is below the floor."""
    if not person.says_what_they_want:
        return TIER_OWN
    own_metier = occupation.score >= OCCUPATION_FLOOR and not occupation.neighbouring
    holds_enough = skills is not None and skills.score >= SKILLS_FLOOR and bool(skills.matched)
    if own_metier or relevance >= RELEVANCE_FLOOR or holds_enough:
        return TIER_OWN
    if occupation.neighbouring and occupation.score >= NEIGHBOUR_FLOOR:
        return TIER_NEIGHBOURING
    return None


@dataclass
class _Scored:
    """A candidate that passed the floor, with what its reasons will need if it is shown."""

    suggestion: Suggestion
    occupation: Proximity
    fit: SkillFit | None
    unresponsive: bool
    already_proposed: bool


class _Scorer:
    """Scores one person's candidates; proximity is memoised per distinct offer métier (offers of one
    fiche and ESCO occupation share it), so a window of 100 hits costs a handful of comparisons."""

    def __init__(self, filters: HardFilters, person: Person) -> None:
        self.filters, self.person = filters, person
        self._proximity: dict[OfferOccupation, Proximity] = {}

    def proximity(self, offer: IndexedOffer) -> Proximity:
        key = offer.occupation
        known = self._proximity.get(key)
        if known is None:
            person = self.person
            known = proximity(key, person.occupations, person.family_of, person.neighbours_of)
            self._proximity[key] = known
        return known

    def score(self, hit: Hit) -> _Scored | None:
        offer, filters, person = hit.offer, self.filters, self.person
        if violations(offer, filters):
            return None  # belt and braces: the index filtered already; a violation here is never shown
        distance = haversine_km(filters.lat, filters.lon, offer.lat, offer.lon)
        # Rounded: backends compute cosine in float32 with different summation orders, and that noise
        # must not decide between two equally relevant offers (the id does, below).
        relevance = round(max(0.0, min(1.0, hit.similarity)), 4)
        occupation = self.proximity(offer)
        skills, fit = _skill_fit(person, offer)
        tier = tier_of(person, occupation, fit, relevance)
        if tier is None:
            return None
        components = {
            "relevance": relevance,
            "occupation": occupation.score,
            "skills": skills,
            "distance": 1.0 - distance / filters.radius_km if filters.radius_km > 0 else 1.0,
            "freshness": _freshness(offer.updated_at, filters.today),
        }
        penalty = person.employer_penalty.get(offer.employer_id, 1.0)
        suggestion = Suggestion(
            offer_id=offer.id,
            score=round(sum(WEIGHTS[k] * v for k, v in components.items()) * penalty, 6),
            title=offer.title,
            commune=offer.commune,
            distance_km=round(distance, 1),
            contract_type=offer.contract_type,
            hours_per_week=offer.hours_per_week,
            employer_name=offer.employer_name,
            components=components,
            tier=tier,
            employer_id=offer.employer_id,
        )
        return _Scored(suggestion, occupation, fit, penalty < 1.0, offer.id in person.already_proposed)


def rank_suggestions(hits: list[Hit], filters: HardFilters, person: Person, limit: int) -> list[Suggestion]:
    return rank_with_end(hits, filters, person, limit).items


def rank_with_end(hits: list[Hit], filters: HardFilters, person: Person, limit: int) -> RankedList:
    scorer = _Scorer(filters, person)
    scored = [s for s in map(scorer.score, hits) if s is not None]
    by_id = {s.suggestion.offer_id: s for s in scored}
    suggestions = [s.suggestion for s in scored]
    # Stable order: tier, score, then id, so that equal scores never flip between calls or backends.
    suggestions.sort(key=lambda s: (_TIER_ORDER[s.tier], -s.score, s.offer_id))
    damped = _damp_repeated_employers(suggestions, hits)
    suggestions.sort(key=lambda s: (_TIER_ORDER[s.tier], -s.score, s.offer_id))
    items = suggestions[:limit]
    for s in items:  # reasons only for what is shown
        kept = by_id[s.offer_id]
        s.score = round(s.score, 4)
        s.reasons = reasons_for(
            s, kept.occupation, kept.fit, filters, kept.unresponsive, kept.already_proposed, person.means
        )
        if s.offer_id in damped:
            s.reasons.append(fair_share(damped[s.offer_id]))
    return RankedList(items, None if len(suggestions) > limit else end_of_list(items, filters, person))


def end_of_list(items: list[Suggestion], filters: HardFilters, person: Person) -> str:
    radius = f"dans un rayon de {filters.radius_km:.0f} km"
    if not person.says_what_they_want:
        return f"Plus aucune offre {radius} (aucun métier visé ni compétence renseignés pour affiner)."
    own = sum(1 for s in items if s.tier == TIER_OWN)
    neighbours = len(items) - own
    if own and neighbours:
        return f"Plus aucune offre de ce métier ni d'un métier proche {radius}."
    if own:
        return f"Plus aucune offre de ce métier {radius}."
    if neighbours:
        return f"Aucune offre de ce métier {radius} : seulement des métiers proches."
    return f"Aucune offre de ce métier ni d'un métier proche {radius}."


def _damp_repeated_employers(scored: list[Suggestion], hits: list[Hit]) -> dict[str, int]:
    """Each further offer of an employer keeps EMPLOYER_DAMPING^n of its score; returns, per damped
    offer, how many offers of its employer were placed above it."""
    employer_of = {h.offer.id: h.offer.employer_id for h in hits}
    seen: Counter[str] = Counter()
    damped: dict[str, int] = {}
    for suggestion in scored:
        employer = employer_of[suggestion.offer_id]
        if seen[employer]:
            suggestion.score = round(suggestion.score * EMPLOYER_DAMPING ** seen[employer], 6)
            damped[suggestion.offer_id] = seen[employer]
        seen[employer] += 1
    return damped
