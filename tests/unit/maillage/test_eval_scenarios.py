"""The scenarios and the BM25 yardstick of `maillage eval-matching` (no platform: builders, metrics)."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.text import normalise
from maillage.eval_bm25 import BM25, tokens
from maillage.eval_matching import DEFAULT_SHARED_DATA, allowed_offers, evaluate, ndcg_at_k
from maillage.eval_parts import gender_forms, title_key
from maillage.eval_scenarios import build, melo_titles, rome_labels

SMALL = {"occupations": 12, "offers_per": 4, "people": 30}


@pytest.fixture(scope="module")
def shared_data() -> Path:
    """The reference data next to the repository (../shared/data): missing data fails, never skips."""
    if not (DEFAULT_SHARED_DATA / "esco" / "occupations_fr.csv").is_file():
        pytest.fail(f"the reference data is missing: {DEFAULT_SHARED_DATA}")
    return DEFAULT_SHARED_DATA


@pytest.mark.parametrize("name", ["appellations", "free-titles", "skills-only"])
def test_a_scenario_is_the_same_for_the_same_seed(shared_data: Path, name: str) -> None:
    first = build(name, shared_data, seed=7, **SMALL)
    again = build(name, shared_data, seed=7, **SMALL)
    other = build(name, shared_data, seed=8, **SMALL)
    assert (first.offers, first.people) == (again.offers, again.people)
    assert first.key_of_person == again.key_of_person
    assert (first.offers, first.people) != (other.offers, other.people)
    assert len(first.offers) == SMALL["occupations"] * SMALL["offers_per"]
    assert len(first.people) == SMALL["people"]


def test_free_titles_people_want_a_wording_no_offer_of_their_occupation_uses(shared_data: Path) -> None:
    scenario = build("free-titles", shared_data, seed=45, occupations=40, offers_per=8, people=120)
    for p, person in enumerate(scenario.people):
        (target,) = person["target_jobs"]
        titles = {
            title_key(offer["title"])
            for offer, key in zip(scenario.offers, scenario.key_of_offer, strict=True)
            if key == scenario.key_of_person[p]
        }
        assert titles and title_key(target) not in titles
    # several occupations share an ISCO group, so grade 1 exists
    assert len(set(scenario.family_of_offer)) < len(set(scenario.key_of_offer))


def test_skills_only_people_have_five_reworded_skills(shared_data: Path) -> None:
    scenario = build("skills-only", shared_data, seed=45, occupations=40, offers_per=8, people=120)
    for p, person in enumerate(scenario.people):
        assert person["target_jobs"] == []
        assert len(person["skills"]) == 5
        assert len({normalise(s) for s in person["skills"]}) == 5
        rome = rome_labels(shared_data, scenario.key_of_person[p])
        assert not {normalise(s) for s in person["skills"]} & rome
    assert len(set(scenario.family_of_offer)) < len(set(scenario.key_of_offer))


def test_real_titles_people_want_a_job_ad_title_annotated_with_their_occupation(shared_data: Path) -> None:
    scenario = build("real-titles", shared_data, seed=45, occupations=40, offers_per=8, people=120)
    again = build("real-titles", shared_data, seed=45, occupations=40, offers_per=8, people=120)
    assert (scenario.offers, scenario.people) == (again.offers, again.people)
    titles = melo_titles(shared_data)
    for p, person in enumerate(scenario.people):
        (target,) = person["target_jobs"]
        assert target in titles[scenario.key_of_person[p]]  # written by an employer, not a referential
    wanted = set(scenario.key_of_person)
    assert len(wanted) <= 20 and wanted < set(scenario.key_of_offer)
    # each wanted occupation has a sibling of its ISCO group on offer: grade 1, and the confusable one
    assert len(set(scenario.family_of_offer)) < len(set(scenario.key_of_offer))


def test_gender_forms_split_esco_and_rome_labels() -> None:
    assert gender_forms("directeur technique/directrice technique") == [
        "directeur technique",
        "directrice technique",
    ]
    assert gender_forms("Abatteur / Abatteuse de carrière") == [
        "Abatteur de carrière",
        "Abatteuse de carrière",
    ]
    assert gender_forms("Conducteur(trice) routier(ère)") == ["Conducteur routier", "Conductrice routière"]
    assert gender_forms("réception/expédition") == ["réception/expédition"]
    assert title_key("Secrétaire Médicale (H/F)") == "secretaire medicale"


def test_bm25_ranks_a_document_with_the_query_words_first() -> None:
    index = BM25(["boulanger pâtissier H/F", "Conducteur de bus", "agent d'entretien"])
    assert index.rank("conductrice de bus", [0, 1, 2]) == [1, 0, 2]
    assert index.rank("PATISSIER", [0, 1, 2])[0] == 0
    assert index.rank("rien à voir", [2, 0, 1]) == [0, 1, 2]  # ties by index
    assert tokens("L'agent d'entretien H/F") == ["agent", "entretien"]


def test_ndcg_of_a_perfect_ranking_is_one(shared_data: Path) -> None:
    assert ndcg_at_k([2, 2, 1, 0], [0, 1, 2, 2], 10) == pytest.approx(1.0)
    assert ndcg_at_k([0, 2], [2, 0], 10) < 1.0
    scenario = build("free-titles", shared_data, seed=3, **SMALL)
    permitted = allowed_offers(scenario)

    def best_first(person: int, offers: list[int]) -> list[int]:
        return sorted(offers, key=lambda offer: -scenario.grade(person, offer))

    perfect = [best_first(p, offers) for p, offers in enumerate(permitted)]
    figures = evaluate(scenario, perfect, permitted, 10)
    assert figures["people_judged"] > 0
    assert figures["ndcg_at_10"] == 1.0
    assert figures["success_at_1"] == 1.0
    assert figures["violations"] == 0
