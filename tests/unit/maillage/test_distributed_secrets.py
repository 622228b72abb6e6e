"""Distributed processes refuse to start on a missing or short JWT secret, without the service-token keys
they need, or holding a private key they must not (a service with the gateway's key could mint any
caller's token); embedded mode makes its own keys and keeps starting."""

from __future__ import annotations

import pytest

from common.service_tokens import DistributedKeys
from maillage import distributed

STRONG_JWT = "j" * 40
KEYS = DistributedKeys.generate()
KEY_VARIABLES = [f"MAILLAGE_{name.upper()}" for name in KEYS.every_key()]


@pytest.fixture(autouse=True)
def no_secrets_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in [*KEY_VARIABLES, "MAILLAGE_JWT_SECRET"]:
        monkeypatch.delenv(variable, raising=False)
    # Were the check missing, the process would go on to Kafka: make that fail fast and differently.
    monkeypatch.setenv("MAILLAGE_KAFKA_BOOTSTRAP", "")


def _hold(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)


@pytest.mark.parametrize("service", ["offers", "profiles", "matching", "gateway"])
def test_a_process_without_its_keys_is_refused(service: str) -> None:
    with pytest.raises(distributed.InsecureSecret, match="MAILLAGE_SERVICE_") as refused:
        distributed.build_service_app(service)
    assert "refuse" in str(refused.value) and "refuses" in str(refused.value)  # French and English


@pytest.mark.parametrize("service", ["offers", "profiles", "matching"])
def test_a_service_holding_the_gateways_signing_key_is_refused(
    monkeypatch: pytest.MonkeyPatch, service: str
) -> None:
    _hold(monkeypatch, {**KEYS.env_for(service), "MAILLAGE_SERVICE_SIGNING_KEY": KEYS.service_signing_key})
    with pytest.raises(distributed.InsecureSecret, match="MAILLAGE_SERVICE_SIGNING_KEY"):
        distributed.build_service_app(service)


def test_the_gateway_holding_matchings_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _hold(
        monkeypatch, {**KEYS.env_for("gateway"), "MAILLAGE_MATCHING_SIGNING_KEY": KEYS.matching_signing_key}
    )
    monkeypatch.setenv("MAILLAGE_JWT_SECRET", STRONG_JWT)
    with pytest.raises(distributed.InsecureSecret, match="MAILLAGE_MATCHING_SIGNING_KEY"):
        distributed.build_service_app("gateway")


def test_a_key_that_is_not_ed25519_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _hold(monkeypatch, {**KEYS.env_for("offers"), "MAILLAGE_SERVICE_PUBLIC_KEY": "not a key"})
    with pytest.raises(distributed.InsecureSecret, match="PEM"):
        distributed.build_service_app("offers")


@pytest.mark.parametrize(("jwt_secret", "why"), [("", "MAILLAGE_JWT_SECRET"), ("x", "32")])
def test_the_gateway_refuses_a_missing_or_short_jwt_secret(
    monkeypatch: pytest.MonkeyPatch, jwt_secret: str, why: str
) -> None:
    _hold(monkeypatch, KEYS.env_for("gateway"))
    monkeypatch.setenv("MAILLAGE_JWT_SECRET", jwt_secret)
    with pytest.raises(distributed.InsecureSecret, match=why):
        distributed.build_service_app("gateway")


def test_the_consumer_refuses_to_start_without_keys() -> None:
    with pytest.raises(distributed.InsecureSecret, match="MAILLAGE_MATCHING_SIGNING_KEY"):
        distributed.build_matching_consumer()


@pytest.mark.parametrize("service", ["offers", "profiles", "matching"])
def test_a_service_with_its_own_keys_passes_the_check(monkeypatch: pytest.MonkeyPatch, service: str) -> None:
    _hold(monkeypatch, KEYS.env_for(service))
    with pytest.raises(RuntimeError, match="MAILLAGE_KAFKA_BOOTSTRAP"):  # the next thing it needs
        distributed.build_service_app(service)
