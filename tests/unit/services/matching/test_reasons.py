"""The reasons read as a référent speaks: distances and means of transport, what is missing, the criteria
kept; codes, scores and similarities stay in each reason's detail."""

from __future__ import annotations

import re
from datetime import date

from common.geo import haversine_km
from common.vocabulary import Transport
from services.matching.domain.ranking import Person, Suggestion, rank_suggestions
from services.matching.domain.reasons import fair_share
from services.matching.ports import HardFilters, Hit
from tests.factories import indexed_offer, location

GIEN = location("Gien")
CODES_OR_SCORES = re.compile(r"\b[A-N]\d{4}\b|\d\.\d\d|similarit|proximité lexicale")


def filters(**criteria: object) -> HardFilters:
    return HardFilters(lat=GIEN["lat"], lon=GIEN["lon"], radius_km=30, today=date.today(), **criteria)  # type: ignore[arg-type]


def suggested(person: Person, **criteria: object) -> Suggestion:
    offer = indexed_offer(commune="Briare", skills=("Manutention", "Préparation de commandes"))
    (suggestion,) = rank_suggestions([Hit(offer, 0.5)], filters(**criteria), person, 5)
    return suggestion


def texts(suggestion: Suggestion) -> dict[str, str]:
    return {r.code: r.text for r in suggestion.reasons}


def test_the_distance_says_by_which_means_the_offer_is_in_reach() -> None:
    briare = location("Briare")
    km = round(haversine_km(GIEN["lat"], GIEN["lon"], briare["lat"], briare["lon"]))
    by_car = suggested(Person([], [], means=(Transport.CAR, Transport.WALKING)))
    assert texts(by_car)["distance"] == f"À {km} km — accessible en voiture"  # too far to walk
    unknown_means = suggested(Person([], []))
    assert texts(unknown_means)["distance"] == f"À {km} km de son domicile, dans son rayon de 30 km"
    detail = next(r.detail for r in by_car.reasons if r.code == "distance")
    assert detail is not None and "rayon de recherche 30 km" in detail


def test_what_is_missing_and_the_criteria_kept_are_plain_sentences() -> None:
    person = Person([], ["préparation de commandes"])
    s = suggested(person, contract_types=frozenset({"CDI"}), excluded_conditions=frozenset({"night_work"}))
    said = texts(s)
    assert said["skills_missing"] == "Il lui manque : Manutention"
    assert said["constraints_checked"] == (
        "Contrat accepté, horaires compatibles avec ses contraintes (sans travail de nuit)"
    )
    assert all(not CODES_OR_SCORES.search(text) for text in said.values()), said
    detail = next(r.detail for r in s.reasons if r.code == "constraints_checked")
    assert detail is not None and "night_work" in detail  # the rules, by their codes, in the detail


def test_several_excluded_conditions_read_as_one_sentence() -> None:
    excluded = frozenset({"night_work", "split_shifts", "heavy_lifting"})
    said = texts(suggested(Person([], []), excluded_conditions=excluded))
    assert said["constraints_checked"] == (
        "Horaires compatibles avec ses contraintes (sans travail de nuit ni horaires coupés), "
        "sans port de charges lourdes"
    )


def test_the_fair_share_reason_keeps_its_count_in_the_detail() -> None:
    reason = fair_share(2)
    assert reason.code == "fair_share" and reason.effect == "-" and "2" not in reason.text
    assert reason.detail is not None and reason.detail.startswith("2 offre(s)")
