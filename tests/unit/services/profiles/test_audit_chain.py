"""The audit log's hash chain: the pure walk, and the SQLite store (triggers, purge, concurrent writers,
`maillage audit verify`). The same on PostgreSQL: tests/integration/test_audit_chain_postgres.py."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from common.db import make_engine, migrate
from maillage.cli import main
from services.profiles.adapters.audit_chain import GENESIS, ChainedRow, ChainWalk, row_hash
from services.profiles.adapters.audit_maintenance import AuditChainBroken, purge_before, verify_chain
from services.profiles.bootstrap import MIGRATIONS
from tests.audit_support import write_audit, write_concurrently

KEY = b"k" * 32


def _chain(count: int) -> list[ChainedRow]:
    rows, prev = [], GENESIS
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(1, count + 1):
        at = start + timedelta(seconds=i, microseconds=i)
        digest = row_hash(prev, at, f"ref{i}", "referent", "read", f"p{i}", None)
        rows.append(ChainedRow(i, at, f"ref{i}", "referent", "read", f"p{i}", None, prev, digest))
        prev = digest
    return rows


def _walk(rows: list[ChainedRow]) -> ChainWalk:
    walk = ChainWalk()
    walk.feed(rows)
    return walk


def test_an_untouched_chain_holds_and_its_head_is_the_last_hash() -> None:
    rows = _chain(5)
    walk = _walk(rows)
    assert walk.broken is None and walk.rows == 5 and walk.expected_prev == rows[-1].row_hash


def test_a_changed_row_is_found_at_that_row() -> None:
    rows = _chain(5)
    rows[2] = dataclasses.replace(rows[2], actor="quelqu'un d'autre")
    broken = _walk(rows).broken
    assert broken is not None and broken.row_id == 3 and "empreinte" in broken.reason


def test_a_changed_row_whose_hash_was_recomputed_breaks_the_next_link() -> None:
    rows = _chain(5)
    forged = dataclasses.replace(rows[2], action="update")
    rows[2] = dataclasses.replace(
        forged,
        row_hash=row_hash(
            forged.prev_hash,
            forged.at,
            forged.actor,
            forged.actor_role,
            forged.action,
            forged.profile_id,
            None,
        ),
    )
    broken = _walk(rows).broken
    assert broken is not None and broken.row_id == 4 and "chaînage" in broken.reason


def test_a_removed_row_breaks_the_chain_at_the_next_one() -> None:
    rows = _chain(5)
    del rows[1]
    broken = _walk(rows).broken
    assert broken is not None and broken.row_id == 3


def _store(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'profiles.db'}")
    migrate(engine, MIGRATIONS, "profiles_schema_version")
    return engine


def test_rows_written_through_the_unit_of_work_verify(tmp_path: Path) -> None:
    engine = _store(tmp_path)
    write_audit(engine, 5)
    report = verify_chain(engine, None)
    assert report.broken is None and report.rows == 10


def test_the_database_refuses_to_update_or_delete_an_audit_row(tmp_path: Path) -> None:
    engine = _store(tmp_path)
    write_audit(engine, 2)
    for statement in ("UPDATE audit_log SET actor = 'x' WHERE id = 1", "DELETE FROM audit_log WHERE id = 2"):
        with pytest.raises(IntegrityError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    assert verify_chain(engine, None).broken is None


def test_verify_names_the_row_changed_behind_the_triggers_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = _store(tmp_path)
    write_audit(engine, 4)
    url = str(engine.url)
    assert main(["audit", "verify", "--database-url", url]) == 0
    with engine.begin() as connection:  # what someone with the database's keys could do
        connection.execute(text("DROP TRIGGER audit_log_no_update"))
        connection.execute(text("UPDATE audit_log SET profile_id = 'autre' WHERE id = 6"))
    assert main(["audit", "verify", "--database-url", url]) == 1
    err = capsys.readouterr().err
    assert "ALTÉRÉ" in err and "n° 6" in err and "empreinte incorrecte" in err


def test_concurrent_writers_never_fork_the_chain(tmp_path: Path) -> None:
    engine = _store(tmp_path)
    assert write_concurrently(engine, 6, 15) == []
    report = verify_chain(engine, None)
    assert report.broken is None and report.rows == 6 * 15 * 2


def test_the_retention_purge_leaves_a_signed_checkpoint_and_a_chain_that_verifies(tmp_path: Path) -> None:
    engine = _store(tmp_path)
    write_audit(engine, 3)
    cutoff = datetime.now(UTC) + timedelta(seconds=1)
    assert purge_before(engine, cutoff, KEY) == 5  # the newest row always stays
    write_audit(engine, 2)
    report = verify_chain(engine, KEY)
    assert report.broken is None and report.rows == 5 and report.checkpoint is not None
    missing_key = verify_chain(engine, None).broken
    assert missing_key is not None and "MAILLAGE_AUDIT_KEY" in missing_key.reason
    wrong_key = verify_chain(engine, b"x" * 32).broken
    assert wrong_key is not None and "signature" in wrong_key.reason
    with pytest.raises(IntegrityError), engine.begin() as connection:  # kept rows stay protected
        connection.execute(text("DELETE FROM audit_log"))


def test_the_purge_refuses_a_chain_that_does_not_verify(tmp_path: Path) -> None:
    engine = _store(tmp_path)
    write_audit(engine, 2)
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_log_no_delete"))
        connection.execute(text("DELETE FROM audit_log WHERE id = 2"))
    with pytest.raises(AuditChainBroken, match="ligne 3"):
        purge_before(engine, datetime.now(UTC), KEY)
