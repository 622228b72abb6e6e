"""The skills field's two questions to the referential: which competences a few typed letters may mean
(autocomplete), and which competence a free-text skill is linked to (« lié à : … »)."""

from __future__ import annotations

import pytest

from common.text import normalise
from services.matching.api_skills import links_of, referential_search
from services.matching.domain.skill_search import MAX_RESULTS, CompetenceSearch
from services.matching.domain.skills import Competence
from services.matching.linking.skills import SkillLinker, load_referential


def labels(query: str, limit: int = MAX_RESULTS) -> list[str]:
    return [c.label for c in referential_search().search(query, limit)]


def test_every_word_typed_starts_a_word_of_each_competence_found() -> None:
    found = labels("manut charg")
    assert found, "the referential has competences about handling loads"
    for label in found:
        words = normalise(label).split()
        assert any(w.startswith("manut") for w in words) and any(w.startswith("charg") for w in words)


def test_accents_and_case_are_ignored() -> None:
    assert labels("ÉLÉVATEUR") == labels("elevateur") == labels("élévateur")
    assert any("élévateur" in label.lower() for label in labels("elevateur"))


def test_labels_starting_with_the_words_typed_come_first_then_the_shorter() -> None:
    search = CompetenceSearch(
        [
            Competence("1", "savoir_faire", "Utiliser un chariot élévateur", "g"),
            Competence("2", "savoir_faire", "Chariot élévateur à conducteur porté", "g"),
            Competence("3", "savoir", "Chariots élévateurs", "s"),
            Competence("4", "savoir_faire", "Conduire un chariot", "g"),
            Competence("5", "savoir", "Chariots ÉLÉVATEURS", "s"),  # the same wording: offered once
        ]
    )
    assert [c.code for c in search.search("chariot elev")] == ["2", "3", "1"]
    assert [c.code for c in search.search("chariot")] == ["3", "2", "4", "1"]


def test_at_most_twenty_and_nothing_for_blank() -> None:
    assert len(labels("de", 50)) == MAX_RESULTS
    assert len(labels("gestion", 5)) == 5
    assert labels("   ") == [] and labels("!!") == []
    assert labels("zzzzqqq") == []


def test_a_wording_shared_by_two_competences_is_offered_once() -> None:
    shared = {normalise(c.label) for c in load_referential().competences if normalise(c.label) == "langage c"}
    assert shared, "the referential lists « Langage C » twice"
    assert [normalise(label) for label in labels("langage c", 20)].count("langage c") == 1


@pytest.fixture(scope="module")
def lexical_linker() -> SkillLinker:
    linker = SkillLinker(encoder=None)
    linker.build()
    return linker


def test_a_free_text_skill_links_to_its_nearest_competences(lexical_linker: SkillLinker) -> None:
    [link] = links_of(lexical_linker, ["conduite de chariot élévateur"], top=3)
    assert link.text == "conduite de chariot élévateur" and len(link.competences) == 3
    best = link.competences[0]
    assert "chariot" in normalise(best.label)
    confidences = [c.confidence for c in link.competences]
    assert confidences == sorted(confidences, reverse=True)


def test_a_skill_worded_as_the_referential_links_to_it_with_full_confidence(
    lexical_linker: SkillLinker,
) -> None:
    wording = referential_search().search("chariots eleva", 1)[0].label
    [link] = links_of(lexical_linker, [wording.upper()], top=1)
    assert link.competences[0].label == wording and link.competences[0].confidence == 1.0


def test_without_a_linker_skills_link_to_nothing() -> None:
    assert [link.competences for link in links_of(None, ["cariste", "accueil"], top=2)] == [[], []]
