"""Who followed a person before whom: one row per handover, append-only, ids and usernames only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlmodel import Field, Session, SQLModel, col, select

from common.clock import as_utc, utcnow


class ReferentChangeRow(SQLModel, table=True):
    __tablename__ = "referent_change"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    profile_id: str = Field(index=True, max_length=32)
    from_referent: str = Field(max_length=64)
    to_referent: str = Field(max_length=64)
    by: str = Field(max_length=64)


class SqlReferentHistory:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, profile_id: str, from_referent: str, to_referent: str, by: str) -> None:
        self.session.add(
            ReferentChangeRow(
                profile_id=profile_id, from_referent=from_referent, to_referent=to_referent, by=by
            )
        )

    def for_profile(self, profile_id: str) -> list[dict[str, object]]:
        rows = self.session.exec(
            select(ReferentChangeRow)
            .where(ReferentChangeRow.profile_id == profile_id)
            .order_by(col(ReferentChangeRow.id))
        ).all()
        return [
            {"at": as_utc(r.at), "from_referent": r.from_referent, "to_referent": r.to_referent, "by": r.by}
            for r in rows
        ]
