"""Several accounts of one company (one SIREN, whichever establishment's SIRET) share its offers: what one
publishes the others see and manage; an employer of another company still gets a 404. An account asked
for with a SIRET waits for an administrator before it can sign in."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from maillage.platform import EmbeddedPlatform
from tests.e2e.conftest import token
from tests.factories import offer_payload

# Two establishments of one company (SIREN 732829320), and another company.
SIRET_HEAD_OFFICE, SIRET_BRANCH, OTHER_COMPANY = "73282932000074", "73282932000082", "44306184100047"


def employer_of(client: TestClient, admin: dict[str, str], siret: str) -> dict[str, str]:
    username = f"emp_{uuid.uuid4().hex[:8]}"
    body = {"username": username, "display_name": "Entreprise", "password": "employeur-pw", "siret": siret}
    assert client.post("/api/v1/accounts/employer-requests", json=body).status_code == 202
    waiting = client.post("/api/v1/auth/token", data={"username": username, "password": "employeur-pw"})
    assert waiting.status_code == 401  # not before an administrator validates the request
    validated = client.patch(f"/api/v1/admin/users/{username}", json={"active": True}, headers=admin)
    assert validated.status_code == 200, validated.text
    return token(client, username, "employeur-pw")


def test_the_accounts_of_one_company_share_its_offers(client: TestClient, platform: EmbeddedPlatform) -> None:
    admin = token(client, "admin")
    head_office = employer_of(client, admin, SIRET_HEAD_OFFICE)
    branch = employer_of(client, admin, SIRET_BRANCH)
    other = employer_of(client, admin, OTHER_COMPANY)

    offer = client.post("/api/v1/offers", json=offer_payload(), headers=head_office)
    assert offer.status_code == 201, offer.text
    offer_id = offer.json()["id"]
    assert offer.json()["employer_id"] == "siren:732829320"

    shared = client.get("/api/v1/offers", headers=branch).json()["items"]
    assert [o["id"] for o in shared] == [offer_id]
    paused = client.post(f"/api/v1/offers/{offer_id}/pause", headers=branch)
    assert paused.status_code == 200 and paused.json()["status"] == "paused"

    assert client.get("/api/v1/offers", headers=other).json()["items"] == []
    assert client.get(f"/api/v1/offers/{offer_id}", headers=other).status_code == 404
    assert client.post(f"/api/v1/offers/{offer_id}/resume", headers=other).status_code == 404

    me = client.get("/api/v1/auth/me", headers=branch).json()
    assert me["username"].startswith("emp_") and me["acts_as"] == "siren:732829320"
