"""Service-to-service tokens: a service answers only a token signed with the key, for it, unexpired;
identity headers and the bare key count for nothing."""

from __future__ import annotations

import time

import jwt
from fastapi import APIRouter
from fastapi.testclient import TestClient

from common.app import create_service_app
from common.http import CallerDep
from common.identity import Caller, Role
from common.service_tokens import SERVICE_TOKEN_HEADER, sign_service_token, verify_service_token

KEY = "k" * 40
ADMIN = Caller("alice", Role.ADMIN)


def _offers_app() -> TestClient:
    router = APIRouter()

    @router.get("/whoami")
    def whoami(caller: CallerDep) -> dict[str, str]:
        return {"subject": caller.subject, "role": caller.role.value}

    app = create_service_app("offers", [router], {}, KEY, readiness={}, audience="offers")
    return TestClient(app)


def _ask(token: str | None, **headers: str) -> tuple[int, dict[str, str]]:
    sent = {**headers, **({SERVICE_TOKEN_HEADER: token} if token is not None else {})}
    response = _offers_app().get("/whoami", headers=sent)
    return response.status_code, response.json()


def test_a_fresh_token_for_this_service_carries_the_caller() -> None:
    assert _ask(sign_service_token(KEY, "offers", ADMIN)) == (200, {"subject": "alice", "role": "admin"})


def test_an_expired_token_is_refused() -> None:
    stale = sign_service_token(KEY, "offers", ADMIN, now=time.time() - 120)
    status, body = _ask(stale)
    assert status == 401 and body["error"] == "unauthorized"


def test_a_token_for_another_service_is_refused() -> None:
    status, _ = _ask(sign_service_token(KEY, "profiles", ADMIN))
    assert status == 401


def test_a_tampered_token_is_refused() -> None:
    header, _referent_claims, signature = sign_service_token(
        KEY, "offers", Caller("bob", Role.REFERENT)
    ).split(".")
    claims = jwt.decode(sign_service_token(KEY, "offers", ADMIN), options={"verify_signature": False})
    forged_payload = jwt.encode(claims, "a" * 40, algorithm="HS256").split(".")[1]
    assert _ask(f"{header}.{forged_payload}.{signature}")[0] == 401
    assert _ask(sign_service_token("w" * 40, "offers", ADMIN))[0] == 401  # signed with another key
    unsigned = jwt.encode(claims, "", algorithm="none")
    assert _ask(unsigned)[0] == 401


def test_identity_headers_and_the_bare_key_are_not_enough() -> None:
    forged = {"X-Maillage-Subject": "admin", "X-Maillage-Role": "admin", "X-Maillage-Internal-Token": KEY}
    assert _ask(None, **forged)[0] == 401
    assert _ask(KEY)[0] == 401


def test_tokens_last_a_minute_and_name_their_service() -> None:
    claims = jwt.decode(sign_service_token(KEY, "matching", ADMIN), options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 60 and claims["aud"] == "maillage-service:matching"
    assert verify_service_token(KEY, "matching", sign_service_token(KEY, "matching", ADMIN)) == ADMIN
