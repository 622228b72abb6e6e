"""Every endpoint × every role (and anonymous), checked against the written policy (docs/access-policy.md).

A new endpoint fails this test until it is added to POLICY: access is decided on purpose, never by default.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from common.identity import Role
from maillage.platform import EmbeddedPlatform
from tests.e2e.conftest import token
from tests.factories import offer_payload, profile_payload

EVERYONE = {"referent", "other_referent", "employer", "other_employer", "analyst", "coordinator", "admin"}
ROLES = [
    "anonymous",
    "referent",
    "other_referent",
    "employer",
    "other_employer",
    "analyst",
    "coordinator",
    "admin",
]
PERSONAL_KEYS = {"display_name", "contraintes", "referent_id", "profile_id", "skills_available_by_person"}
# The roles that must never receive anything about a person (their answers are checked for PERSONAL_KEYS).
NO_PERSONAL_DATA = {"employer", "other_employer", "analyst", "coordinator"}
# The account the walk's administration calls change (its structure, its password), apart from the others.
WALK_TARGET = "walk_target"

# Who may call what. Everyone not listed is refused (401 anonymous, 403 wrong role, 404 not theirs).
# "referent" owns the person used in the call; "employer" owns the offer.
POLICY: dict[tuple[str, str], set[str]] = {
    ("GET", "/api/v1/auth/me"): EVERYONE,
    ("POST", "/api/v1/offers"): {"employer", "other_employer", "admin"},
    ("GET", "/api/v1/offers"): {"referent", "other_referent", "employer", "other_employer", "admin"},
    ("GET", "/api/v1/offers/{offer_id}"): {"referent", "other_referent", "employer", "admin"},
    ("PATCH", "/api/v1/offers/{offer_id}"): {"employer", "admin"},
    ("POST", "/api/v1/offers/{offer_id}/{action}"): {"employer", "admin"},
    ("GET", "/api/v1/offers/{offer_id}/outcomes"): {"employer", "admin"},
    ("POST", "/api/v1/offers/import"): {"admin"},
    ("POST", "/api/v1/profiles"): {"referent", "other_referent"},
    ("GET", "/api/v1/profiles"): {"referent", "other_referent", "admin"},
    ("GET", "/api/v1/profiles/{profile_id}"): {"referent", "admin"},
    ("PATCH", "/api/v1/profiles/{profile_id}"): {"referent", "admin"},
    ("GET", "/api/v1/profiles/{profile_id}/audit"): {"referent", "admin"},
    ("GET", "/api/v1/profiles/{profile_id}/suggestions"): {"referent"},
    ("POST", "/api/v1/profiles/{profile_id}/outcomes"): {"referent"},
    ("GET", "/api/v1/profiles/{profile_id}/outcomes"): {"referent", "admin"},
    ("POST", "/api/v1/admin/retention/purge"): {"admin"},
    ("GET", "/api/v1/matching/status"): {"admin"},
    ("POST", "/api/v1/matching/reindex"): {"admin"},
    ("GET", "/api/v1/matching/reindex"): {"admin"},
    ("GET", "/api/v1/analytics/demand"): {"analyst", "admin"},
    ("GET", "/api/v1/analytics/demand.csv"): {"analyst", "admin"},
    ("GET", "/api/v1/reference/communes"): EVERYONE,
    ("GET", "/api/v1/reference/appellations"): EVERYONE,
    ("GET", "/api/v1/admin/users"): {"admin"},
    ("POST", "/api/v1/admin/users"): {"admin"},
    ("PATCH", "/api/v1/admin/users/{username}"): {"admin"},
    ("POST", "/api/v1/admin/users/{username}/password"): {"admin"},
    ("POST", "/api/v1/admin/caseloads/handover"): {"admin"},
    ("GET", "/api/v1/profiles/{profile_id}/referents"): {"referent", "admin"},
    ("GET", "/api/v1/coordination/followup"): {"coordinator", "admin"},
    ("GET", "/api/v1/admin/audit"): {"admin"},
    ("GET", "/api/v1/admin/deadletters"): {"admin"},
    ("POST", "/api/v1/admin/deadletters/{action}"): {"admin"},
    # Asking for an employer account is open to anyone, signed in or not (the request waits for an admin).
    ("POST", "/api/v1/accounts/employer-requests"): EVERYONE | {"anonymous"},
    ("GET", "/api/v1/reference/occupation-candidates"): {
        "referent",
        "other_referent",
        "employer",
        "other_employer",
        "admin",
    },
}
# Query strings for the endpoints that need one (a valid one: refusals must come from the policy).
QUERIES = {
    "/api/v1/reference/communes": {"q": "Montargis"},
    "/api/v1/reference/appellations": {"q": "agent"},
    "/api/v1/reference/occupation-candidates": {"q": "agent de service"},
    "/api/v1/admin/audit": {"actor": "referent", "since": "2020-01-01T00:00:00+00:00"},
}
# Sign-in is open by nature, and sign-out would end the sessions the walk uses: both are covered by the
# authentication tests (tests/unit/gateway/test_revocation.py, test_sign_in_throttle.py).
NOT_WALKED = {("POST", "/api/v1/auth/token"), ("POST", "/api/v1/auth/logout")}


def _unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


# Valid bodies for the administration routes (refusals must come from the policy, not from the body).
ADMINISTRATION_BODIES: dict[tuple[str, str], Callable[[dict[str, str]], dict[str, Any]]] = {
    ("POST", "/api/v1/admin/users"): lambda ids: {
        "username": _unique("walk"),
        "display_name": "Compte de la marche",
        "role": "analyst",
        "password": "walk-password",
    },
    ("PATCH", "/api/v1/admin/users/{username}"): lambda ids: {"structure": "Structure de la marche"},
    ("POST", "/api/v1/admin/users/{username}/password"): lambda ids: {"password": "walk-target-pw2"},
    ("POST", "/api/v1/admin/caseloads/handover"): lambda ids: {
        "to_referent": "other_referent",
        "profile_ids": [ids["profile_id"]],
    },
    ("POST", "/api/v1/admin/deadletters/{action}"): lambda ids: {"expected": 0},
    ("POST", "/api/v1/accounts/employer-requests"): lambda ids: {
        "username": _unique("entreprise"),
        "display_name": "Entreprise de la marche",
        "password": "walk-password",
        "siret": "73282932000074",
    },
}


@pytest.fixture(scope="module")
def headers(client: TestClient, platform: EmbeddedPlatform) -> dict[str, dict[str, str]]:
    users = platform.app.state.users
    users.upsert("other_referent", "other-referent-pw", Role.REFERENT, "Autre référent")
    users.upsert("other_employer", "other-employer-pw", Role.EMPLOYER, "Autre employeur")
    users.upsert(WALK_TARGET, "walk-target-pw", Role.ANALYST, "Compte modifié par la marche")
    result: dict[str, dict[str, str]] = {"anonymous": {}}
    for role in ROLES[1:]:
        password = {"other_referent": "other-referent-pw", "other_employer": "other-employer-pw"}.get(
            role, "demo"
        )
        result[role] = token(client, role, password)
    return result


def _call(client: TestClient, method: str, path: str, auth: dict[str, str], ids: dict[str, str]):  # type: ignore[no-untyped-def]
    action = "discard" if "deadletters" in path else "pause"
    url = path.format(
        offer_id=ids["offer_id"], profile_id=ids["profile_id"], action=action, username=WALK_TARGET
    )
    body: Any = None
    files = None
    if (method, path) == ("POST", "/api/v1/offers"):
        body = offer_payload()
    elif (method, path) == ("PATCH", "/api/v1/offers/{offer_id}"):
        body = {"openings": 2}
    elif (method, path) == ("POST", "/api/v1/profiles"):
        body = profile_payload()
    elif (method, path) == ("PATCH", "/api/v1/profiles/{profile_id}"):
        body = {"skills": ["accueil"]}
    elif (method, path) == ("POST", "/api/v1/profiles/{profile_id}/outcomes"):
        body = {"offer_id": ids["offer_id"], "status": "proposed"}
    elif (method, path) in ADMINISTRATION_BODIES:
        body = ADMINISTRATION_BODIES[(method, path)](ids)
    elif (method, path) == ("POST", "/api/v1/offers/import"):
        files = {"file": ("offers.csv", b"title\n", "text/csv")}
    return client.request(method, url, json=body, files=files, headers=auth, params=QUERIES.get(path))


def test_every_endpoint_for_every_role_follows_the_policy(
    client: TestClient, platform: EmbeddedPlatform, headers: dict[str, dict[str, str]]
) -> None:
    operations = {
        (method.upper(), path) for path, item in platform.app.openapi()["paths"].items() for method in item
    } - NOT_WALKED
    assert operations == set(POLICY), f"policy and API differ: {operations ^ set(POLICY)}"

    def fresh() -> dict[str, str]:
        offer = client.post("/api/v1/offers", json=offer_payload(), headers=headers["employer"]).json()
        person = client.post("/api/v1/profiles", json=profile_payload(), headers=headers["referent"]).json()
        platform.settle()  # the offer is indexed, so outcomes can point at it
        return {"offer_id": offer["id"], "profile_id": person["id"]}

    checked, violations = 0, []
    for (method, path), allowed in sorted(POLICY.items()):
        # One offer and one person per endpoint. Roles are walked from the least to the most entitled, so
        # a change made by an allowed caller (a pause, say) cannot open or close the door for the next.
        ids = fresh()
        for role in ROLES:
            response = _call(client, method, path, headers[role], ids)
            checked += 1
            ok = response.status_code < 400
            # An allowed caller may still send a request the service refuses on its merits (e.g. an empty
            # import file): that is a 4xx other than 401/403/404, and it proves the door was open.
            door_open = ok or response.status_code not in (401, 403, 404)
            expected_open = role in allowed
            if door_open != expected_open:
                violations.append(f"{role:15} {method} {path} → {response.status_code}")
            elif role == "anonymous" and not expected_open and response.status_code != 401:
                violations.append(f"anonymous {method} {path} → {response.status_code} (expected 401)")
            if ok and role in NO_PERSONAL_DATA and path != "/api/v1/auth/me":
                leaked = PERSONAL_KEYS & _keys(response)
                if leaked:
                    violations.append(f"{role} {method} {path} sees personal data: {leaked}")
    print(f"\n{checked} policy cells checked, {len(violations)} violations")
    assert not violations, "\n".join(violations)


def _keys(response) -> set[str]:  # type: ignore[no-untyped-def]
    try:
        body = response.json()
    except ValueError:
        return set()
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            found.update(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(body)
    return found


def test_a_coordinator_sees_counts_of_their_structure_and_never_a_person(
    client: TestClient, platform: EmbeddedPlatform, headers: dict[str, dict[str, str]]
) -> None:
    """The coordinator's follow-up names référents, never a person; a caseload of 1 to 4 is hidden."""
    users = platform.app.state.users
    structure = users.get("coordinator").structure
    users.upsert("small_referent", "small-referent-pw", Role.REFERENT, "Petit portefeuille")
    users.update("small_referent", _in_structure(structure))
    small = token(client, "small_referent", "small-referent-pw")
    names = [f"Personne {uuid.uuid4().hex[:8]}" for _ in range(2)]
    people = [
        client.post("/api/v1/profiles", json=profile_payload(display_name=n), headers=small).json()
        for n in names
    ]
    answer = client.get("/api/v1/coordination/followup", headers=headers["coordinator"])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    rows = {row["referent"]: row for row in body["referents"]}
    assert body["structure"] == structure and body["threshold"] == 5
    assert rows["small_referent"]["caseload"] is None and rows["small_referent"]["caseload_suppressed"]
    assert "other_referent" not in rows  # not of this structure
    assert not PERSONAL_KEYS & _keys(answer)
    for person, name in zip(people, names, strict=True):
        assert person["id"] not in answer.text and name not in answer.text


def _in_structure(structure: str) -> Callable[[Any], bool]:
    def change(user: Any) -> bool:
        user.structure = structure
        return False

    return change
