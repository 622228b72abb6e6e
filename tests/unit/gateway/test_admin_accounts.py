"""The administration of accounts through the API, on the gateway alone: an account an admin creates can
sign in; deactivating it or changing its role ends its open session at once; an employer's request waits
until an admin validates it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from common.identity import Role
from gateway.users import UserStore
from tests.unit.gateway.gateway_support import accounts_engine, gateway_app


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    users = UserStore(accounts_engine(tmp_path))
    users.upsert("root", "root-password", Role.ADMIN, "Administration")
    with TestClient(gateway_app(users), raise_server_exceptions=False) as test_client:
        yield test_client


def sign_in(client: TestClient, username: str, password: str) -> dict[str, str]:
    answer = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def new_account(client: TestClient, admin: dict[str, str], **fields: str) -> dict[str, object]:
    body = {"username": "camille", "display_name": "Camille", "role": "referent", "password": "premier-mdp"}
    answer = client.post("/api/v1/admin/users", json=body | fields, headers=admin)
    assert answer.status_code == 201, answer.text
    account: dict[str, object] = answer.json()
    return account


def test_an_account_created_by_an_admin_signs_in_and_is_listed(client: TestClient) -> None:
    admin = sign_in(client, "root", "root-password")
    created = new_account(client, admin, structure="Mission locale Est")
    assert created["structure"] == "Mission locale Est" and created["active"] and not created["pending"]
    camille = sign_in(client, "camille", "premier-mdp")
    assert client.get("/api/v1/auth/me", headers=camille).json()["role"] == "referent"
    listed = client.get("/api/v1/admin/users", params={"role": "referent"}, headers=admin).json()
    assert [a["username"] for a in listed] == ["camille"]
    again = client.post(
        "/api/v1/admin/users",
        json={"username": "camille", "display_name": "C", "role": "analyst", "password": "autre-mdp"},
        headers=admin,
    )
    assert again.status_code == 409 and again.json()["code"] == "account.exists"


def test_deactivation_ends_the_open_session_at_once(client: TestClient) -> None:
    admin = sign_in(client, "root", "root-password")
    new_account(client, admin)
    camille = sign_in(client, "camille", "premier-mdp")
    assert client.get("/api/v1/auth/me", headers=camille).status_code == 200
    answer = client.patch("/api/v1/admin/users/camille", json={"active": False}, headers=admin)
    assert answer.status_code == 200 and answer.json()["active"] is False
    assert client.get("/api/v1/auth/me", headers=camille).status_code == 401
    refused = client.post("/api/v1/auth/token", data={"username": "camille", "password": "premier-mdp"})
    assert refused.status_code == 401


def test_a_new_role_ends_the_session_a_new_structure_does_not(client: TestClient) -> None:
    admin = sign_in(client, "root", "root-password")
    new_account(client, admin)
    camille = sign_in(client, "camille", "premier-mdp")
    client.patch("/api/v1/admin/users/camille", json={"structure": "CCAS"}, headers=admin)
    assert client.get("/api/v1/auth/me", headers=camille).status_code == 200
    client.patch("/api/v1/admin/users/camille", json={"role": "coordinator"}, headers=admin)
    assert client.get("/api/v1/auth/me", headers=camille).status_code == 401
    again = sign_in(client, "camille", "premier-mdp")
    assert client.get("/api/v1/auth/me", headers=again).json()["role"] == "coordinator"


def test_a_password_reset_ends_the_sessions_and_takes_the_new_password(client: TestClient) -> None:
    admin = sign_in(client, "root", "root-password")
    new_account(client, admin)
    camille = sign_in(client, "camille", "premier-mdp")
    reset = client.post(
        "/api/v1/admin/users/camille/password", json={"password": "second-mdp"}, headers=admin
    )
    assert reset.status_code == 204
    assert client.get("/api/v1/auth/me", headers=camille).status_code == 401
    sign_in(client, "camille", "second-mdp")
    missing = client.post("/api/v1/admin/users/nobody/password", json={"password": "x" * 8}, headers=admin)
    assert missing.status_code == 404 and missing.json()["code"] == "account.not_found"


def test_an_admin_cannot_deactivate_themselves(client: TestClient) -> None:
    admin = sign_in(client, "root", "root-password")
    answer = client.patch("/api/v1/admin/users/root", json={"active": False}, headers=admin)
    assert answer.status_code == 422 and answer.json()["code"] == "account.self"
    assert client.get("/api/v1/auth/me", headers=admin).status_code == 200


def test_an_employers_request_waits_for_an_admin(client: TestClient) -> None:
    body = {
        "username": "boulangerie",
        "display_name": "Boulangerie",
        "password": "pain-chaud",
        "siret": "73282932000075",
    }
    bad = client.post("/api/v1/accounts/employer-requests", json=body)
    assert bad.status_code == 422 and bad.json()["code"] == "account.siret_invalid"
    sent = client.post("/api/v1/accounts/employer-requests", json=body | {"siret": "73282932000074"})
    assert sent.status_code == 202
    assert sent.json() == {"username": "boulangerie", "siren": "732829320", "pending": True}
    waiting = client.post("/api/v1/auth/token", data={"username": "boulangerie", "password": "pain-chaud"})
    assert waiting.status_code == 401
    admin = sign_in(client, "root", "root-password")
    pending = client.get("/api/v1/admin/users", params={"pending": "true"}, headers=admin).json()
    assert [(a["username"], a["siret"], a["active"]) for a in pending] == [
        ("boulangerie", "73282932000074", False)
    ]
    validated = client.patch("/api/v1/admin/users/boulangerie", json={"active": True}, headers=admin).json()
    assert validated["active"] and not validated["pending"]
    sign_in(client, "boulangerie", "pain-chaud")


def test_only_admins_administer(client: TestClient) -> None:
    admin = sign_in(client, "root", "root-password")
    new_account(client, admin)
    camille = sign_in(client, "camille", "premier-mdp")
    assert client.get("/api/v1/admin/users", headers=camille).status_code == 403
    assert (
        client.patch("/api/v1/admin/users/root", json={"active": False}, headers=camille).status_code == 403
    )
    assert client.get("/api/v1/admin/users").status_code == 401
