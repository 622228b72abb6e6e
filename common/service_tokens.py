"""Service-to-service tokens: what a service believes about its caller.

The gateway (or matching, reading profiles and offers as the system caller) signs, for each call, a short
JWT: audience = the one service it is for, the caller's subject and role inside, expiring within a
minute. The service checks signature, audience, issuer and expiry and takes the caller from the claims;
a static shared string, or identity headers, count for nothing. A token caught on the wire is good for
one service and a minute.

The key is MAILLAGE_INTERNAL_TOKEN (HS256), refused in distributed mode when default or short
(common.settings.require_distributed_secrets); it is held by the gateway and the services, not by
clients."""

from __future__ import annotations

import secrets
import time

import jwt

from common.errors import Unauthorized
from common.identity import Caller, Role

SERVICE_TOKEN_HEADER = "X-Maillage-Service-Token"
ISSUER = "maillage-internal"
ALGORITHM = "HS256"
TTL_SECONDS = 60
# Clocks of pods differ a little; a token is still taken this many seconds after its expiry.
LEEWAY_SECONDS = 5


def audience_of(service: str) -> str:
    return f"maillage-service:{service}"


def sign_service_token(
    key: str, service: str, caller: Caller, ttl_s: int = TTL_SECONDS, now: float | None = None
) -> str:
    issued = int(now if now is not None else time.time())
    claims = {
        "iss": ISSUER,
        "aud": audience_of(service),
        "sub": caller.subject,
        "role": caller.role.value,
        "iat": issued,
        "exp": issued + ttl_s,
        "jti": secrets.token_hex(8),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def verify_service_token(key: str, service: str, token: str) -> Caller:
    """The caller the token vouches for, or Unauthorized (expired, another service's, badly signed)."""
    if not token:
        raise Unauthorized("Services only answer requests relayed by the gateway.")
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=audience_of(service),
            issuer=ISSUER,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("The service token has expired.") from exc
    except jwt.InvalidTokenError as exc:
        raise Unauthorized("Services only answer requests relayed by the gateway.") from exc
    try:
        role = Role(claims.get("role", ""))
    except ValueError as exc:
        raise Unauthorized("Unknown role.") from exc
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject:
        raise Unauthorized("Missing caller.")
    return Caller(subject=subject, role=role)
