"""Suggestions on people and offers as they really come, through the gateway of the embedded platform.

Regression cases from issue 11, each as the product met it: a skills-only person whose skills are worded
as an assessment words them, a waiter whose list used to end with unrelated jobs, a cariste offered a
coach driver's job on the word "car", "agent de service" linked to aircraft cabin service.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from maillage.platform import EmbeddedPlatform
from tests.e2e.conftest import token
from tests.factories import location, offer_payload, profile_payload

OFFERS = {
    "propreté": ("Agent de propreté H/F", []),
    "entretien": ("Agent d'entretien des locaux (H/F)", []),
    "comptable": ("Comptable", []),
    "électricien": ("Électricien H/F", []),
    "car": ("Conducteur de car", []),
    "cariste": ("Cariste H/F", ["Conduite de chariot élévateur"]),
    "magasinier": ("Magasinier / Magasinière", []),
    "serveur": ("Serveur / Serveuse", []),
    "préparateur": ("Préparateur de commandes", []),
}


@pytest.fixture(scope="module")
def offer_ids(client: TestClient, platform: EmbeddedPlatform) -> dict[str, str]:
    employer = token(client, "employer")
    ids = {}
    for name, (title, skills) in OFFERS.items():
        body = offer_payload(title=title, skills=skills, description="", location=location("Montargis"))
        response = client.post("/api/v1/offers", json=body, headers=employer)
        assert response.status_code == 201, response.text
        ids[response.json()["id"]] = name
    platform.settle(timeout_s=120)  # indexed (linked and embedded) before anyone asks
    return ids


def suggestions(client: TestClient, offer_ids: dict[str, str], **person: Any) -> dict[str, Any]:
    referent = token(client, "referent")
    body = profile_payload(**{"skills": [], **person})
    created = client.post("/api/v1/profiles", json=body, headers=referent)
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    response = client.get(f"/api/v1/profiles/{pid}/suggestions?limit=10", headers=referent)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    for item in result["items"]:
        item["name"] = offer_ids.get(item["offer_id"], "?")
    return result


def names(result: dict[str, Any], tier: str | None = None) -> list[str]:
    return [i["name"] for i in result["items"] if tier is None or i["tier"] == tier]


def test_a_person_known_only_by_assessed_skills_gets_cleaning_jobs_first(
    client: TestClient, offer_ids: dict[str, str]
) -> None:
    skills = [
        "nettoyer des surfaces",
        "utiliser des produits de nettoyage",
        "vider les poubelles",
        "nettoyer des sols",
        "respecter les consignes d'hygiène",
    ]
    result = suggestions(client, offer_ids, target_jobs=[], skills=skills)
    own = names(result, "metier")
    assert own[:2] and set(own[:2]) <= {"propreté", "entretien"}, result["items"]
    assert "comptable" not in names(result) and "électricien" not in names(result)
    first = result["items"][0]
    matched = [r for r in first["reasons"] if r["code"] == "skills_matched"]
    assert matched and "nettoy" in matched[0]["text"].lower()  # in the referential's words


def test_the_list_ends_when_the_metier_runs_out_and_says_why(
    client: TestClient, offer_ids: dict[str, str]
) -> None:
    result = suggestions(client, offer_ids, target_jobs=["serveur"])
    assert names(result, "metier") == ["serveur"]
    assert not {"comptable", "électricien", "car"} & set(names(result))
    assert result["end_of_list"] and "15 km" in result["end_of_list"]


def test_a_cariste_is_not_offered_a_coach_on_the_word_car(
    client: TestClient, offer_ids: dict[str, str]
) -> None:
    result = suggestions(client, offer_ids, target_jobs=["cariste"])
    assert names(result)[0] == "cariste"
    assert "car" not in names(result)
    # Neighbouring jobs come after, labelled as such.
    tiers = [i["tier"] for i in result["items"]]
    assert tiers == sorted(tiers, key=lambda t: t != "metier")


def test_agent_de_service_is_cleaning_not_aircraft_cabin_service(
    client: TestClient, offer_ids: dict[str, str]
) -> None:
    result = suggestions(client, offer_ids, target_jobs=["agent de service"])
    own = names(result, "metier")
    assert own and own[0] in {"propreté", "entretien"}, result["items"]
    assert not {"magasinier", "cariste", "préparateur"} & set(own)
