"""Settings shared by every process, read from MAILLAGE_* environment variables (pydantic-settings)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_BYTES = 32


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MAILLAGE_", extra="ignore")

    # The Ed25519 keys of the service tokens (PEM text; common/service_tokens.py): the gateway holds its
    # signing key, every service its public key; matching signs for the system caller with a pair of its
    # own, which offers and profiles check. Embedded mode makes ephemeral pairs; distributed mode refuses
    # to start without the keys a process needs, or with a private key it must not hold.
    service_signing_key: str = ""
    service_public_key: str = ""
    matching_signing_key: str = ""
    matching_public_key: str = ""
    # Empty: the in-process bus (embedded mode). Set: Kafka bootstrap servers (distributed mode).
    kafka_bootstrap: str = ""
    topic_partitions: int = 3
    # How consumers batch (distributed mode): the broker answers a fetch once this many bytes wait (about
    # 150 offer events) or after the linger, whichever comes first. Bigger batches make embedding and
    # indexing cheaper per offer; the linger bounds what an idle platform adds to freshness.
    consumer_fetch_min_bytes: int = 262_144
    consumer_linger_ms: int = 200
    # Prepended to every Kafka topic name: one namespace per département (or test run) on a shared cluster.
    topic_prefix: str = ""
    max_body_bytes: int = 1_000_000
    log_level: str = "INFO"
    # Profiles are purged this many days after the follow-up ended (the organisation's retention period):
    # the profiles service applies it, the gateway's « Données personnelles » page states it.
    retention_days: int = 730


class InsecureSecret(RuntimeError):
    """A distributed process refuses to start: its message says which variable, why, and what to do."""


def _problem(variable: str, value: str) -> str | None:
    if not value:
        return f"{variable} : absent ou valeur par défaut / missing or the default value"
    if len(value.encode()) < MIN_SECRET_BYTES:
        return f"{variable} : moins de {MIN_SECRET_BYTES} octets / shorter than {MIN_SECRET_BYTES} bytes"
    return None


def require_distributed_secrets(jwt_secret: str) -> None:
    """Distributed mode, the gateway: anyone with the JWT secret signs in as anyone, so it may not be
    missing or short. (The service tokens' keys: common.service_tokens.require_service_keys.)"""
    found = [p for p in [_problem("MAILLAGE_JWT_SECRET", jwt_secret)] if p]
    if found:
        raise InsecureSecret(
            "Maillage refuse de démarrer en mode distribué / Maillage refuses to start in distributed "
            f"mode: {'; '.join(found)}. Donnez-leur {MIN_SECRET_BYTES} octets aléatoires ou plus / give "
            f"them {MIN_SECRET_BYTES} random bytes or more (openssl rand -hex 32)."
        )
