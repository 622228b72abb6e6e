"""Distributed processes refuse to start on a default, short or shared secret (anyone reaching a
service port could act as any role); embedded mode makes its own and keeps starting on defaults."""

from __future__ import annotations

import pytest

from maillage import distributed

STRONG_INTERNAL = "i" * 40
STRONG_JWT = "j" * 40


@pytest.fixture(autouse=True)
def no_secrets_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAILLAGE_INTERNAL_TOKEN", raising=False)
    monkeypatch.delenv("MAILLAGE_JWT_SECRET", raising=False)
    # Were the check missing, the process would go on to Kafka: make that fail fast and differently.
    monkeypatch.setenv("MAILLAGE_KAFKA_BOOTSTRAP", "")


@pytest.mark.parametrize("service", ["offers", "profiles", "matching", "gateway"])
def test_the_default_internal_token_is_refused(service: str) -> None:
    with pytest.raises(distributed.InsecureSecret, match="MAILLAGE_INTERNAL_TOKEN") as refused:
        distributed.build_service_app(service)
    assert "refuse" in str(refused.value) and "refuses" in str(refused.value)  # French and English


def test_a_short_internal_token_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILLAGE_INTERNAL_TOKEN", "internal-1234")
    with pytest.raises(distributed.InsecureSecret, match="32"):
        distributed.build_service_app("offers")


@pytest.mark.parametrize(
    ("jwt_secret", "why"), [("", "MAILLAGE_JWT_SECRET"), ("x", "32"), (STRONG_INTERNAL, "differ")]
)
def test_the_gateway_refuses_a_missing_short_or_shared_signing_key(
    monkeypatch: pytest.MonkeyPatch, jwt_secret: str, why: str
) -> None:
    monkeypatch.setenv("MAILLAGE_INTERNAL_TOKEN", STRONG_INTERNAL)
    monkeypatch.setenv("MAILLAGE_JWT_SECRET", jwt_secret)
    with pytest.raises(distributed.InsecureSecret, match=why):
        distributed.build_service_app("gateway")


def test_the_consumer_refuses_the_default_internal_token() -> None:
    with pytest.raises(distributed.InsecureSecret):
        distributed.build_matching_consumer()


def test_strong_secrets_pass_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILLAGE_INTERNAL_TOKEN", STRONG_INTERNAL)
    monkeypatch.setenv("MAILLAGE_JWT_SECRET", STRONG_JWT)
    with pytest.raises(RuntimeError, match="MAILLAGE_KAFKA_BOOTSTRAP"):  # the next thing it needs
        distributed.build_service_app("offers")
