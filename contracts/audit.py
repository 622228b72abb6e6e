"""The audit log of personal files, as administrators search it: who did what to which file, when.
Ids and usernames only, never the content of a file."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class AuditLine(BaseModel):
    at: datetime
    actor: str
    actor_role: str
    action: str
    profile_id: str


class AuditSearch(BaseModel):
    """Newest first; `truncated` when more lines matched than were returned."""

    items: list[AuditLine]
    truncated: bool
