"""The audit log's hash chain on a real PostgreSQL: the trigger refuses UPDATE and DELETE, concurrent
writers (the advisory lock) never fork the chain, a row changed behind the trigger's back is found by
`maillage audit verify`, and the retention purge keeps the rest verifiable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from common.db import make_engine, migrate
from maillage.cli import main
from services.profiles.adapters.audit_maintenance import purge_before, verify_chain
from services.profiles.bootstrap import MIGRATIONS
from tests.audit_support import write_audit, write_concurrently

KEY = b"integration-audit-key-of-32-bytes!"


def _store(url: str) -> Engine:
    engine = make_engine(url)
    migrate(engine, MIGRATIONS, "profiles_schema_version")
    return engine


def test_update_delete_and_truncate_are_refused(fresh_postgres_db: str) -> None:
    engine = _store(fresh_postgres_db)
    write_audit(engine, 2)
    statements = (
        "UPDATE audit_log SET actor = 'x' WHERE id = 1",
        "DELETE FROM audit_log WHERE id = 4",
        "TRUNCATE audit_log",
    )
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    assert verify_chain(engine, None).rows == 4
    engine.dispose()


def test_concurrent_writers_in_several_connections_keep_one_chain(fresh_postgres_db: str) -> None:
    engine = _store(fresh_postgres_db)
    assert write_concurrently(engine, 8, 20) == []
    report = verify_chain(engine, None)
    assert report.broken is None and report.rows == 8 * 20 * 2
    engine.dispose()


def test_verify_finds_a_row_changed_with_the_trigger_disabled(
    fresh_postgres_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = _store(fresh_postgres_db)
    write_audit(engine, 5)
    assert main(["audit", "verify", "--database-url", fresh_postgres_db]) == 0
    # The tables' owner (here the test role) may switch the trigger off: what an intruder holding the
    # database's keys would do. The chain still tells.
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        connection.execute(text("UPDATE audit_log SET actor = 'intrus' WHERE id = 7"))
        connection.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
    assert main(["audit", "verify", "--database-url", fresh_postgres_db]) == 1
    err = capsys.readouterr().err
    assert "n° 7" in err and "empreinte incorrecte" in err
    engine.dispose()


def test_the_retention_purge_keeps_the_chain_verifiable(fresh_postgres_db: str) -> None:
    engine = _store(fresh_postgres_db)
    write_audit(engine, 4)
    assert purge_before(engine, datetime.now(UTC) + timedelta(seconds=1), KEY) == 7
    write_audit(engine, 3)
    report = verify_chain(engine, KEY)
    assert report.broken is None and report.rows == 7 and report.checkpoint is not None
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text("UPDATE audit_checkpoint SET first_kept_id = 1000"))
    engine.dispose()
