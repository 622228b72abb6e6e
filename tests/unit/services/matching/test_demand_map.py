"""Offers by place for the map: every place of the territory, offers elsewhere counted apart."""

from __future__ import annotations

from datetime import date

from common.outlines import territory_codes
from common.territory import commune_named
from services.matching.domain.demand_map import offers_by_place
from services.matching.ports import MonthCount

MARCH = date(2026, 3, 1)


def bucket(insee: str | None, offers: int, openings: int) -> MonthCount:
    return MonthCount(insee, MARCH, offers, openings)


def test_every_place_of_the_territory_is_listed_and_offers_elsewhere_are_counted_apart() -> None:
    orleans, montargis = commune_named("Orléans"), commune_named("Montargis")
    buckets = [
        bucket(orleans.insee_code, 3, 5),
        bucket(orleans.insee_code, 1, 1),
        bucket(montargis.insee_code, 2, 2),
        bucket("75056", 4, 4),  # Paris: beyond the territory
        bucket(None, 1, 1),  # no known place
    ]
    places, outside = offers_by_place(buckets, "commune")
    assert {p.code for p in places} == territory_codes("commune")
    by_code = {p.code: p for p in places}
    assert (by_code[orleans.insee_code].offers, by_code[orleans.insee_code].openings) == (4, 6)
    assert by_code[orleans.insee_code].label == "Orléans"
    assert by_code[montargis.insee_code].offers == 2
    assert sum(p.offers for p in places) == 6 and outside == 5
    epcis, _ = offers_by_place(buckets, "epci")
    assert {p.code: p.offers for p in epcis}[orleans.epci_siren] == 4
    assert {p.code: p.label for p in epcis}[montargis.epci_siren] == montargis.epci_name


def test_small_offer_counts_are_shown_as_they_are() -> None:
    places, _ = offers_by_place([bucket(commune_named("Gien").insee_code, 1, 1)], "epci")
    assert {p.code: p.offers for p in places}[commune_named("Gien").epci_siren] == 1
