"""Migrations and repository round trips on a real PostgreSQL."""

from __future__ import annotations

import numpy as np
from sqlalchemy import inspect

from common.db import make_engine, migrate, session_scope
from common.identity import Caller, Role
from common.messaging.inprocess import InProcessBus, partition_for
from common.outbox import OutboxRelay
from contracts.events import OFFERS_TOPIC, decode_event
from contracts.offers import OfferAction, OfferCreate, OfferUpdate
from contracts.profiles import MatchingView, ProfileCreate, ProfileUpdate
from gateway.bootstrap import MIGRATIONS as GATEWAY_MIGRATIONS
from gateway.users import UserStore
from services.matching.adapters.sql import SqlProjectionRepository
from services.matching.bootstrap import MIGRATIONS as MATCHING_MIGRATIONS
from services.offers.adapters.sql import sql_units_of_work
from services.offers.bootstrap import MIGRATIONS as OFFERS_MIGRATIONS
from services.offers.service import OffersService
from services.profiles.adapters.sql import sql_units_of_work as sql_units_of_work_of_profiles
from services.profiles.bootstrap import MIGRATIONS as PROFILES_MIGRATIONS
from services.profiles.service import ProfilesService
from tests.factories import offer_payload, profile_payload
from tests.referent_read_cases import (
    check_an_index_built_beforehand_is_left_as_it_is,
    check_referents_proposals_are_found_through_their_index,
)
from tests.running_count_cases import (
    check_concurrent_outcomes_each_add_their_count,
    check_records_are_filled_from_the_outcomes_already_there,
    check_records_follow_outcomes_and_erasure,
    check_responsiveness_reads_each_employers_latest_proposals,
    check_rows_written_by_any_writer_are_counted,
)

EMPLOYER = Caller("e1", Role.EMPLOYER)
REFERENT = Caller("r1", Role.REFERENT)


def test_offers_store_round_trip(fresh_postgres_db: str) -> None:
    engine = make_engine(fresh_postgres_db)
    migrate(engine, OFFERS_MIGRATIONS, "offers_schema_version")
    migrate(engine, OFFERS_MIGRATIONS, "offers_schema_version")  # idempotent
    assert {"offer", "offer_status_history", "outbox", "offers_schema_version"} <= set(
        inspect(engine).get_table_names()
    )
    service = OffersService(sql_units_of_work(engine))
    created = service.create(
        EMPLOYER, OfferCreate(**offer_payload(skills=["tri", "nettoyage"], conditions=["night_work"]))
    )
    updated = service.update(EMPLOYER, created.id, OfferUpdate(openings=4))
    closed = service.act(EMPLOYER, created.id, OfferAction.CLOSE)
    fetched = service.get(EMPLOYER, created.id)
    assert fetched == closed
    assert (updated.version, closed.version) == (2, 3)
    assert fetched.skills == ["tri", "nettoyage"] and fetched.conditions == ["night_work"]
    assert fetched.created_at.tzinfo is not None
    bus = InProcessBus()  # only where the relay publishes to: what is read back is what PostgreSQL kept
    assert OutboxRelay(engine, bus.publisher()).relay_once() == 3
    partition = partition_for(created.id, bus.partitions(OFFERS_TOPIC))
    events = [decode_event(r.value) for r in bus.read(OFFERS_TOPIC, partition, 0, 10)]
    assert [(e.payload.id, e.payload.version, e.payload.status) for e in events] == [  # type: ignore[union-attr]
        (created.id, 1, created.status),
        (created.id, 2, updated.status),
        (created.id, 3, closed.status),
    ]


def test_profiles_store_round_trip(fresh_postgres_db: str) -> None:
    engine = make_engine(fresh_postgres_db)
    migrate(engine, PROFILES_MIGRATIONS, "profiles_schema_version")
    service = ProfilesService(sql_units_of_work_of_profiles(engine))
    created = service.create(
        REFERENT, ProfileCreate(**profile_payload(contraintes=[{"code": "mobilite", "status": "OUI"}]))
    )
    service.update(
        REFERENT, created.id, ProfileUpdate(mobility={"max_distance_km": 25, "transport": ["bicycle"]})
    )
    fetched = service.get(REFERENT, created.id)
    assert fetched.version == 2 and fetched.mobility.max_distance_km == 25
    assert fetched.contraintes[0].code == "mobilite"
    assert [e["action"] for e in service.audit_trail(REFERENT, created.id)] == ["read", "update", "create"]


def test_matching_and_gateway_stores_round_trip(fresh_postgres_db: str) -> None:
    engine = make_engine(fresh_postgres_db)
    migrate(engine, MATCHING_MIGRATIONS, "matching_schema_version")
    migrate(engine, GATEWAY_MIGRATIONS, "gateway_schema_version")
    view = MatchingView.model_validate(
        {
            "profile_id": "p1",
            "version": 2,
            "target_jobs": ["cariste"],
            "appellation_codes": [],
            "skills": [],
            "location": {"commune": "Gien", "lat": 47.7, "lon": 2.6},
            "mobility": {"max_distance_km": 20},
            "contract_types": ["CDI"],
            "min_hours_per_week": None,
            "max_hours_per_week": None,
            "excluded_conditions": [],
        }
    )
    with session_scope(engine) as session:
        SqlProjectionRepository(session).save(view, np.ones(4, dtype=np.float32))
    with session_scope(engine) as session:
        SqlProjectionRepository(session).save(
            view.model_copy(update={"version": 1}), np.zeros(4, dtype=np.float32)
        )
    with session_scope(engine) as session:
        stored = SqlProjectionRepository(session).get("p1")
    assert stored is not None and stored.view.version == 2 and stored.vector.tolist() == [1, 1, 1, 1]

    users = UserStore(engine)
    users.ensure_demo_accounts()
    assert users.authenticate("referent", "demo") is not None
    assert users.authenticate("referent", "nope") is None
    assert users.get("admin").password_hash.startswith("$argon2id$")  # type: ignore[union-attr]


def test_employer_records_follow_outcomes_and_erasure(fresh_postgres_db: str) -> None:
    check_records_follow_outcomes_and_erasure(fresh_postgres_db)


def test_employer_records_are_filled_from_the_outcomes_already_there(fresh_postgres_db: str) -> None:
    check_records_are_filled_from_the_outcomes_already_there(fresh_postgres_db)


def test_responsiveness_reads_each_employers_latest_proposals(fresh_postgres_db: str) -> None:
    check_responsiveness_reads_each_employers_latest_proposals(fresh_postgres_db)


def test_concurrent_outcomes_of_one_employer_are_each_counted(fresh_postgres_db: str) -> None:
    check_concurrent_outcomes_each_add_their_count(fresh_postgres_db)


def test_outcome_rows_written_by_any_writer_are_counted(fresh_postgres_db: str) -> None:
    check_rows_written_by_any_writer_are_counted(fresh_postgres_db)


def test_referents_proposals_are_found_through_their_index(fresh_postgres_db: str) -> None:
    check_referents_proposals_are_found_through_their_index(fresh_postgres_db)


def test_an_index_built_beforehand_is_left_as_it_is(fresh_postgres_db: str) -> None:
    check_an_index_built_beforehand_is_left_as_it_is(fresh_postgres_db)
