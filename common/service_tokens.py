"""Service-to-service tokens: what a service believes about its caller.

The gateway signs, for each call, a short JWT: audience = the one service it is for, the caller's subject
and role inside, expiring within a minute. The service checks signature, audience, issuer and expiry and
takes the caller from the claims; a static shared string, or identity headers, count for nothing. A token
caught on the wire is good for one service and a minute.

The signature is Ed25519 (EdDSA), so that signing and checking need different keys: the gateway alone
holds its private key (MAILLAGE_SERVICE_SIGNING_KEY); each service holds only the public key
(MAILLAGE_SERVICE_PUBLIC_KEY) and cannot mint a token, not even for itself. Matching reads offers and
profiles as the system caller (rebuilds, criteria, cards) without a gateway request behind it: it has a
key pair of its own (MAILLAGE_MATCHING_SIGNING_KEY / MAILLAGE_MATCHING_PUBLIC_KEY) whose tokens offers
and profiles take for the system caller only, never for a person's role. Distributed mode refuses to
start without the keys a process needs, or with a private key a process must not hold
(`require_service_keys`); embedded mode makes ephemeral pairs in process (`generate_key_pair`).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Literal, cast

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from common.errors import Unauthorized
from common.identity import Caller, Role
from common.settings import CommonSettings, InsecureSecret

SERVICE_TOKEN_HEADER = "X-Maillage-Service-Token"
GATEWAY_ISSUER = "maillage-gateway"
MATCHING_ISSUER = "maillage-matching"
ALGORITHM = "EdDSA"
TTL_SECONDS = 60
# Clocks of pods differ a little; a token is still taken this many seconds after its expiry.
LEEWAY_SECONDS = 5
Process = Literal["gateway", "offers", "profiles", "matching"]


def audience_of(service: str) -> str:
    return f"maillage-service:{service}"


def generate_key_pair() -> tuple[str, str]:
    """A fresh Ed25519 pair as PEM text (private PKCS#8, public SubjectPublicKeyInfo), the same format
    `openssl genpkey -algorithm ed25519` writes."""
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem.decode(), public_pem.decode()


def _private_key(variable: str, pem: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise InsecureSecret(f"{variable} : clé PEM illisible / not a readable PEM key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise InsecureSecret(f"{variable} : une clé Ed25519 est attendue / must be an Ed25519 key")
    return key


def _public_key(variable: str, pem: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError) as exc:
        raise InsecureSecret(f"{variable} : clé PEM illisible / not a readable PEM key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise InsecureSecret(f"{variable} : une clé Ed25519 est attendue / must be an Ed25519 key")
    return key


@dataclass(frozen=True)
class ServiceSigner:
    """A private key and the issuer it signs as (the gateway, or matching for the system caller)."""

    key: Ed25519PrivateKey
    issuer: str = GATEWAY_ISSUER

    @classmethod
    def gateway(cls, settings: CommonSettings) -> ServiceSigner:
        return cls.from_pem(settings.service_signing_key)

    @classmethod
    def from_pem(cls, pem: str, issuer: str = GATEWAY_ISSUER) -> ServiceSigner:
        variable = (
            "MAILLAGE_MATCHING_SIGNING_KEY" if issuer == MATCHING_ISSUER else "MAILLAGE_SERVICE_SIGNING_KEY"
        )
        return cls(_private_key(variable, pem), issuer)

    @classmethod
    def matching(cls, settings: CommonSettings) -> ServiceSigner:
        return cls.from_pem(settings.matching_signing_key, MATCHING_ISSUER)

    def sign(self, service: str, caller: Caller, ttl_s: int = TTL_SECONDS, now: float | None = None) -> str:
        issued = int(now if now is not None else time.time())
        claims = {
            "iss": self.issuer,
            "aud": audience_of(service),
            "sub": caller.subject,
            "role": caller.role.value,
            "iat": issued,
            "exp": issued + ttl_s,
            "jti": secrets.token_hex(8),
        }
        # `kid` names the signer, so that a service picks the key without decoding the claims twice.
        return jwt.encode(claims, self.key, algorithm=ALGORITHM, headers={"kid": self.issuer})


@dataclass(frozen=True)
class ServiceVerifier:
    """The public keys a service checks tokens with: the gateway's (any caller) and, for offers and
    profiles, matching's (the system caller only)."""

    gateway_key: Ed25519PublicKey
    matching_key: Ed25519PublicKey | None = None

    @classmethod
    def from_settings(cls, settings: CommonSettings) -> ServiceVerifier:
        return cls.from_pem(settings.service_public_key, settings.matching_public_key)

    @classmethod
    def from_pem(cls, gateway_pem: str, matching_pem: str = "") -> ServiceVerifier:
        gateway_key = _public_key("MAILLAGE_SERVICE_PUBLIC_KEY", gateway_pem)
        matching_key = _public_key("MAILLAGE_MATCHING_PUBLIC_KEY", matching_pem) if matching_pem else None
        return cls(gateway_key, matching_key)

    def verify(self, service: str, token: str) -> Caller:
        """The caller the token vouches for, or Unauthorized (expired, another service's, badly signed,
        or matching's token for anyone but the system caller)."""
        if not token:
            raise Unauthorized("Services only answer requests relayed by the gateway.")
        issuer, key = self._key_for(token)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=audience_of(service),
                issuer=issuer,
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
        if issuer == MATCHING_ISSUER and role != Role.SYSTEM:
            raise Unauthorized("Matching's key vouches for the system caller only.")
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject:
            raise Unauthorized("Missing caller.")
        return Caller(subject=subject, role=role)

    def _key_for(self, token: str) -> tuple[str, Ed25519PublicKey]:
        """The key the token's (yet unchecked) `kid` names; the signature check that follows holds the
        token to that key and to its issuer."""
        try:
            issuer = jwt.get_unverified_header(token).get("kid")
        except jwt.InvalidTokenError as exc:
            raise Unauthorized("Services only answer requests relayed by the gateway.") from exc
        if issuer == MATCHING_ISSUER and self.matching_key is not None:
            return MATCHING_ISSUER, self.matching_key
        return GATEWAY_ISSUER, self.gateway_key


# What each distributed process must hold (True), must not hold (False), or may ignore (absent).
KEYS_HELD: dict[Process, dict[str, bool]] = {
    "gateway": {"service_signing_key": True, "matching_signing_key": False},
    "offers": {"service_public_key": True, "matching_public_key": True, "service_signing_key": False},
    "profiles": {"service_public_key": True, "matching_public_key": True, "service_signing_key": False},
    "matching": {"service_public_key": True, "matching_signing_key": True, "service_signing_key": False},
}


def require_service_keys(settings: CommonSettings, process: Process) -> None:
    """Distributed mode: the keys `process` needs are there and readable, and no private key it must
    not hold is (a service holding the gateway's key could mint any caller's token)."""
    problems = []
    for field, needed in KEYS_HELD[process].items():
        variable = f"MAILLAGE_{field.upper()}"
        value = getattr(settings, field)
        if needed and not value:
            problems.append(f"{variable} : absente / missing")
        elif not needed and value:
            problems.append(f"{variable} : ce processus ne doit pas la détenir / {process} must not hold it")
        elif needed:
            try:
                (_private_key if "signing" in field else _public_key)(variable, value)
            except InsecureSecret as unreadable:
                problems.append(str(unreadable))
    if problems:
        raise InsecureSecret(
            "Maillage refuse de démarrer en mode distribué / Maillage refuses to start in distributed "
            f"mode: {'; '.join(problems)}. Voir / see docs/deploy.md (openssl genpkey -algorithm ed25519)."
        )


@dataclass(frozen=True)
class DistributedKeys:
    """A deployment's two pairs as PEM text, and which process is handed which (test rigs and benches
    generate one per run; a cluster keeps them in Secrets, docs/deploy.md)."""

    service_signing_key: str
    service_public_key: str
    matching_signing_key: str
    matching_public_key: str

    @classmethod
    def generate(cls) -> DistributedKeys:
        service_signing_key, service_public_key = generate_key_pair()
        matching_signing_key, matching_public_key = generate_key_pair()
        return cls(service_signing_key, service_public_key, matching_signing_key, matching_public_key)

    def every_key(self) -> dict[str, str]:
        """All four by setting name: only an embedded process, which is every service at once, has them."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def env_for(self, process: str) -> dict[str, str]:
        """The MAILLAGE_* variables of `process` (a service, or "consumer": matching's consumer): the keys
        it needs and none it must not hold."""
        needs = KEYS_HELD[cast(Process, "matching" if process == "consumer" else process)]
        held = [name for name, needed in needs.items() if needed]
        return {f"MAILLAGE_{name.upper()}": getattr(self, name) for name in held}
