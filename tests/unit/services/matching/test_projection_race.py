"""A person's projection written by two paths at once (consumer and read-through request) is not an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.db import make_engine, migrate, session_scope
from contracts.profiles import MatchingView
from services.matching.adapters.encoders import HashingEncoder
from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.adapters.sql import ProfileProjection, SqlProjectionRepository, sql_units_of_work
from services.matching.bootstrap import MIGRATIONS
from services.matching.service import MatchingService
from tests.factories import location

VIEW = MatchingView.model_validate(
    {
        "profile_id": "p1",
        "version": 1,
        "target_jobs": ["cariste"],
        "appellation_codes": [],
        "skills": [],
        "location": location("Gien"),
        "mobility": {"max_distance_km": 20},
        "contract_types": [],
        "min_hours_per_week": None,
        "max_hours_per_week": None,
        "excluded_conditions": [],
    }
)


class Profiles:
    def matching_view(self, profile_id: str) -> MatchingView:
        return VIEW


class NoOffers:
    def iter_offers(self, page_size: int = 500):  # type: ignore[no-untyped-def]
        return iter(())


def test_a_concurrent_projection_of_the_same_person_is_not_a_conflict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine, MIGRATIONS, "matching_schema_version")
    index = LocalOfferIndex(str(tmp_path / "i.db"), 64)
    service = MatchingService(sql_units_of_work(engine), index, HashingEncoder(64), Profiles(), NoOffers())

    def racing_save(self, view, vector, occupations=()):  # type: ignore[no-untyped-def]
        # The consumer inserts the same person first; this request's insert then collides on commit.
        with session_scope(engine) as other:
            other.add(
                ProfileProjection(
                    profile_id=view.profile_id, version=1, view=view.model_dump_json(), vector=b""
                )
            )
        self.session.add(
            ProfileProjection(profile_id=view.profile_id, version=1, view="{}", vector=vector.tobytes())
        )

    monkeypatch.setattr(SqlProjectionRepository, "save", racing_save)
    assert service.suggest("p1", 5).items == []  # answered, not a 409
    with session_scope(engine) as session:
        assert session.get(ProfileProjection, "p1") is not None
