"""Event schemas: the contract between services. Versioned, validated, and small.

Events carry ids and the facts a consumer needs, never a person's story: a profile event says *which*
profile changed and its version; the consumer fetches what it is allowed to see. Offer events carry the
offer itself, which is public by nature (an employer publishes it).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

OFFERS_TOPIC = "maillage.offers.v1"
PROFILES_TOPIC = "maillage.profiles.v1"
OUTCOMES_TOPIC = "maillage.outcomes.v1"
DEAD_LETTER_TOPIC = "maillage.deadletter.v1"
ALL_TOPICS = [OFFERS_TOPIC, PROFILES_TOPIC, OUTCOMES_TOPIC, DEAD_LETTER_TOPIC]
# The group `maillage dlq replay` reads with: its lag is the number of dead letters not replayed yet.
DEAD_LETTER_REPLAY_GROUP = "maillage-dlq-replay"

EventType = Literal["offer.upserted", "profile.upserted", "profile.deleted", "outcome.recorded"]


class Event(BaseModel):
    event_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    type: EventType
    schema_version: int = 1
    key: str
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    payload: dict[str, Any]

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> Event:
        return cls.model_validate_json(raw)


class ProfileChanged(BaseModel):
    """profile.upserted / profile.deleted: an id and a version, nothing personal."""

    profile_id: str
    version: int


class OutcomeRecorded(BaseModel):
    profile_id: str
    offer_id: str
    status: str
    reason: str | None = None
