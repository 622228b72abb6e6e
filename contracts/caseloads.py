"""Caseload handover: a person, or a référent's whole caseload, moved to another référent.

The profiles service owns who follows whom; every move is kept in the person's history of référents and
written to the audit log. Ids and usernames only.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.accounts import Username


class Handover(BaseModel):
    """Move `profile_ids` (or, when empty, every person of `from_referent`) to `to_referent`."""

    model_config = ConfigDict(extra="forbid")

    to_referent: Username
    from_referent: Username | None = None
    profile_ids: list[str] = Field(default_factory=list, max_length=2000)

    @model_validator(mode="after")
    def _someone_to_move(self) -> Handover:
        if not self.profile_ids and self.from_referent is None:
            raise ValueError("name the people to move, or the référent whose caseload moves")
        return self


class HandoverResult(BaseModel):
    moved: list[str]
    to_referent: str


class ReferentChange(BaseModel):
    """One line of a person's history of référents."""

    at: datetime
    from_referent: str
    to_referent: str
    by: str


class ReferentHistory(BaseModel):
    items: list[ReferentChange]


class CaseloadSizes(BaseModel):
    """How many people each référent follows (for aggregates only: no ids)."""

    sizes: dict[str, int]
