"""Titles the ROME side cannot place alone: through the ESCO occupation that shares a wording with an
appellation, or through their head ("Tôlier industriel" → "Tôlier"). Real referentials, no model: the
linker's answers are scripted, so each rule is tested on its own."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from services.matching.linking import OccupationLinker, OccupationMatch
from services.matching.linking.crosswalk import same_wordings
from services.matching.linking.linker import System
from services.matching.linking.normalize import head_forms, word_count
from services.matching.linking.taxonomy import Taxonomies, load
from services.matching.occupations import HEAD_CONFIDENCE, SAME_WORDING, OccupationResolver

ESCO = "http://data.europa.eu/esco/occupation/"
BANK_CLERK = ESCO + "2ff9e53c-6e7f-42af-8d71-b5dd7f283089"  # employé de banque, alias guichetier de banque
SHEET_METAL_WORKER = ESCO + "572c9810-e1ee-4f7a-a71f-820f17c0c25b"  # tôlier / tôlière
SPRAY_PAINTER = ESCO + "7443811e-6760-44a2-af95-1b9c791733a8"  # laqueur au pistolet
TEACHING_ASSISTANT = ESCO + "79c2e54e-26e8-4cdc-a7f1-908e000bfb83"  # alias "lecteur", one word
ENVIRONMENTAL_GEOLOGIST = ESCO + "92efb42f-6b0a-44d8-94ea-0141555e6c3b"


@pytest.fixture(scope="module")
def taxonomies() -> Taxonomies:
    return load()


def rome(code_ogr: str, code_rome: str, label: str, confidence: float, how: str) -> OccupationMatch:
    return OccupationMatch(code_ogr, label, "rome_appellation", code_rome, None, confidence, how, label)


def esco(uri: str, label: str, confidence: float) -> OccupationMatch:
    return OccupationMatch(uri, label, "esco", None, None, confidence, "proximité sémantique", label)


class ScriptedLinker(OccupationLinker):
    """The real referentials and crosswalk; `link_many` answers from a script (unknown texts: nothing)."""

    def __init__(self, taxonomies: Taxonomies, script: dict[str, list[OccupationMatch]]) -> None:
        super().__init__(encoder=None, taxonomies=taxonomies)
        self.script = script
        self.asked: list[str] = []

    def link_many(
        self, texts: Sequence[str], top: int = 5, systems: tuple[System, ...] = ("esco",)
    ) -> list[list[OccupationMatch]]:
        self.asked += texts
        return [[m for m in self.script.get(t, []) if m.system in systems] for t in texts]


def test_an_esco_occupation_takes_the_appellation_worded_as_one_of_its_labels(taxonomies: Taxonomies) -> None:
    same = same_wordings(taxonomies)
    assert same[BANK_CLERK][0].code_rome == "C1201"  # "guichetière de banque" is a ROME appellation
    assert same[BANK_CLERK][0].label.startswith("Guichetier")
    assert same[SHEET_METAL_WORKER][0].code_rome == "H2902"
    # A one-word alternative label is a homonym more often than a synonym: "lecteur" is not the
    # publisher's reader (E1105) when it names a language assistant.
    assert TEACHING_ASSISTANT not in same or same[TEACHING_ASSISTANT][0].code_rome != "E1105"


def test_a_sure_esco_match_overrides_a_markedly_less_sure_rome_one(taxonomies: Taxonomies) -> None:
    title = "EMPLOYÉE DE BANQUE H/F"
    linker = ScriptedLinker(
        taxonomies,
        {
            title: [
                rome("16120", "K1903", "Juriste de banque", 0.47, "proximité sémantique"),
                esco(BANK_CLERK, "employé de banque/employée de banque", 1.0),
            ]
        },
    )
    [link] = OccupationResolver(linker)._link_titles([title])
    assert link is not None and link.rome_code == "C1201" and link.how.startswith(SAME_WORDING)
    assert "guichetière de banque" in link.how  # the wording that ties the two referentials
    assert link.esco_uri == BANK_CLERK and link.confidence == 1.0


def test_a_sure_rome_match_is_kept_beside_an_esco_one(taxonomies: Taxonomies) -> None:
    title = "Chargé d'accueil en banque"
    linker = ScriptedLinker(
        taxonomies,
        {
            title: [
                rome("11744", "C1201", "Chargé / Chargée d'accueil en banque", 0.97, "proximité lexicale"),
                esco(BANK_CLERK, "employé de banque/employée de banque", 0.95),
            ]
        },
    )
    [link] = OccupationResolver(linker)._link_titles([title])
    assert link is not None and link.appellation_code == "11744" and link.how == "proximité lexicale"


def test_a_title_no_referential_places_links_through_its_head(taxonomies: Taxonomies) -> None:
    title = "Tôlier industriel (h/f/x)"
    linker = ScriptedLinker(
        taxonomies,
        {
            title: [
                rome("16635", "H2911", "Métallier industriel", 0.44, "proximité sémantique"),
                esco(SPRAY_PAINTER, "laqueur au pistolet", 0.56),
            ],
            "Tôlier": [
                rome("20352", "H2902", "Tôlier / Tôlière", 1.0, "intitulé identique"),
                esco(SHEET_METAL_WORKER, "tôlier / tôlière", 1.0),
            ],
        },
    )
    [link] = OccupationResolver(linker)._link_titles([title])
    assert link is not None and link.rome_code == "H2902" and link.appellation_code == "20352"
    assert link.confidence == HEAD_CONFIDENCE and link.how == "intitulé reconnu sans « industriel »"
    assert link.esco_uri == SHEET_METAL_WORKER


def test_a_title_esco_recognises_whole_keeps_its_esco_identity(taxonomies: Taxonomies) -> None:
    title = "GÉOLOGUE ENVIRONNEMENTALISTE (H/F)"
    linker = ScriptedLinker(
        taxonomies,
        {
            title: [
                rome("15107", "F1105", "Géologue", 0.29, "proximité lexicale"),
                esco(ENVIRONMENTAL_GEOLOGIST, "géologue environnementaliste", 1.0),
            ],
            "GÉOLOGUE": [rome("15107", "F1105", "Géologue", 1.0, "intitulé identique")],
        },
    )
    [link] = OccupationResolver(linker)._link_titles([title])
    assert link is not None and link.rome_code == "" and link.esco_uri == ENVIRONMENTAL_GEOLOGIST
    assert "GÉOLOGUE" not in linker.asked


def test_a_head_that_is_only_close_to_an_appellation_is_not_enough(taxonomies: Taxonomies) -> None:
    title = "Coordonnateur ens bénévolat"
    linker = ScriptedLinker(
        taxonomies,
        {"Coordonnateur ens": [rome("1", "F1201", "Coordonnateur de chantier", 0.6, "proximité lexicale")]},
    )
    assert OccupationResolver(linker)._link_titles([title]) == [None]


def test_a_head_with_the_key_but_not_the_words_of_an_appellation_is_not_enough(
    taxonomies: Taxonomies,
) -> None:
    title = "Conseiller en crédits"  # "Conseiller / Conseillère à l'emploi" has the key "conseiller"
    linker = ScriptedLinker(
        taxonomies,
        {
            "Conseiller": [
                rome("1", "K1801", "Conseiller / Conseillère à l'emploi", 1.0, "intitulé identique"),
            ]
        },
    )
    assert OccupationResolver(linker)._link_titles([title]) == [None]


@pytest.mark.parametrize(
    ("title", "forms"),
    [
        ("Tôlier industriel (h/f/x)", ["Tôlier"]),
        ("Couvreur de toits inclinés H/F", ["Couvreur de toits", "Couvreur"]),  # never ending on "de"
        ("Boucher", []),
    ],
)
def test_head_forms_drop_trailing_qualifiers(title: str, forms: list[str]) -> None:
    assert head_forms(title) == forms


@pytest.mark.parametrize(
    ("label", "words"),
    [
        ("Couvreur / Couvreuse", 1),
        ("Conducteur / Conductrice de bus", 3),
        ("Conseiller / Conseillère à l'emploi", 3),
    ],
)
def test_a_label_counts_the_words_of_its_fullest_form(label: str, words: int) -> None:
    assert word_count(label) == words
