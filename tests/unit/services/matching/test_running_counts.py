"""Each employer's record (proposals, and those left unanswered) kept with the outcomes, on SQLite
(tests/integration/test_postgres_stores.py runs the same checks on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from tests.referent_read_cases import (
    check_an_index_built_beforehand_is_left_as_it_is,
    check_referents_proposals_are_found_through_their_index,
)
from tests.running_count_cases import (
    check_records_are_filled_from_the_outcomes_already_there,
    check_records_follow_outcomes_and_erasure,
    check_responsiveness_reads_each_employers_latest_proposals,
    check_rows_written_by_any_writer_are_counted,
)


def test_records_follow_outcomes_and_erasure(tmp_path: Path) -> None:
    check_records_follow_outcomes_and_erasure(f"sqlite:///{tmp_path / 'm.db'}")


def test_records_are_filled_from_the_outcomes_already_there(tmp_path: Path) -> None:
    check_records_are_filled_from_the_outcomes_already_there(f"sqlite:///{tmp_path / 'm.db'}")


def test_responsiveness_reads_each_employers_latest_proposals(tmp_path: Path) -> None:
    check_responsiveness_reads_each_employers_latest_proposals(f"sqlite:///{tmp_path / 'm.db'}")


def test_rows_written_by_any_writer_are_counted(tmp_path: Path) -> None:
    check_rows_written_by_any_writer_are_counted(f"sqlite:///{tmp_path / 'm.db'}")


def test_referents_proposals_are_found_through_their_index(tmp_path: Path) -> None:
    check_referents_proposals_are_found_through_their_index(f"sqlite:///{tmp_path / 'm.db'}")


def test_an_index_built_beforehand_is_left_as_it_is(tmp_path: Path) -> None:
    check_an_index_built_beforehand_is_left_as_it_is(f"sqlite:///{tmp_path / 'm.db'}")
