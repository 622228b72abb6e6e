"""Every endpoint × every role (and anonymous), checked against the written policy (docs/access-policy.md).

A new endpoint fails this test until it is added to POLICY: access is decided on purpose, never by default.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from common.identity import Role
from maillage.platform import EmbeddedPlatform
from tests.e2e.conftest import token
from tests.factories import offer_payload, profile_payload

EVERYONE = {"referent", "other_referent", "employer", "other_employer", "analyst", "admin"}
ROLES = ["anonymous", "referent", "other_referent", "employer", "other_employer", "analyst", "admin"]
PERSONAL_KEYS = {"display_name", "contraintes", "referent_id", "profile_id", "skills_available_by_person"}

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
    ("GET", "/api/v1/analytics/demand/map"): {"analyst", "admin"},
    ("GET", "/api/v1/reference/communes"): EVERYONE,
    ("GET", "/api/v1/reference/appellations"): EVERYONE,
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
}
# Sign-in is open by nature, and sign-out would end the sessions the walk uses: both are covered by the
# authentication tests (tests/unit/gateway/test_revocation.py, test_sign_in_throttle.py).
NOT_WALKED = {("POST", "/api/v1/auth/token"), ("POST", "/api/v1/auth/logout")}


@pytest.fixture(scope="module")
def headers(client: TestClient, platform: EmbeddedPlatform) -> dict[str, dict[str, str]]:
    users = platform.app.state.users
    users.upsert("other_referent", "other-referent-pw", Role.REFERENT, "Autre référent")
    users.upsert("other_employer", "other-employer-pw", Role.EMPLOYER, "Autre employeur")
    result: dict[str, dict[str, str]] = {"anonymous": {}}
    for role in ROLES[1:]:
        password = {"other_referent": "other-referent-pw", "other_employer": "other-employer-pw"}.get(
            role, "demo"
        )
        result[role] = token(client, role, password)
    return result


def _call(client: TestClient, method: str, path: str, auth: dict[str, str], ids: dict[str, str]):  # type: ignore[no-untyped-def]
    url = path.format(offer_id=ids["offer_id"], profile_id=ids["profile_id"], action="pause")
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
            elif role == "anonymous" and response.status_code != 401:
                violations.append(f"anonymous {method} {path} → {response.status_code} (expected 401)")
            if ok and role in ("employer", "other_employer", "analyst") and path != "/api/v1/auth/me":
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
