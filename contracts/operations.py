"""Running the platform: the dead letters waiting for an administrator (records a consumer could not
handle), and what was done with them. A letter shows where it came from and why it failed; its payload
(an event: ids only) stays in the topic."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class DeadLetterOut(BaseModel):
    topic: str
    partition: int
    offset: int
    key: str
    error: str
    at: datetime


class DeadLetters(BaseModel):
    items: list[DeadLetterOut]


class DeadLetterSettle(BaseModel):
    """`expected`: how many letters the administrator saw; a different count refuses (409)."""

    model_config = ConfigDict(extra="forbid")

    expected: int = Field(ge=0, le=1_000_000)


class DeadLettersSettled(BaseModel):
    settled: int
