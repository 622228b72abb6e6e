"""Checks of the running counts in matching's SQL store, run on SQLite (unit) and PostgreSQL (integration):
the employers' records a suggestion reads and the totals the dashboard reads, instead of the whole outcome
history; and the bounded read of each employer's latest proposals."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from common.db import make_engine, migrate
from contracts.matching import OutcomeStatus, RefusalReason
from services.matching.adapters.sql import sql_units_of_work
from services.matching.bootstrap import MIGRATIONS
from services.matching.domain.outcomes import EmployerRecord, Outcome
from services.matching.domain.proposals import EmployerProposal

VERSION_TABLE = "matching_schema_version"
PROPOSED, REFUSED = OutcomeStatus.PROPOSED, OutcomeStatus.REFUSED
# An outcome row written without the product's code (an earlier version, a fix by hand).
WRITTEN_BY_HAND = text(
    "INSERT INTO outcome (id, profile_id, offer_id, employer_id, status, reason, recorded_by, recorded_at) "
    "VALUES (:id, 'p1', 'o1', :employer, :status, :reason, 'r1', CURRENT_TIMESTAMP)"
)


def _record(url: str, *outcomes: Outcome) -> None:
    units = sql_units_of_work(make_engine(url))
    for outcome in outcomes:
        with units() as uow:
            uow.outcomes.add(outcome)
            uow.commit()


def _totals(url: str) -> tuple[dict[str, int], dict[str, int]]:
    with sql_units_of_work(make_engine(url))() as uow:
        return uow.outcomes.totals()


def _records(url: str, employers: set[str]) -> dict[str, EmployerRecord]:
    with sql_units_of_work(make_engine(url))() as uow:
        return dict(uow.outcomes.employer_records(employers))


def _unanswered(profile_id: str, offer_id: str, employer_id: str) -> list[Outcome]:
    return [
        Outcome(profile_id, offer_id, employer_id, PROPOSED, None, "r1"),
        Outcome(profile_id, offer_id, employer_id, REFUSED, RefusalReason.NO_ANSWER, "r1"),
    ]


def check_records_follow_outcomes_and_erasure(url: str) -> None:
    migrate(make_engine(url), MIGRATIONS, VERSION_TABLE)
    _record(
        url,
        *_unanswered("p1", "o1", "e1"),
        Outcome("p2", "o1", "e1", PROPOSED, None, "r1"),
        Outcome("p2", "o1", "e1", REFUSED, RefusalReason.INCOMPATIBLE, "r1"),
        *_unanswered("p2", "o2", "e2"),
        Outcome("p3", "o3", "e3", PROPOSED, None, "r2"),
    )
    assert _records(url, {"e1", "e2", "e3", "e4"}) == {
        "e1": EmployerRecord(proposed=2, unanswered=1),
        "e2": EmployerRecord(proposed=1, unanswered=1),
        "e3": EmployerRecord(proposed=1, unanswered=0),
    }
    assert _records(url, {"e2"}) == {"e2": EmployerRecord(1, 1)}  # only the employers asked for
    assert _records(url, set()) == {}
    assert _totals(url) == ({"proposed": 4, "refused": 3}, {"no_answer": 2, "incompatible": 1})
    with sql_units_of_work(make_engine(url))() as uow:  # the person is forgotten (RGPD erasure)
        assert uow.outcomes.delete_for_profile("p2") == 4
        uow.commit()
    assert _records(url, {"e1", "e2", "e3"}) == {
        "e1": EmployerRecord(proposed=1, unanswered=1),
        "e2": EmployerRecord(proposed=0, unanswered=0),
        "e3": EmployerRecord(proposed=1, unanswered=0),
    }
    assert _totals(url) == ({"proposed": 2, "refused": 1}, {"no_answer": 1})


def check_records_are_filled_from_the_outcomes_already_there(url: str) -> None:
    """A store written before the records existed gets them from its outcomes when it is migrated."""
    engine = make_engine(url)
    migrate(engine, MIGRATIONS, VERSION_TABLE, "0006_projection_generation")
    rows = [
        ("a", "e1", "proposed", None),
        ("b", "e1", "refused", "no_answer"),
        ("c", "e1", "proposed", None),
        ("d", "e2", "proposed", None),
        ("e", "e2", "refused", "incompatible"),
    ]
    with engine.begin() as connection:
        for outcome_id, employer, status, reason in rows:
            connection.execute(
                WRITTEN_BY_HAND,
                {"id": outcome_id, "employer": employer, "status": status, "reason": reason},
            )
    migrate(engine, MIGRATIONS, VERSION_TABLE)
    assert _records(url, {"e1", "e2"}) == {
        "e1": EmployerRecord(proposed=2, unanswered=1),
        "e2": EmployerRecord(proposed=1, unanswered=0),
    }
    assert _totals(url) == ({"proposed": 3, "refused": 2}, {"no_answer": 1, "incompatible": 1})
    _record(url, *_unanswered("p9", "o9", "e2"))  # and they go on from there
    assert _records(url, {"e2"}) == {"e2": EmployerRecord(proposed=2, unanswered=1)}
    assert _totals(url) == ({"proposed": 4, "refused": 3}, {"no_answer": 2, "incompatible": 1})


def check_responsiveness_reads_each_employers_latest_proposals(url: str) -> None:
    migrate(make_engine(url), MIGRATIONS, VERSION_TABLE)
    units = sql_units_of_work(make_engine(url))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with units() as uow:
        for day, employer in enumerate(["e1", "e1", "e1", "e2", "e1"]):
            proposed_at = start + timedelta(days=day)
            answered = proposed_at + timedelta(hours=day + 1) if day % 2 == 0 else None
            uow.proposals.add(
                EmployerProposal(
                    profile_id=f"p{day}",
                    offer_id=f"o{day}",
                    employer_id=employer,
                    referent_id="r1",
                    shown_name=None,
                    relevant_skills=(),
                    available_from=None,
                    proposed_at=proposed_at,
                    first_answered_at=answered,
                )
            )
        uow.commit()
    with units() as uow:
        timings = uow.proposals.timings({"e1", "e2", "e3"}, latest=2)
    one_day = timedelta(days=1)
    assert timings == {  # the newest two of e1's four, newest first
        "e1": [
            (start + 4 * one_day, start + 4 * one_day + timedelta(hours=5)),
            (start + 2 * one_day, start + 2 * one_day + timedelta(hours=3)),
        ],
        "e2": [(start + timedelta(days=3), None)],
        "e3": [],
    }


def check_concurrent_outcomes_each_add_their_count(url: str, writers: int = 8, each: int = 5) -> None:
    """Outcomes of one employer written at once from several threads: every one is counted (the trigger's
    upsert adds to the row; a read-then-write would lose some)."""
    migrate(make_engine(url), MIGRATIONS, VERSION_TABLE)
    engine = make_engine(url)
    start = threading.Barrier(writers)

    def write(writer: int) -> None:
        units = sql_units_of_work(engine)
        start.wait()
        for n in range(each):
            with units() as uow:
                uow.outcomes.add(Outcome(f"p{writer}-{n}", "o1", "e1", PROPOSED, None, "r1"))
                uow.commit()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _records(url, {"e1"}) == {"e1": EmployerRecord(proposed=writers * each, unanswered=0)}
    assert _totals(url) == ({"proposed": writers * each}, {})


def check_rows_written_by_any_writer_are_counted(url: str) -> None:
    """The counts follow the `outcome` rows whoever writes them (the previous version still serving during a
    rolling upgrade, a fix by hand), and a deletion that finds nothing counts nothing."""
    engine = make_engine(url)
    migrate(engine, MIGRATIONS, VERSION_TABLE)
    with engine.begin() as connection:
        connection.execute(
            WRITTEN_BY_HAND, {"id": "a", "employer": "e1", "status": "proposed", "reason": None}
        )
        connection.execute(
            WRITTEN_BY_HAND, {"id": "b", "employer": "e1", "status": "refused", "reason": "no_answer"}
        )
    assert _records(url, {"e1"}) == {"e1": EmployerRecord(proposed=1, unanswered=1)}
    assert _totals(url) == ({"proposed": 1, "refused": 1}, {"no_answer": 1})
    for _ in range(2):  # the second deletion finds the rows gone
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM outcome WHERE id = 'b'"))
    assert _records(url, {"e1"}) == {"e1": EmployerRecord(proposed=1, unanswered=0)}
    assert _totals(url) == ({"proposed": 1}, {})
