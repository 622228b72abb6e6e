from __future__ import annotations

from datetime import date

from common.text import normalise
from services.matching.domain.ranking import Person, rank_suggestions
from services.matching.ports import HardFilters, Hit
from tests.factories import indexed_offer, location

AMILLY = location("Amilly")


def filters(radius: float = 30) -> HardFilters:
    return HardFilters(lat=AMILLY["lat"], lon=AMILLY["lon"], radius_km=radius, today=date.today())


def test_more_relevant_ranks_first_and_every_suggestion_has_reasons() -> None:
    hits = [
        Hit(indexed_offer(id="far-but-relevant", commune="Montargis", employer_id="a"), 0.9),
        Hit(indexed_offer(id="near-irrelevant", commune="Amilly", employer_id="b"), 0.1),
    ]
    result = rank_suggestions(hits, filters(), Person([], []), 10)
    assert [s.offer_id for s in result] == ["far-but-relevant", "near-irrelevant"]
    for suggestion in result:
        codes = {r.code for r in suggestion.reasons}
        assert {"job_match", "distance", "constraints_checked"} <= codes


def test_violating_hits_are_dropped_even_if_the_index_returned_them() -> None:
    hits = [Hit(indexed_offer(id="orleans", commune="Orléans"), 0.99), Hit(indexed_offer(id="ok"), 0.2)]
    assert [s.offer_id for s in rank_suggestions(hits, filters(radius=15), Person([], []), 10)] == ["ok"]


def test_skills_matched_and_missing_are_explained() -> None:
    offer = indexed_offer(skills=("Nettoyage des locaux", "Conduite d'autolaveuse"))
    (s,) = rank_suggestions([Hit(offer, 0.5)], filters(), Person([], ["nettoyage des locaux"]), 10)
    texts = {r.code: r.text for r in s.reasons}
    assert "Nettoyage des locaux" in texts["skills_matched"]
    assert "autolaveuse" in texts["skills_missing"]
    assert s.components["skills"] == 0.5


def test_fair_share_damps_repeated_employers() -> None:
    hits = [Hit(indexed_offer(id=f"same-{i}", employer_id="big"), 0.8) for i in range(3)]
    hits.append(Hit(indexed_offer(id="other", employer_id="small"), 0.75))
    result = rank_suggestions(hits, filters(), Person([], []), 4)
    assert result[1].offer_id == "other"
    assert any(r.code == "fair_share" for r in result[2].reasons)


def test_order_is_stable_for_equal_scores() -> None:
    hits = [Hit(indexed_offer(id=i, employer_id=i), 0.5) for i in ("c", "a", "b")]
    assert [s.offer_id for s in rank_suggestions(hits, filters(), Person([], []), 3)] == ["a", "b", "c"]


def test_normalise_folds_accents_case_and_punctuation() -> None:
    assert normalise("Agent/Agente d'Entretien — Propreté") == "agent agente d entretien proprete"


def test_unresponsive_employers_drift_down_and_say_so() -> None:
    hits = [
        Hit(indexed_offer(id="silent", employer_id="silent"), 0.8),
        Hit(indexed_offer(id="ok", employer_id="ok"), 0.75),
    ]
    plain = rank_suggestions(hits, filters(), Person([], []), 2)
    assert [s.offer_id for s in plain] == ["silent", "ok"]
    learned = rank_suggestions(hits, filters(), Person([], [], employer_penalty={"silent": 0.6}), 2)
    assert [s.offer_id for s in learned] == ["ok", "silent"]
    assert any(r.code == "employer_unresponsive" for r in learned[1].reasons)
