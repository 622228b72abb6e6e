from __future__ import annotations

import pytest

from services.matching.api_occupations import LINKED_APPELLATIONS, candidates_of
from services.matching.domain.ambiguity import (
    MAX_CANDIDATES,
    AmbiguityReason,
    Candidate,
    assess,
    best_per_fiche,
)
from services.matching.linking import OccupationMatch


def c(code: str, rome: str, confidence: float) -> Candidate:
    return Candidate(code, f"appellation {code}", rome, confidence)


def test_a_sure_reading_with_no_close_fiche_is_not_ambiguous() -> None:
    result = assess([c("1", "K2205", 1.0), c("2", "K2205", 0.95), c("3", "K2204", 0.7)])
    assert not result.ambiguous
    assert result.reason is None and result.reason_fr is None
    assert [x.appellation_code for x in result.candidates] == ["1", "3"]


def test_another_fiche_within_the_margin_makes_it_ambiguous() -> None:
    result = assess([c("1", "K2205", 0.9), c("2", "J1301", 0.82), c("3", "G1603", 0.5)])
    assert result.ambiguous
    assert result.reason == AmbiguityReason.SEVERAL_FICHES
    assert result.reason_fr == "plusieurs métiers possibles"


def test_a_fiche_just_outside_the_margin_does_not() -> None:
    assert not assess([c("1", "K2205", 0.9), c("2", "J1301", 0.819)]).ambiguous


def test_close_appellations_of_the_same_fiche_are_not_a_choice() -> None:
    result = assess([c("1", "N1101", 0.9), c("2", "N1101", 0.9), c("3", "N1103", 0.7)])
    assert not result.ambiguous
    assert [x.rome_code for x in result.candidates] == ["N1101", "N1103"]


def test_a_low_best_confidence_is_uncertain() -> None:
    result = assess([c("1", "K2205", 0.55), c("2", "J1301", 0.3)])
    assert result.ambiguous
    assert result.reason == AmbiguityReason.UNCERTAIN
    assert result.reason_fr == "correspondance incertaine"


def test_several_close_fiches_is_the_reason_given_when_both_hold() -> None:
    assert assess([c("1", "K2205", 0.5), c("2", "J1301", 0.45)]).reason == AmbiguityReason.SEVERAL_FICHES


@pytest.mark.parametrize("best", [0.6, 0.61, 1.0])
def test_the_uncertainty_threshold_is_strict(best: float) -> None:
    assert not assess([c("1", "K2205", best), c("2", "J1301", 0.1)]).ambiguous


def test_one_per_fiche_best_first_and_at_most_five() -> None:
    found = [c(str(n), f"R{n % 7:04d}", 0.3 + n / 100) for n in range(30)]
    kept = best_per_fiche(found)
    assert len(kept) == MAX_CANDIDATES
    assert len({x.rome_code for x in kept}) == MAX_CANDIDATES
    assert [x.confidence for x in kept] == sorted((x.confidence for x in kept), reverse=True)
    assert kept[0].appellation_code == "29"


def test_input_order_breaks_ties_and_need_not_be_sorted() -> None:
    kept = best_per_fiche([c("1", "A", 0.5), c("2", "B", 0.8), c("3", "A", 0.8)])
    assert [x.appellation_code for x in kept] == ["2", "3"]


def test_no_candidate_is_nothing_to_choose() -> None:
    result = assess([])
    assert not result.ambiguous and result.candidates == () and result.reason is None


class FakeLinker:
    """Answers like OccupationLinker.link for the ROME appellations, without building any index."""

    def __init__(self, matches: list[OccupationMatch]) -> None:
        self.matches = matches
        self.asked: list[tuple[str, int, tuple[str, ...]]] = []

    def link(self, text: str, top: int = 5, systems: tuple[str, ...] = ()) -> list[OccupationMatch]:
        self.asked.append((text, top, systems))
        return self.matches[:top]


def m(code: str, label: str, rome: str, confidence: float) -> OccupationMatch:
    return OccupationMatch(
        code, label, "rome_appellation", rome, None, confidence, "proximité lexicale", label
    )


def test_the_endpoint_answers_with_short_labels_and_fiche_labels_one_per_fiche() -> None:
    linker = FakeLinker(
        [
            m("10698", "Agent / Agente de service hospitalier (ASH)", "J1301", 0.66),
            m("10574", "Agent / Agente de propreté hospitalière", "J1301", 0.65),
            m("10571", "Agent / Agente de propreté de locaux", "K2205", 0.62),
        ]
    )
    answer = candidates_of(linker, "agent de service")  # type: ignore[arg-type]
    assert linker.asked == [("agent de service", LINKED_APPELLATIONS, ("rome_appellation",))]
    assert answer.ambiguous and answer.reason == "plusieurs métiers possibles"
    assert [c.appellation_code for c in answer.candidates] == ["10698", "10571"]
    first = answer.candidates[0]
    assert first.label == "Agent / Agente des services hospitaliers"  # the short label forms show
    assert first.rome_code == "J1301" and first.fiche_label and first.fiche_label != "J1301"


def test_without_a_linker_nothing_is_ambiguous() -> None:
    answer = candidates_of(None, "agent de service")
    assert answer.model_dump() == {
        "text": "agent de service",
        "ambiguous": False,
        "reason": None,
        "candidates": [],
    }
