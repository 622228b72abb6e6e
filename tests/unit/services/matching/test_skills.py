"""Skills at referential level: inference of fiches from skills, matched and missing competences.

The first tests use a four-competence referential and hand-written similarities (the arithmetic); the
last ones link real wordings to the real ROME referential with the lexical signal alone (no model: fast).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from services.matching.domain.ranking import Person, rank_with_end
from services.matching.domain.skills import Competence, SkillsProfile
from services.matching.linking.skills import SkillLinker, SkillReferential, _view_of
from services.matching.ports import HardFilters, Hit
from tests.factories import indexed_offer, location

COMPETENCES = (
    Competence("1", "savoir_faire", "Entretenir des locaux", "M1"),
    Competence("2", "savoir_faire", "Nettoyer des surfaces vitrées", "M1"),
    Competence("3", "savoir_faire", "Conduire un chariot élévateur", "M2"),
    Competence("4", "savoir_faire", "Accueillir une clientèle", "M3"),
)
LINKS = {
    "K2204": ((0, True), (1, False), (3, False)),
    "N1101": ((2, True), (3, False)),
    "G1803": ((3, True),),
}
VIEW = _view_of(SkillReferential(COMPETENCES, LINKS))


def profile(*rows: list[float]) -> SkillsProfile:
    skills = tuple(f"skill {i}" for i in range(len(rows)))
    return SkillsProfile.from_similarities(skills, np.asarray(rows, dtype=np.float32), VIEW)


def test_skills_point_to_the_fiche_whose_competences_they_meet() -> None:
    cleaning = profile([0.9, 0.5, 0.1, 0.2], [0.6, 0.8, 0.1, 0.3])
    inferred = cleaning.inferred_fiches(top=3, relative=0.5, minimum=0.05)
    assert [f.rome_code for f in inferred] == ["K2204"]
    assert ("skill 0", "Entretenir des locaux") in inferred[0].supports


def test_a_competence_most_fiches_ask_says_less_than_a_specific_one() -> None:
    welcoming = profile([0.1, 0.1, 0.1, 0.95])
    driving = profile([0.1, 0.1, 0.95, 0.1])
    assert float(welcoming.fiche_scores.max()) < float(driving.fiche_scores.max())


def test_fit_names_matched_and_missing_competences_in_the_referentials_words() -> None:
    fit = profile([0.9, 0.2, 0.1, 0.1]).fit(["1", "3"])
    assert fit is not None
    assert fit.matched == (("Entretenir des locaux", "skill 0"),)
    assert fit.missing == ("Conduire un chariot élévateur",)
    assert 0.4 < fit.score < 0.6


def test_the_same_macro_competence_earns_partial_credit_only() -> None:
    fit = profile([0.95, 0.1, 0.1, 0.1]).fit(["2"])  # asked: windows; held: premises (same macro)
    assert fit is not None and 0.0 < fit.score < 0.5 and not fit.matched


def test_no_skills_on_either_side_says_nothing() -> None:
    assert profile().fit(["1"]) is None
    assert profile([0.9, 0.1, 0.1, 0.1]).fit([]) is None


def test_core_skills_stand_in_for_an_offer_that_lists_none() -> None:
    assert VIEW.core_skills("K2204") == ("1",)
    assert VIEW.core_skills("unknown") == ()


def test_a_skills_only_person_gets_the_offers_of_their_metier_and_the_list_says_where_it_ends() -> None:
    amilly = location("Amilly")
    filters = HardFilters(lat=amilly["lat"], lon=amilly["lon"], radius_km=15, today=date.today())
    cleaning = indexed_offer(
        id="clean", title="Agent de propreté H/F", employer_id="a", skill_codes=("1", "2")
    )
    forklift = indexed_offer(id="fork", title="Cariste", employer_id="b", skill_codes=("3",))
    person = Person(
        [], ["skill 0", "skill 1"], skills_profile=profile([0.9, 0.4, 0.1, 0.1], [0.5, 0.9, 0.1, 0.1])
    )
    ranked = rank_with_end([Hit(forklift, 0.3), Hit(cleaning, 0.3)], filters, person, 10)
    assert [s.offer_id for s in ranked.items] == ["clean"]  # the forklift job is below the floor
    assert ranked.end_of_list == "Plus aucune offre de ce métier dans un rayon de 15 km."
    texts = {r.code: r.text for r in ranked.items[0].reasons}
    assert "Entretenir des locaux" in texts["skills_matched"]


@pytest.fixture(scope="module")
def lexical_linker() -> SkillLinker:
    linker = SkillLinker(encoder=None)
    linker.build()
    return linker


def test_esco_worded_skills_meet_the_rome_referential(lexical_linker: SkillLinker) -> None:
    warehouse = lexical_linker.profile(
        ["conduire un chariot élévateur", "gérer les stocks", "préparer des commandes", "charger des camions"]
    )
    best = warehouse.inferred_fiches(top=3, relative=0.5, minimum=0.05)
    # Warehouse fiches: N1101 cariste, N1103 magasinier… (F1710, a builders' merchant's storekeeper, is
    # a fair reading too). No model here: the lexical signal alone.
    assert best and any(f.rome_code.startswith("N11") for f in best)


def test_an_offer_skill_links_to_its_competence_not_by_string_equality(lexical_linker: SkillLinker) -> None:
    (code,) = lexical_linker.codes_of(["conduite de chariot élévateur"], min_confidence=0.3)
    label = lexical_linker.view.competences[lexical_linker.view.index_of[code]].label
    assert "chariot" in label.lower() and label != "conduite de chariot élévateur"


def test_a_wording_links_to_competences_with_a_confidence(lexical_linker: SkillLinker) -> None:
    exact = lexical_linker.link("Gérer les stocks", top=2)
    assert exact[0].competence.label == "Gérer les stocks" and exact[0].confidence == 1.0
    reworded = lexical_linker.link("suivi du stock en entrepôt", top=3)
    assert any("stock" in m.competence.label.lower() for m in reworded)
    assert all(0.0 <= m.confidence < 1.0 for m in reworded)
