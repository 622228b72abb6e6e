from __future__ import annotations

import base64
import json
from datetime import timedelta

import jwt
import pytest

from common.errors import Unauthorized
from common.identity import Role
from gateway.auth import TokenIssuer

ISSUER = TokenIssuer(
    secret="s" * 48, issuer="maillage-gateway", audience="maillage-api", ttl=timedelta(minutes=5)
)


def test_a_token_round_trips() -> None:
    caller = ISSUER.verify(ISSUER.issue("referent", Role.REFERENT))
    assert (caller.subject, caller.role) == ("referent", Role.REFERENT)


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "token",
    [
        # alg=none with the role changed: unsigned tokens are refused.
        _b64({"alg": "none", "typ": "JWT"}) + "." + _b64({"sub": "x", "role": "admin"}) + ".",
        jwt.encode(
            {
                "sub": "x",
                "role": "admin",
                "iss": "maillage-gateway",
                "aud": "maillage-api",
                "iat": 0,
                "exp": 9999999999,
            },
            "wrong-secret-" * 4,
            algorithm="HS256",
        ),
        jwt.encode(
            {
                "sub": "x",
                "role": "admin",
                "iss": "maillage-gateway",
                "aud": "other",
                "iat": 0,
                "exp": 9999999999,
            },
            "s" * 48,
            algorithm="HS256",
        ),
        jwt.encode(
            {
                "sub": "x",
                "role": "admin",
                "iss": "maillage-gateway",
                "aud": "maillage-api",
                "iat": 0,
                "exp": 1,
            },
            "s" * 48,
            algorithm="HS256",
        ),
        jwt.encode(
            {
                "sub": "x",
                "role": "root",
                "iss": "maillage-gateway",
                "aud": "maillage-api",
                "iat": 0,
                "exp": 9999999999,
            },
            "s" * 48,
            algorithm="HS256",
        ),
        "garbage",
    ],
    ids=["alg-none", "bad-signature", "wrong-audience", "expired", "unknown-role", "garbage"],
)
def test_tampered_tokens_are_refused(token: str) -> None:
    with pytest.raises(Unauthorized):
        ISSUER.verify(token)


def test_a_tampered_payload_breaks_the_signature() -> None:
    header, _, signature = ISSUER.issue("employer", Role.EMPLOYER).split(".")
    forged = f"{header}.{_b64({'sub': 'employer', 'role': 'admin'})}.{signature}"
    with pytest.raises(Unauthorized):
        ISSUER.verify(forged)
