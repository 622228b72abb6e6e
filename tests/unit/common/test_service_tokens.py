"""Service-to-service tokens: a service answers only a token the gateway signed (Ed25519), for it,
unexpired; identity headers, a key of its own and matching's system key for a person count for nothing."""

from __future__ import annotations

import time

import jwt
import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from common.app import create_service_app
from common.errors import Unauthorized
from common.http import CallerDep
from common.identity import SYSTEM_CALLER, Caller, Role
from common.service_tokens import (
    MATCHING_ISSUER,
    SERVICE_TOKEN_HEADER,
    DistributedKeys,
    ServiceSigner,
    ServiceVerifier,
)

KEYS = DistributedKeys.generate()
GATEWAY = ServiceSigner.from_pem(KEYS.service_signing_key)
MATCHING = ServiceSigner.from_pem(KEYS.matching_signing_key, MATCHING_ISSUER)
VERIFIER = ServiceVerifier.from_pem(KEYS.service_public_key, KEYS.matching_public_key)
ADMIN = Caller("alice", Role.ADMIN)


def _offers_app() -> TestClient:
    router = APIRouter()

    @router.get("/whoami")
    def whoami(caller: CallerDep) -> dict[str, str]:
        return {"subject": caller.subject, "role": caller.role.value}

    app = create_service_app("offers", [router], {}, VERIFIER, readiness={}, audience="offers")
    return TestClient(app)


def _ask(token: str | None, **headers: str) -> tuple[int, dict[str, str]]:
    sent = {**headers, **({SERVICE_TOKEN_HEADER: token} if token is not None else {})}
    response = _offers_app().get("/whoami", headers=sent)
    return response.status_code, response.json()


def test_a_fresh_token_for_this_service_carries_the_caller() -> None:
    assert _ask(GATEWAY.sign("offers", ADMIN)) == (200, {"subject": "alice", "role": "admin"})


def test_an_expired_token_is_refused() -> None:
    stale = GATEWAY.sign("offers", ADMIN, now=time.time() - 120)
    status, body = _ask(stale)
    assert status == 401 and body["error"] == "unauthorized"


def test_a_token_for_another_service_is_refused() -> None:
    status, _ = _ask(GATEWAY.sign("profiles", ADMIN))
    assert status == 401


def test_a_tampered_token_is_refused() -> None:
    header, _referent_claims, signature = GATEWAY.sign("offers", Caller("bob", Role.REFERENT)).split(".")
    claims = jwt.decode(GATEWAY.sign("offers", ADMIN), options={"verify_signature": False})
    forged_payload = jwt.encode(claims, "a" * 40, algorithm="HS256").split(".")[1]
    assert _ask(f"{header}.{forged_payload}.{signature}")[0] == 401
    unsigned = jwt.encode(claims, "", algorithm="none")
    assert _ask(unsigned)[0] == 401


def test_a_token_signed_with_another_key_is_refused() -> None:
    """A service holds the public key only: whatever key it (or anyone) makes, its tokens are refused."""
    other = ServiceSigner.from_pem(DistributedKeys.generate().service_signing_key)
    assert _ask(other.sign("offers", ADMIN))[0] == 401
    claims = jwt.decode(GATEWAY.sign("offers", ADMIN), options={"verify_signature": False})
    # The old HS256 trick of signing with the public key as an HMAC secret: the algorithm is pinned.
    assert _ask(jwt.encode(claims, "k" * 40, algorithm="HS256"))[0] == 401


def test_matchings_key_vouches_for_the_system_caller_only() -> None:
    assert _ask(MATCHING.sign("offers", SYSTEM_CALLER))[0] == 200
    assert _ask(MATCHING.sign("offers", ADMIN))[0] == 401
    # …and a matching token claiming the gateway as issuer fails the gateway key's signature check.
    pretending = ServiceSigner(MATCHING.key)
    assert _ask(pretending.sign("offers", ADMIN))[0] == 401
    # …and one naming matching's key but the gateway as issuer fails the issuer check.
    claims = jwt.decode(GATEWAY.sign("offers", ADMIN), options={"verify_signature": False})
    mixed = jwt.encode(claims, MATCHING.key, algorithm="EdDSA", headers={"kid": MATCHING_ISSUER})
    assert _ask(mixed)[0] == 401
    # A service without matching's public key (matching itself) takes no matching token at all.
    with pytest.raises(Unauthorized):
        ServiceVerifier.from_pem(KEYS.service_public_key).verify(
            "offers", MATCHING.sign("offers", SYSTEM_CALLER)
        )


def test_identity_headers_and_a_bare_key_are_not_enough() -> None:
    forged = {
        "X-Maillage-Subject": "admin",
        "X-Maillage-Role": "admin",
        "X-Maillage-Internal-Token": "k" * 40,
    }
    assert _ask(None, **forged)[0] == 401
    assert _ask(KEYS.service_public_key)[0] == 401


def test_tokens_last_a_minute_and_name_their_service() -> None:
    token = GATEWAY.sign("matching", ADMIN)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 60 and claims["aud"] == "maillage-service:matching"
    assert jwt.get_unverified_header(token)["alg"] == "EdDSA"
    assert VERIFIER.verify("matching", token) == ADMIN
