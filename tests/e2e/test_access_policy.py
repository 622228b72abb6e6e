"""Every endpoint × every role (and anonymous), checked against the written policy (docs/access-policy.md).

A new endpoint fails this test until it is added to POLICY: access is decided on purpose, never by default.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from common.identity import Role
from common.territory import territory_today
from contracts.coordination import period_start
from gateway.session import SESSION_COOKIE
from gateway.web import person_file
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
PERSONAL_KEYS = {
    "display_name",
    "contraintes",
    "situations",
    "excluded_conditions",
    "mobility",
    "referent_id",
    "profile_id",
    "skills_available_by_person",
}
# The note of the contact every person of the walk has: it must never reach an employer or an analyst.
CONTACT_NOTE = "Note de suivi confidentielle 7f3a"
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
    ("GET", "/api/v1/employer/proposals"): {"employer", "other_employer"},
    ("POST", "/api/v1/employer/proposals/{proposal_id}/answer"): {"employer"},
    ("GET", "/api/v1/employer/responsiveness"): {"employer", "other_employer"},
    ("GET", "/api/v1/employers/{employer_id}/responsiveness"): {"referent", "other_referent", "admin"},
    ("GET", "/api/v1/referent/employer-answers"): {"referent", "other_referent"},
    ("POST", "/api/v1/referent/employer-answers/read"): {"referent", "other_referent"},
    ("GET", "/api/v1/profiles/{profile_id}/contacts"): {"referent", "admin"},
    ("POST", "/api/v1/profiles/{profile_id}/contacts"): {"referent"},
    ("GET", "/api/v1/proposals"): {"referent", "other_referent"},
    ("POST", "/api/v1/admin/retention/purge"): {"admin"},
    ("GET", "/api/v1/matching/status"): {"admin"},
    ("POST", "/api/v1/matching/reindex"): {"admin"},
    ("GET", "/api/v1/matching/reindex"): {"admin"},
    ("GET", "/api/v1/analytics/demand"): {"analyst", "admin"},
    ("GET", "/api/v1/analytics/demand.csv"): {"analyst", "admin"},
    ("GET", "/api/v1/analytics/demand.xlsx"): {"analyst", "admin"},
    ("GET", "/api/v1/analytics/areas"): {"analyst", "admin"},
    ("GET", "/api/v1/analytics/territory-groups"): {"analyst", "admin"},
    ("PUT", "/api/v1/analytics/territory-groups/{key}"): {"admin"},
    ("DELETE", "/api/v1/analytics/territory-groups/{key}"): {"admin"},
    ("GET", "/api/v1/analytics/demand/map"): {"analyst", "admin"},
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
    ("GET", "/api/v1/reference/skills"): {"referent", "other_referent", "admin"},
    ("GET", "/api/v1/reference/skill-links"): {"referent", "other_referent", "admin"},
}
# Query strings for the endpoints that need one (a valid one: refusals must come from the policy).
QUERIES: dict[str, dict[str, str | list[str]]] = {
    "/api/v1/reference/communes": {"q": "Montargis"},
    "/api/v1/reference/appellations": {"q": "agent"},
    "/api/v1/reference/occupation-candidates": {"q": "agent de service"},
    "/api/v1/admin/audit": {"actor": "referent", "since": "2020-01-01T00:00:00+00:00"},
    "/api/v1/reference/skills": {"q": "manut"},
    "/api/v1/reference/skill-links": {"q": ["conduite de chariot", "accueil"]},
    "/api/v1/analytics/demand": {"area": "groupe:giennois", "compare": "epci:244500203"},
}
GROUP = {"name": "Essai", "epcis": ["244500211"], "communes": ["45155"]}
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
        offer_id=ids["offer_id"],
        profile_id=ids["profile_id"],
        action=action,
        proposal_id=ids.get("proposal_id", "none"),
        employer_id="employer",
        username=WALK_TARGET,
        key="essai",
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
    elif (method, path) == ("POST", "/api/v1/employer/proposals/{proposal_id}/answer"):
        body = {"answer": "interview"}
    elif (method, path) == ("POST", "/api/v1/profiles/{profile_id}/contacts"):
        body = {"happened_on": date.today().isoformat(), "channel": "telephone", "note": CONTACT_NOTE}
    elif (method, path) in ADMINISTRATION_BODIES:
        body = ADMINISTRATION_BODIES[(method, path)](ids)
    elif (method, path) == ("PUT", "/api/v1/analytics/territory-groups/{key}"):
        body = GROUP
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

    def fresh(path: str) -> dict[str, str]:
        offer = client.post("/api/v1/offers", json=offer_payload(), headers=headers["employer"]).json()
        person = client.post("/api/v1/profiles", json=profile_payload(), headers=headers["referent"]).json()
        contact = {"happened_on": date.today().isoformat(), "channel": "visio", "note": CONTACT_NOTE}
        client.post(f"/api/v1/profiles/{person['id']}/contacts", json=contact, headers=headers["referent"])
        platform.settle()  # the offer is indexed, so outcomes can point at it
        ids = {"offer_id": offer["id"], "profile_id": person["id"]}
        if "{proposal_id}" in path:  # a proposal shared with the employer, to answer
            ids["proposal_id"] = share_a_proposal(client, headers, ids)
        group = client.put("/api/v1/analytics/territory-groups/essai", json=GROUP, headers=headers["admin"])
        assert group.status_code == 200, group.text  # so that deleting it has something to delete
        return ids

    checked, violations = 0, []
    for (method, path), allowed in sorted(POLICY.items()):
        # One offer and one person per endpoint. Roles are walked from the least to the most entitled, so
        # a change made by an allowed caller (a pause, say) cannot open or close the door for the next.
        ids = fresh(path)
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
            if role in ("employer", "other_employer", "analyst") and CONTACT_NOTE in response.text:
                violations.append(f"{role} {method} {path} sees a contact's note")
    print(f"\n{checked} policy cells checked, {len(violations)} violations")
    assert not violations, "\n".join(violations)


# -- revoked tokens -------------------------------------------------------------------------------------
# Tokens that were good once: every route that needs a caller must refuse each of them with a 401, however
# the session ended (docs/security.md, « Révocation »). Each token is of a role the route is open to, so a
# 401 can only come from the revocation, not from the role check.
REVOCATIONS = ("signed_out", "password_changed", "deactivated", "deleted")
BASE_ROLE = {
    "referent": Role.REFERENT,
    "other_referent": Role.REFERENT,
    "employer": Role.EMPLOYER,
    "other_employer": Role.EMPLOYER,
    "analyst": Role.ANALYST,
    "coordinator": Role.COORDINATOR,
    "admin": Role.ADMIN,
}


@pytest.fixture(scope="module")
def revoked(
    client: TestClient, platform: EmbeddedPlatform, headers: dict[str, dict[str, str]]
) -> dict[tuple[Role, str], dict[str, str]]:
    """For every role and every way a session ends, the headers of a token that was admitted and no
    longer is: signed out (that session), issued before a password change, of a deactivated account,
    of a deleted account. Ended through the API, as an administrator would, except deletion (no route)."""
    users, admin = platform.app.state.users, headers["admin"]
    result: dict[tuple[Role, str], dict[str, str]] = {}
    for role in sorted(set(BASE_ROLE.values()), key=lambda r: r.value):
        for how in REVOCATIONS:
            username = f"revoked_{how}_{role.value}"
            users.upsert(username, "revoked-pw-1", role, "Compte révoqué par la marche")
            form = {"username": username, "password": "revoked-pw-1"}
            signed = client.post("/api/v1/auth/token", data=form)
            assert signed.status_code == 200, signed.text
            auth = {"Authorization": f"Bearer {signed.json()['access_token']}"}
            assert client.get("/api/v1/auth/me", headers=auth).status_code == 200  # admitted before
            account = f"/api/v1/admin/users/{username}"
            if how == "signed_out":
                ended = client.post("/api/v1/auth/logout", headers=auth)
            elif how == "password_changed":
                ended = client.post(f"{account}/password", json={"password": "revoked-pw-2"}, headers=admin)
            elif how == "deactivated":
                ended = client.patch(account, json={"active": False}, headers=admin)
            if how == "deleted":
                users.delete(username)
            else:
                assert ended.status_code < 300, ended.text
            result[(role, how)] = auth
    return result


def test_every_route_refuses_signed_out_changed_deactivated_and_deleted_tokens(
    client: TestClient,
    platform: EmbeddedPlatform,
    headers: dict[str, dict[str, str]],
    revoked: dict[tuple[Role, str], dict[str, str]],
) -> None:
    offer = client.post("/api/v1/offers", json=offer_payload(), headers=headers["employer"]).json()
    person = client.post("/api/v1/profiles", json=profile_payload(), headers=headers["referent"]).json()
    ids = {"offer_id": offer["id"], "profile_id": person["id"]}
    needing_a_caller = {op: allowed for op, allowed in POLICY.items() if "anonymous" not in allowed}
    checked, violations = 0, []
    for (method, path), allowed in sorted(needing_a_caller.items()):
        for role in sorted({BASE_ROLE[name] for name in allowed}, key=lambda r: r.value):
            for how in REVOCATIONS:
                response = _call(client, method, path, revoked[(role, how)], ids)
                checked += 1
                if response.status_code != 401:
                    violations.append(f"{how:16} {role.value:11} {method} {path} → {response.status_code}")
    routes = len(needing_a_caller)
    print(f"\n{checked} calls with revoked tokens over {routes} routes, {len(violations)} violations")
    assert len(needing_a_caller) == len(POLICY) - 1  # all but the employer's account request
    assert not violations, "\n".join(violations)


def share_a_proposal(client: TestClient, headers: dict[str, dict[str, str]], ids: dict[str, str]) -> str:
    """The person agrees to share, the référent proposes the offer: the employer's proposal id."""
    profile = f"/api/v1/profiles/{ids['profile_id']}"
    agreed = client.patch(profile, json={"employer_sharing": "initials"}, headers=headers["referent"])
    assert agreed.status_code == 200, agreed.text
    body = {"offer_id": ids["offer_id"], "status": "proposed"}
    proposed = client.post(f"{profile}/outcomes", json=body, headers=headers["referent"])
    assert proposed.status_code == 201, proposed.text
    shared = client.get("/api/v1/employer/proposals", headers=headers["employer"]).json()["items"]
    return str(next(p["id"] for p in shared if p["offer_id"] == ids["offer_id"]))


def test_an_employer_never_sees_the_file_the_diagnostic_or_the_name_beyond_the_consent(
    client: TestClient, platform: EmbeddedPlatform, headers: dict[str, dict[str, str]]
) -> None:
    offer = client.post("/api/v1/offers", json=offer_payload(), headers=headers["employer"]).json()
    diagnostic = [{"code": "sante", "status": "OUI", "situations": ["garde_enfant"]}]
    start = "2027-01-04"
    payload = profile_payload(display_name="Sophie Testeuse", contraintes=diagnostic, available_from=start)
    person = client.post("/api/v1/profiles", json=payload, headers=headers["referent"]).json()
    platform.settle()
    ids = {"offer_id": offer["id"], "profile_id": person["id"]}
    proposal_id = share_a_proposal(client, headers, ids)
    answered = client.post(
        f"/api/v1/employer/proposals/{proposal_id}/answer",
        json={"answer": "question", "question": "Quelles sont ses disponibilités ?"},
        headers=headers["employer"],
    )
    assert answered.status_code == 200, answered.text
    listing = client.get("/api/v1/employer/proposals", headers=headers["employer"])
    (card,) = [p for p in listing.json()["items"] if p["id"] == proposal_id]
    assert card["shown_name"] == "S. T." and card["available_from"] == start
    assert card["relevant_skills"] == ["nettoyage des locaux"] and card["referent_name"]
    for response in (listing, answered):
        assert not PERSONAL_KEYS & _keys(response)
        for word in ("Sophie", "Testeuse", "sante", "garde_enfant", "contrainte", "Amilly", person["id"]):
            assert word not in response.text, word
    # The other employer sees nothing of it, and cannot answer it.
    assert proposal_id not in client.get("/api/v1/employer/proposals", headers=headers["other_employer"]).text
    refused = client.post(
        f"/api/v1/employer/proposals/{proposal_id}/answer",
        json={"answer": "hired"},
        headers=headers["other_employer"],
    )
    assert refused.status_code == 404


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


# -- pages --------------------------------------------------------------------------------------------------
# The person file pages (gateway/web/person_file.py), by role: what each must answer. A page refuses a wrong
# role itself (403), and the API behind it keeps a référent to their own caseload (404 for others' files).
PAGE_POLICY: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/referent/nouvelle-personne"): {"referent": 200, "other_referent": 200},
    ("POST", "/referent/nouvelle-personne"): {"referent": 303, "other_referent": 303},
    ("GET", "/referent/personnes/{profile_id}/dossier"): {"referent": 200, "other_referent": 404},
    ("POST", "/referent/personnes/{profile_id}/dossier"): {"referent": 303, "other_referent": 404},
}
PERSON_FILE_FORM = {
    "display_name": "Mme Page",
    "commune": "Amilly",
    "radius": "15",
    "target_jobs": ["agent d'entretien"],
    "contrainte_sante": "OUI",
}


def _page_call(
    client: TestClient, platform: EmbeddedPlatform, method: str, path: str, auth: dict[str, str], person: str
) -> Any:
    token = auth.get("Authorization", "").removeprefix("Bearer ")
    secret = platform.app.state.tokens.secret.encode()
    cookie = (
        {"Cookie": f"{SESSION_COOKIE}={token}", "Accept": "text/html"} if token else {"Accept": "text/html"}
    )
    url = path.format(profile_id=person)
    if method == "GET":
        return client.get(url, headers=cookie, follow_redirects=False)
    csrf = hmac.new(secret, b"csrf:" + token.encode(), hashlib.sha256).hexdigest() if token else ""
    form = {**PERSON_FILE_FORM, "csrf": csrf}
    return client.post(url, data=form, headers=cookie, follow_redirects=False)


def test_the_person_file_pages_open_to_the_persons_referent_only(
    client: TestClient, platform: EmbeddedPlatform, headers: dict[str, dict[str, str]]
) -> None:
    routes = {
        (method, route.path)
        for route in person_file.router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
    assert routes == set(PAGE_POLICY), f"page policy and pages differ: {routes ^ set(PAGE_POLICY)}"
    person = client.post(
        "/api/v1/profiles", json=profile_payload(display_name="Mme Secrète"), headers=headers["referent"]
    ).json()["id"]
    violations = []
    for (method, path), allowed in sorted(PAGE_POLICY.items()):
        for role in ROLES:
            response = _page_call(client, platform, method, path, headers[role], person)
            expected = allowed.get(role, 303 if role == "anonymous" else 403)
            if response.status_code != expected:
                violations.append(f"{role:15} {method} {path} → {response.status_code}, expected {expected}")
            elif role == "anonymous" and not response.headers["location"].startswith("/connexion"):
                violations.append(f"anonymous {method} {path} → {response.headers['location']}")
            if role not in ("referent", "admin") and "Secrète" in response.text:
                violations.append(f"{role} {method} {path} sees the person's name")
    assert not violations, "\n".join(violations)


# The référent's pages about one person and one offer (gateway/web/offer_sheet.py): the person's own
# référent opens them; another référent finds no such person; every other role is refused the page.
PERSON_PAGES = (
    "/referent/personnes/{profile_id}/offres/{offer_id}",
    "/referent/personnes/{profile_id}/pistes?offre={offer_id}&etapes=Appeler&contact=02",
)
PAGE_STATUS = {
    "anonymous": 303,  # to the sign-in page
    "referent": 200,
    "other_referent": 404,
    "employer": 403,
    "other_employer": 403,
    "analyst": 403,
    "coordinator": 403,
    "admin": 403,
}


def test_the_pages_about_a_person_open_for_their_referent_only(
    client: TestClient, platform: EmbeddedPlatform, headers: dict[str, dict[str, str]]
) -> None:
    name = f"Mme Piste {uuid.uuid4().hex[:8]}"
    person = client.post(
        "/api/v1/profiles", json=profile_payload(display_name=name), headers=headers["referent"]
    ).json()
    offer = client.post("/api/v1/offers", json=offer_payload(), headers=headers["employer"]).json()
    platform.settle()
    violations = []
    for template in PERSON_PAGES:
        url = template.format(profile_id=person["id"], offer_id=offer["id"])
        for role in ROLES:
            session = headers[role].get("Authorization", "").removeprefix("Bearer ")
            cookie = {"Cookie": f"{SESSION_COOKIE}={session}"} if session else {}
            client.cookies.clear()
            page = client.get(url, headers={"Accept": "text/html", **cookie}, follow_redirects=False)
            if page.status_code != PAGE_STATUS[role]:
                violations.append(f"{role:15} GET {template} → {page.status_code}")
            elif role != "referent" and name in page.text:
                violations.append(f"{role} GET {template} names the person")
            elif role == "anonymous" and not page.headers["location"].startswith("/connexion"):
                violations.append(f"anonymous GET {template} → {page.headers['location']}")
    assert not violations, "\n".join(violations)


def _browser(platform: EmbeddedPlatform, username: str, password: str = "demo") -> TestClient:
    """A signed-in browser (its own cookies) and the CSRF token of its session."""
    browser = TestClient(platform.app)
    csrf = re.search(r'name="csrf" value="([^"]+)"', browser.get("/connexion").text)
    assert csrf is not None
    signed = browser.post("/connexion", data={"username": username, "password": password, "csrf": csrf[1]})
    assert signed.status_code == 200, signed.text
    return browser


def _page_csrf(browser: TestClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', browser.get(path).text)
    return found[1] if found else "none"


def test_the_follow_up_pages_are_the_referents_and_reach_their_caseload_only(
    client: TestClient, platform: EmbeddedPlatform, headers: dict[str, dict[str, str]]
) -> None:
    person = client.post("/api/v1/profiles", json=profile_payload(), headers=headers["referent"]).json()
    contact = {"happened_on": date.today().isoformat(), "channel": "courrier", "note": CONTACT_NOTE}
    recorded = client.post(
        f"/api/v1/profiles/{person['id']}/contacts", json=contact, headers=headers["referent"]
    )
    assert recorded.status_code == 201
    own = _browser(platform, "referent")
    assert CONTACT_NOTE in own.get(f"/referent/personnes/{person['id']}").text
    form = {"happened_on": date.today().isoformat(), "channel": "telephone", "note": "x"}
    contact_page = f"/referent/personnes/{person['id']}/contacts"

    other = _browser(platform, "other_referent", "other-referent-pw")
    csrf = _page_csrf(other, "/referent")
    refused = other.post(contact_page, data={**form, "csrf": csrf}, follow_redirects=False)
    assert refused.status_code == 404 and CONTACT_NOTE not in refused.text
    assert CONTACT_NOTE not in other.get("/referent").text
    assert other.get(f"/referent/personnes/{person['id']}").status_code == 404

    for role, home in (("employer", "/employeur"), ("analyst", "/tableau-de-bord")):
        browser = _browser(platform, role)
        csrf = _page_csrf(browser, home)
        for path in (
            "/referent",
            "/referent?q=test&frein=logement&en_attente=1",
            f"/referent/personnes/{person['id']}",
        ):
            page = browser.get(path)
            assert page.status_code == 403 and CONTACT_NOTE not in page.text, (role, path)
        posted = browser.post(contact_page, data={**form, "csrf": csrf}, follow_redirects=False)
        assert posted.status_code == 403, role
        assert CONTACT_NOTE not in browser.get(home).text
    contacts = client.get(f"/api/v1/profiles/{person['id']}/contacts", headers=headers["referent"]).json()
    assert [c["channel"] for c in contacts["items"]] == ["courrier"]  # none of the refused posts got in


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
    start = period_start(territory_today(), 12)  # the default period: the last 12 months
    assert start is not None and (body["months"], body["since"]) == (12, start.isoformat())
    whole = client.get("/api/v1/coordination/followup?months=0", headers=headers["coordinator"]).json()
    assert (whole["months"], whole["since"]) == (0, None)
    refused = client.get("/api/v1/coordination/followup?months=-1", headers=headers["coordinator"])
    assert refused.status_code == 422 and refused.json()["error"] == "validation_error", refused.text
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
