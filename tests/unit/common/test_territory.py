"""The territory is configuration: every French commune ships, MAILLAGE_TERRITORY selects some, a band
around them is still within reach; names are never trusted alone outside the territory."""

from __future__ import annotations

from typing import Any

import pytest

from common.communes_search import search_communes
from common.territory import (
    TerritorySettings,
    UnknownTerritory,
    all_communes,
    build_territory,
    commune_by_code,
    commune_named,
    communes,
    french_commune,
    nearest_commune,
)


def test_every_french_commune_ships_and_the_default_territory_is_the_loiret() -> None:
    assert len(all_communes()) == 34_875
    assert len(communes()) == 325 and {c.departement for c in communes()} == {"45"}
    nemours = commune_by_code("77333")  # within the band: a place the deployment works with
    assert nemours is not None and nemours.name == "Nemours"
    assert commune_by_code("75056") is None  # Paris, beyond the band
    paris = french_commune("75056")
    assert paris is not None and paris.departement == "75"


def test_territories_by_departement_epci_or_all() -> None:
    two = build_territory("45, 77")
    assert two.contains(commune_named("Nemours", "77")) and len(two.members) > 325
    pays_de_nemours = build_territory("200023240")
    assert {c.epci_name for c in pays_de_nemours.members} == {"CC Pays de Nemours"}
    assert not pays_de_nemours.contains(commune_named("Montargis", "45"))
    assert build_territory("all").contains(commune_named("Olivet", "53"))
    with pytest.raises(UnknownTerritory, match="code de territoire inconnu"):
        build_territory("45,999")


def test_the_band_admits_the_other_side_of_the_border_and_nothing_further() -> None:
    loiret = build_territory("45", 40)
    nemours = loiret.reach(commune_named("Nemours", "77"))
    assert not nemours.inside and nemours.within_band and 10 < nemours.distance_km < 20
    assert loiret.reach(commune_named("Cosne-Cours-sur-Loire", "58")).within_band
    mayenne = loiret.reach(commune_named("Olivet", "53"))
    assert not mayenne.within_band and mayenne.distance_km > 150
    assert not build_territory("45", 5).reach(commune_named("Nemours", "77")).within_band
    assert loiret.reach(commune_named("Montargis", "45")).inside


def test_names_are_resolved_with_their_departement_or_inside_the_territory_only() -> None:
    assert commune_named("Olivet").insee_code == "45232"  # the territory's Olivet
    assert commune_named("Olivet", "53").insee_code == "53169"
    assert commune_named("Sainte-Geneviève-des-Bois", "91").insee_code == "91549"
    assert commune_named("Sainte-Geneviève-des-Bois").insee_code == "45278"
    with pytest.raises(KeyError):
        commune_named("Olivet", "91")


def test_coordinates_find_the_commune_wherever_it_is() -> None:
    essonne = nearest_commune(48.6412, 2.3301)
    assert essonne is not None and essonne.insee_code == "91549"
    assert nearest_commune(47.99911, 2.73728).name == "Montargis"  # type: ignore[union-attr]
    assert nearest_commune(51.5, -0.12) is None  # London


def test_the_autocomplete_offers_the_band_after_the_territory() -> None:
    names = [(c.name, c.departement) for c in search_communes("sainte-genevieve")]
    assert names[0] == ("Sainte-Geneviève-des-Bois", "45")
    assert ("Nemours", "77") in [(c.name, c.departement) for c in search_communes("nemours")]
    assert all(c.departement != "53" for c in search_communes("olivet"))


def test_today_is_the_territorys_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 23:30 UTC it is already tomorrow in Réunion (UTC+4) and still today in Guadeloupe (UTC−4)."""
    from datetime import UTC, datetime

    import common.territory as module

    instant = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)

    class Frozen(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Frozen:
            return cls.fromtimestamp(instant.timestamp(), tz)

    monkeypatch.setattr(module, "datetime", Frozen)
    days = {}
    for zone in ("Indian/Reunion", "America/Guadeloupe", "Europe/Paris"):
        monkeypatch.setenv("MAILLAGE_TIME_ZONE", zone)
        module._territory_zone.cache_clear()
        days[zone] = module.territory_today().isoformat()
    module._territory_zone.cache_clear()
    assert days == {
        "Indian/Reunion": "2026-12-02",
        "America/Guadeloupe": "2026-12-01",
        "Europe/Paris": "2026-12-02",
    }


def test_an_unknown_time_zone_stops_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILLAGE_TIME_ZONE", "Europe/Orleans")
    with pytest.raises(ValueError, match="MAILLAGE_TIME_ZONE"):
        TerritorySettings()
