"""The offers, profiles and matching use-case suites (tests/use_cases) on the SQL units of work and a real
PostgreSQL — the suites tests/unit runs on the in-memory ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from common.db import make_engine, migrate
from common.outbox import OutboxMessage
from contracts.events import EventEnvelope, OfferUpsertedV1, OutcomeRecordedV1, decode_event
from services.matching.adapters import sql as matching_sql
from services.matching.bootstrap import MIGRATIONS as MATCHING_MIGRATIONS
from services.offers.adapters import sql as offers_sql
from services.offers.bootstrap import MIGRATIONS as OFFERS_MIGRATIONS
from services.offers.service import OffersService
from services.profiles.adapters import sql as profiles_sql
from services.profiles.adapters.follow_up_sql import ContactRow
from services.profiles.bootstrap import MIGRATIONS as PROFILES_MIGRATIONS
from services.profiles.service import ProfilesService
from tests.use_cases.employer_loop import EmployerLoopUseCases, Loop, LoopWorld
from tests.use_cases.follow_up import FollowUpUseCases, FollowUpWorld
from tests.use_cases.matching import MatchingUseCases, MatchingWorld, matching_service
from tests.use_cases.offers import OffersUseCases, OffersWorld
from tests.use_cases.profiles import ProfilesUseCases, ProfilesWorld


def outbox(engine: Engine) -> list[bytes]:
    with Session(engine) as session:
        return [m.value for m in session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()]


class SqlOffersWorld:
    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        migrate(self.engine, OFFERS_MIGRATIONS, "offers_schema_version")
        self.service = OffersService(offers_sql.sql_units_of_work(self.engine))

    def events(self) -> list[OfferUpsertedV1]:
        events = [decode_event(raw) for raw in outbox(self.engine)]
        return [e for e in events if isinstance(e, OfferUpsertedV1)]

    def history(self, offer_id: str) -> list[str]:
        change = offers_sql.OfferStatusChange
        query = select(change.status).where(change.offer_id == offer_id).order_by(col(change.id))
        with Session(self.engine) as session:
            return list(session.exec(query).all())


class SqlProfilesWorld:
    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        migrate(self.engine, PROFILES_MIGRATIONS, "profiles_schema_version")
        self.service = ProfilesService(profiles_sql.sql_units_of_work(self.engine))

    def outbox(self) -> list[bytes]:
        return outbox(self.engine)


class SqlFollowUpWorld(SqlProfilesWorld):
    def stored_contacts(self) -> int:
        with Session(self.engine) as session:
            return len(session.exec(select(ContactRow)).all())


class SqlMatchingWorld:
    def __init__(self, url: str, index_dir: Path) -> None:
        self.engine = make_engine(url)
        migrate(self.engine, MATCHING_MIGRATIONS, "matching_schema_version")
        self.service = matching_service(matching_sql.sql_units_of_work(self.engine), index_dir)

    def events(self) -> list[OutcomeRecordedV1]:
        events = [decode_event(raw) for raw in outbox(self.engine)]
        return [e for e in events if isinstance(e, OutcomeRecordedV1)]


class TestOffersOnPostgres(OffersUseCases):
    @pytest.fixture
    def world(self, fresh_postgres_db: str) -> OffersWorld:
        return SqlOffersWorld(fresh_postgres_db)


class TestProfilesOnPostgres(ProfilesUseCases):
    @pytest.fixture
    def world(self, fresh_postgres_db: str) -> ProfilesWorld:
        return SqlProfilesWorld(fresh_postgres_db)


class TestFollowUpOnPostgres(FollowUpUseCases):
    @pytest.fixture
    def world(self, fresh_postgres_db: str) -> FollowUpWorld:
        return SqlFollowUpWorld(fresh_postgres_db)


class TestMatchingOnPostgres(MatchingUseCases):
    @pytest.fixture
    def world(self, fresh_postgres_db: str, tmp_path: Path) -> MatchingWorld:
        return SqlMatchingWorld(fresh_postgres_db, tmp_path)


class TestEmployerLoopOnPostgres(EmployerLoopUseCases):
    @pytest.fixture
    def world(self, fresh_postgres_db: str, tmp_path: Path) -> LoopWorld:
        engine = make_engine(fresh_postgres_db)
        migrate(engine, MATCHING_MIGRATIONS, "matching_schema_version")

        def events() -> list[EventEnvelope]:
            return [decode_event(raw) for raw in outbox(engine)]

        return Loop(matching_sql.sql_units_of_work(engine), tmp_path, events)
