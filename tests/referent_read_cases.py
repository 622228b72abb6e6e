"""Checks that a référent's follow-up and a coordinator's page find the proposals those référents made
through the index `ix_outcome_recorded_by` (migration 0008) instead of reading every outcome recorded:
run on SQLite (unit) and PostgreSQL (integration), each with its own way of showing a query's plan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine

from common.db import make_engine, migrate
from contracts.matching import OutcomeStatus
from services.matching.adapters.sql import sql_units_of_work
from services.matching.bootstrap import MIGRATIONS
from services.matching.domain.outcomes import Outcome
from services.matching.units import MatchingUnitOfWork

INDEX = "ix_outcome_recorded_by"


def _statements_of(
    engine: Engine, read: Callable[[MatchingUnitOfWork], Any]
) -> tuple[Any, list[tuple[str, Any]]]:
    """What `read` answers, and the SQL statements it sent with their parameters."""
    sent: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        with sql_units_of_work(engine)() as uow:
            answer = read(uow)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return answer, [(s, p) for s, p in sent if "outcome" in s and s.lstrip().upper().startswith("SELECT")]


def _plan(engine: Engine, statement: str, parameters: Any) -> str:
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET enable_seqscan = off")  # the tables are tiny here
            rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
        else:
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return "\n".join(" ".join(str(v) for v in row) for row in rows)


def check_an_index_built_beforehand_is_left_as_it_is(url: str) -> None:
    """A large store's operator builds the index without blocking writes before the release's migration
    (docs/deploy.md); the migration then finds it and goes on."""
    engine = make_engine(url)
    migrate(engine, MIGRATIONS, "matching_schema_version", "0007_running_counts")
    with engine.begin() as connection:
        connection.execute(
            text(f"CREATE INDEX {INDEX} ON outcome (recorded_by, status, recorded_at, profile_id, offer_id)")
        )
    migrate(engine, MIGRATIONS, "matching_schema_version")
    assert INDEX in {ix["name"] for ix in inspect(engine).get_indexes("outcome")}
    engine.dispose()


def check_referents_proposals_are_found_through_their_index(url: str) -> None:
    engine = make_engine(url)
    migrate(engine, MIGRATIONS, "matching_schema_version")
    units = sql_units_of_work(engine)
    with units() as uow:
        for outcome in (
            Outcome("p1", "o1", "e1", OutcomeStatus.PROPOSED, None, "r1"),
            Outcome("p1", "o1", "e1", OutcomeStatus.ACCEPTED, None, "e1"),
            Outcome("p2", "o2", "e1", OutcomeStatus.PROPOSED, None, "r2"),
        ):
            uow.outcomes.add(outcome)
        uow.commit()

    mine, sent = _statements_of(engine, lambda uow: uow.outcomes.proposed_by("r1"))
    assert sorted((o.profile_id, o.status) for o in mine) == [
        ("p1", OutcomeStatus.ACCEPTED),
        ("p1", OutcomeStatus.PROPOSED),
    ]
    assert sent, "the follow-up read sent no query"
    assert all(INDEX in _plan(engine, *one) for one in sent), [_plan(engine, *one) for one in sent]

    theirs, sent = _statements_of(engine, lambda uow: uow.outcomes.of_proposals_by(["r1", "r2"]))
    assert sorted(o.profile_id for o in theirs) == ["p1", "p1", "p2"]
    assert sent and all(INDEX in _plan(engine, *one) for one in sent), [_plan(engine, *one) for one in sent]

    # Over a coordinator's period: the proposals made since then, found through the same index.
    since = datetime.now(UTC) - timedelta(days=1)
    recent, sent = _statements_of(engine, lambda uow: uow.outcomes.of_proposals_by(["r1", "r2"], since))
    assert sorted(o.profile_id for o in recent) == ["p1", "p1", "p2"]
    assert sent and all(INDEX in _plan(engine, *one) for one in sent), [_plan(engine, *one) for one in sent]
    later = datetime.now(UTC) + timedelta(days=1)
    with units() as uow:
        assert uow.outcomes.of_proposals_by(["r1", "r2"], later) == []
    engine.dispose()
