"""Settings shared by every process, read from MAILLAGE_* environment variables (pydantic-settings)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MAILLAGE_", extra="ignore")

    # Shared secret between the gateway and the services; services refuse requests without it.
    internal_token: str = "maillage-dev-internal-token"
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
