"""Settings shared by every process, read from MAILLAGE_* environment variables (pydantic-settings)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

# Good enough for embedded mode, where nothing outside the process sees it (and embedded mode makes its own
# anyway); refused by every distributed process (require_distributed_secrets).
DEV_INTERNAL_TOKEN = "maillage-dev-internal-token"
MIN_SECRET_BYTES = 32


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MAILLAGE_", extra="ignore")

    # Shared secret between the gateway and the services; services refuse requests without it.
    internal_token: str = DEV_INTERNAL_TOKEN
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
    if not value or value == DEV_INTERNAL_TOKEN:
        return f"{variable} : absent ou valeur par défaut / missing or the default value"
    if len(value.encode()) < MIN_SECRET_BYTES:
        return f"{variable} : moins de {MIN_SECRET_BYTES} octets / shorter than {MIN_SECRET_BYTES} bytes"
    return None


def require_distributed_secrets(internal_token: str, jwt_secret: str | None = None) -> None:
    """Distributed mode: anyone reaching a service port with the internal token acts as any role, and
    anyone with the JWT secret signs in as anyone; so neither may be a default, short or shared value.
    `jwt_secret` is None for the processes that do not sign tokens."""
    problems = [_problem("MAILLAGE_INTERNAL_TOKEN", internal_token)]
    if jwt_secret is not None:
        problems.append(_problem("MAILLAGE_JWT_SECRET", jwt_secret))
        if jwt_secret and jwt_secret == internal_token:
            problems.append("MAILLAGE_JWT_SECRET et MAILLAGE_INTERNAL_TOKEN doivent différer / must differ")
    found = [p for p in problems if p]
    if found:
        raise InsecureSecret(
            "Maillage refuse de démarrer en mode distribué / Maillage refuses to start in distributed "
            f"mode: {'; '.join(found)}. Donnez-leur {MIN_SECRET_BYTES} octets aléatoires ou plus / give "
            f"them {MIN_SECRET_BYTES} random bytes or more (openssl rand -hex 32)."
        )
