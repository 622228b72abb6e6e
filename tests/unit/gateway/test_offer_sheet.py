"""The offer's page and « Mes pistes », as plain functions of the API's answers: how to apply, the way
from the person to the offer, when an offer was proposed, and what the référent asked the sheet to hold."""

from __future__ import annotations

from typing import Any

import pytest

from common import french_catalogue as fr
from common.geo import haversine_km
from gateway.web.offer_sheet import (
    MAX_CONTACT_CHARS,
    MAX_PISTES,
    MAX_STEPS_CHARS,
    contact_lines,
    journey,
    offer_facts,
    proposal_dates,
    read_selection,
)
from tests.factories import location, offer_payload, profile_payload


def published(**overrides: Any) -> dict[str, Any]:
    return {**offer_payload(), "id": "o1", "status": "active", **overrides}


def test_how_to_apply_reads_in_french_with_links_for_mail_phone_and_web() -> None:
    lines = contact_lines(
        {
            "nom": "Mme Roux",
            "courriel": "rh@exemple.fr",
            "telephone": "02 38 12 34 56",
            "urlPostulation": "https://exemple.fr/postuler",
            "commentaire": "  ",
        }
    )
    assert [(line["label"], line["value"], line["href"]) for line in lines] == [
        ("Contact", "Mme Roux", ""),
        ("Courriel", "rh@exemple.fr", "mailto:rh@exemple.fr"),
        ("Téléphone", "02 38 12 34 56", "tel:0238123456"),
        ("Postuler en ligne", "https://exemple.fr/postuler", "https://exemple.fr/postuler"),
    ]


def test_a_value_that_is_no_web_address_is_never_a_link() -> None:
    lines = contact_lines({"urlRecruteur": "javascript:alert(1)", "courriel": "écrire à l'accueil"})
    assert [line["href"] for line in lines] == ["", ""]
    assert lines[0]["label"] == fr.CONTACT_LABELS["urlRecruteur"]


def test_an_unknown_part_of_the_contact_keeps_its_own_name_and_no_contact_is_no_line() -> None:
    assert contact_lines({"fax": "02 38 00 00 00"})[0]["label"] == "fax"
    assert contact_lines(None) == [] and contact_lines({}) == []


def test_the_way_to_the_offer_is_measured_from_the_persons_commune_against_their_radius() -> None:
    person = profile_payload(
        location=location("Gien"),
        mobility={"max_distance_km": 10, "transport": ["car", "bicycle"], "driving_licence_valid": True},
    )
    near, far = location("Briare"), location("Montargis")
    way = journey(person, published(location=near))
    expected = haversine_km(person["location"]["lat"], person["location"]["lon"], near["lat"], near["lon"])
    assert way["distance_km"] == pytest.approx(expected) and 5 < way["distance_km"] < 10
    assert way["within_radius"] and way["from_commune"] == "Gien" and way["radius_km"] == 10
    assert way["means"] == ["voiture", "vélo"] and way["driving_licence"]
    assert not journey(person, published(location=far))["within_radius"]


def test_a_person_without_transport_or_licence_has_no_means_listed() -> None:
    way = journey(profile_payload(mobility={"max_distance_km": 15}), published())
    assert way["means"] == [] and not way["driving_licence"]


def test_the_proposal_date_of_an_offer_is_its_first_proposal() -> None:
    history = [  # newest first, as the API gives it
        {"offer_id": "o1", "status": "refused", "recorded_at": "2025-03-10T09:00:00Z"},
        {"offer_id": "o2", "status": "proposed", "recorded_at": "2025-03-05T09:00:00Z"},
        {"offer_id": "o1", "status": "proposed", "recorded_at": "2025-03-02T09:00:00Z"},
        {"offer_id": "o1", "status": "proposed", "recorded_at": "2025-02-20T09:00:00Z"},
    ]
    assert proposal_dates(history) == {"o1": "2025-02-20T09:00:00Z", "o2": "2025-03-05T09:00:00Z"}


def test_the_offer_facts_name_the_contract_in_french_and_keep_only_web_origins() -> None:
    facts = offer_facts(published(contract_type="CDD", origin_url="https://francetravail.fr/o/1"))
    assert facts["contract"] == "CDD" and facts["origin_url"] == "https://francetravail.fr/o/1"
    assert facts["commune"] == "Montargis" and facts["active"]
    assert offer_facts(published(origin_url="ftp://ailleurs"))["origin_url"] == ""
    assert not offer_facts(published(status="paused"))["active"]


def test_the_selection_keeps_the_ticked_order_once_each_and_splits_the_steps() -> None:
    wanted, errors = read_selection(["o2", "o1", "o2", " "], "Appeler lundi\n\n  Préparer un CV ", " 02 38 ")
    assert errors == []
    assert wanted.offer_ids == ["o2", "o1"]
    assert wanted.steps == ["Appeler lundi", "Préparer un CV"] and wanted.contact == "02 38"


@pytest.mark.parametrize(
    ("offers", "steps", "contact", "message"),
    [
        ([], "", "", fr.PISTES_NEED_AN_OFFER),
        ([f"o{i}" for i in range(MAX_PISTES + 1)], "", "", fr.PISTES_TOO_MANY.format(max=MAX_PISTES)),
        (["o1", "../profiles"], "", "", fr.PISTES_UNKNOWN_OFFER),
        (["o1"], "x" * (MAX_STEPS_CHARS + 1), "", fr.PISTES_STEPS_TOO_LONG.format(max=MAX_STEPS_CHARS)),
        (["o1"], "", "x" * (MAX_CONTACT_CHARS + 1), fr.PISTES_CONTACT_TOO_LONG.format(max=MAX_CONTACT_CHARS)),
    ],
)
def test_a_selection_the_sheet_cannot_hold_is_refused_in_french(
    offers: list[str], steps: str, contact: str, message: str
) -> None:
    _, errors = read_selection(offers, steps, contact)
    assert errors == [message]
