"""Typos in titles are corrected against the referentials' own words, and only those."""

from __future__ import annotations

from services.matching.linking.spelling import Speller

LABELS = ["Jardinier / Jardinière paysagiste", "Barman / Barmaid", "Directeur / Directrice de clinique"]


def test_a_swap_a_missing_letter_and_capitals_are_corrected() -> None:
    speller = Speller(LABELS)
    assert speller.correct("jaridnière paysagiste H/F") == "jardinière paysagiste H/F"
    assert speller.correct("Bamran") == "barman"
    assert speller.correct("DIRECTEUR DE CLNIQUE") == "DIRECTEUR DE clinique"


def test_known_short_and_distant_words_are_left_alone() -> None:
    speller = Speller(LABELS)
    assert speller.correct("Jardinier") == "Jardinier"  # known
    assert speller.correct("Bamr") == "Bamr"  # under five letters: too many neighbours
    assert speller.correct("plombier chauffagiste") == "plombier chauffagiste"  # nothing close
