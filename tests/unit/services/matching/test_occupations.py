from __future__ import annotations

from datetime import date

from services.matching.domain.occupations import OccupationLink, OfferOccupation, proximity
from services.matching.domain.ranking import Person, rank_suggestions, rank_with_end
from services.matching.ports import HardFilters, Hit
from tests.factories import indexed_offer, location

FAMILY = {"K2204": "K2204", "K2205": "K2204", "N1103": "N1103", "N1101": "N1101"}
NEIGHBOURS = {"N1103": ("N1101",)}


def link(rome: str, appellation: str | None = None, confidence: float = 1.0) -> OccupationLink:
    return OccupationLink(
        "technicien de surface",
        rome,
        appellation,
        "Technicien / Technicienne de surface",
        confidence,
        "intitulé identique",
    )


def at(rome: str, appellation: str | None, confidence: float) -> OfferOccupation:
    return OfferOccupation(rome, appellation, confidence, label=f"fiche {rome}")


def test_same_appellation_beats_same_fiche_beats_family_beats_neighbour() -> None:
    target = (link("K2205", "19928"),)
    levels = [
        proximity(at("K2205", "19928", 1.0), target, FAMILY, NEIGHBOURS).score,
        proximity(at("K2205", "10688", 1.0), target, FAMILY, NEIGHBOURS).score,
        proximity(at("K2204", None, 1.0), target, FAMILY, NEIGHBOURS).score,
        proximity(at("N1101", None, 1.0), (link("N1103"),), FAMILY, NEIGHBOURS).score,
        proximity(at("N1103", None, 1.0), target, FAMILY, NEIGHBOURS).score,
    ]
    assert levels == sorted(levels, reverse=True) and levels[-1] == 0.0 and len(set(levels)) == 5


def test_confidence_discounts_proximity_and_the_reason_says_how() -> None:
    sure = proximity(at("K2205", None, 1.0), (link("K2205"),), FAMILY, NEIGHBOURS)
    unsure = proximity(at("K2205", None, 0.5), (link("K2205"),), FAMILY, NEIGHBOURS)
    assert unsure.score < sure.score
    assert sure.text is not None and "technicien de surface" in sure.text
    assert sure.detail is not None and "K2205" in sure.detail  # codes go to the details, not the text


def test_a_differently_worded_offer_of_the_same_metier_outranks_a_lookalike() -> None:
    amilly = location("Amilly")
    filters = HardFilters(lat=amilly["lat"], lon=amilly["lon"], radius_km=30, today=date.today())
    same_job = indexed_offer(
        id="right",
        title="Agent de propreté H/F",
        rome_code="K2205",
        employer_id="a",
        occupation_label="Agent / Agente de propreté de locaux",
        occupation_confidence=0.9,
        occupation_how="proximité lexicale",
    )
    lookalike = indexed_offer(
        id="wrong",
        title="Technicien de maintenance",
        rome_code="I1304",
        employer_id="b",
        occupation_label="Technicien / Technicienne de maintenance",
        occupation_confidence=0.9,
        occupation_how="proximité lexicale",
    )
    person = Person(["technicien de surface"], [], occupations=(link("K2205"),), family_of=FAMILY)
    ranked = rank_suggestions([Hit(lookalike, 0.55), Hit(same_job, 0.35)], filters, person, 2)
    # The lookalike only sounds alike: below the floor, it is not a suggestion at all.
    assert [s.offer_id for s in ranked] == ["right"]
    assert ranked[0].reasons[0].code == "occupation"


def test_neighbouring_jobs_come_after_the_persons_own_and_say_so() -> None:
    amilly = location("Amilly")
    filters = HardFilters(lat=amilly["lat"], lon=amilly["lon"], radius_km=30, today=date.today())
    own = indexed_offer(id="own", rome_code="N1103", employer_id="a", occupation_label="Magasinier")
    near = indexed_offer(id="near", rome_code="N1101", employer_id="b", occupation_label="Cariste")
    unrelated = indexed_offer(id="far", rome_code="M1203", employer_id="c", occupation_label="Comptable")
    person = Person(
        ["magasinier"], [], occupations=(link("N1103"),), family_of=FAMILY, neighbours_of=NEIGHBOURS
    )
    ranked = rank_with_end([Hit(near, 0.5), Hit(unrelated, 0.5), Hit(own, 0.3)], filters, person, 10)
    assert [(s.offer_id, s.tier) for s in ranked.items] == [("own", "metier"), ("near", "metier_proche")]
    assert any(r.code == "neighbouring_job" for r in ranked.items[1].reasons)
    assert (
        ranked.end_of_list == "Plus aucune offre de ce métier ni d'un métier proche dans un rayon de 30 km."
    )
