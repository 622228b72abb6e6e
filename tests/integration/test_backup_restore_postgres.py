"""`maillage backup` / `maillage restore` on a real PostgreSQL: pg_dump -Fc of the services' databases,
pg_restore into fresh ones, the same rows, an audit chain that verifies and a trigger that still guards it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from common.db import make_engine, migrate
from common.identity import Caller, Role
from contracts.offers import OfferCreate
from contracts.profiles import ProfileCreate
from maillage.backup import row_counts
from maillage.cli import main
from scripts.databases import create_databases, database_url, drop_databases
from services.offers.adapters.sql import sql_units_of_work as offers_units
from services.offers.bootstrap import MIGRATIONS as OFFERS_MIGRATIONS
from services.offers.service import OffersService
from services.profiles.adapters.audit_maintenance import verify_chain
from services.profiles.adapters.sql import sql_units_of_work as profiles_units
from services.profiles.bootstrap import MIGRATIONS as PROFILES_MIGRATIONS
from services.profiles.service import ProfilesService
from tests.factories import offer_payload, profile_payload

REFERENT = Caller("r1", Role.REFERENT)
EMPLOYER = Caller("e1", Role.EMPLOYER)


@pytest.fixture
def databases(postgres_url: str) -> Iterator[dict[str, str]]:
    """Source and target databases for offers and profiles, dropped afterwards."""
    names = {
        f"{role}_{service}": f"t_{uuid.uuid4().hex[:10]}"
        for role in ("src", "dst")
        for service in ("offers", "profiles")
    }
    create_databases(postgres_url, names.values())
    try:
        yield {key: database_url(postgres_url, name) for key, name in names.items()}
    finally:
        drop_databases(postgres_url, names.values())


def _load(urls: dict[str, str]) -> None:
    offers_engine = make_engine(urls["src_offers"])
    migrate(offers_engine, OFFERS_MIGRATIONS, "offers_schema_version")
    offers = OffersService(offers_units(offers_engine))
    for i in range(25):
        offers.create(EMPLOYER, OfferCreate(**offer_payload(title=f"Offre {i}")))
    profiles_engine = make_engine(urls["src_profiles"])
    migrate(profiles_engine, PROFILES_MIGRATIONS, "profiles_schema_version")
    profiles = ProfilesService(profiles_units(profiles_engine))
    for i in range(12):
        created = profiles.create(REFERENT, ProfileCreate(**profile_payload(display_name=f"Personne {i}")))
        profiles.get(REFERENT, created.id)
    profiles.caseload(REFERENT, 50, 0)
    offers_engine.dispose()
    profiles_engine.dispose()


def test_backup_then_restore_into_fresh_databases(
    databases: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(databases)
    monkeypatch.setenv("MAILLAGE_OFFERS_DATABASE_URL", databases["src_offers"])
    monkeypatch.setenv("MAILLAGE_PROFILES_DATABASE_URL", databases["src_profiles"])
    backup_dir = tmp_path / "sauvegarde"
    assert main(["backup", str(backup_dir), "--service", "offers", "--service", "profiles"]) == 0
    assert (backup_dir / "offers.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    for service in ("offers", "profiles"):
        target = databases[f"dst_{service}"]
        assert main(["restore", str(backup_dir), "--service", service, "--database-url", target]) == 0
        source_engine, target_engine = make_engine(databases[f"src_{service}"]), make_engine(target)
        restored = row_counts(target_engine)
        assert restored == row_counts(source_engine)
        source_engine.dispose()
        target_engine.dispose()
    assert restored["audit_log"] == 12 * 3 and restored["profile"] == 12

    restored_profiles = make_engine(databases["dst_profiles"])
    assert verify_chain(restored_profiles, None).broken is None
    with pytest.raises(DBAPIError, match="append-only"), restored_profiles.begin() as connection:
        connection.execute(text("DELETE FROM audit_log"))
    # The restored store is a working one: new audit rows chain on where the backup stopped.
    ProfilesService(profiles_units(restored_profiles)).caseload(REFERENT, 5, 0)
    report = verify_chain(restored_profiles, None)
    assert report.broken is None and report.rows == 12 * 3 + 5
    restored_profiles.dispose()


def test_restore_refuses_a_database_that_is_not_empty(
    databases: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _load(databases)
    monkeypatch.setenv("MAILLAGE_PROFILES_DATABASE_URL", databases["src_profiles"])
    assert main(["backup", str(tmp_path), "--service", "profiles"]) == 0
    restore = ["restore", str(tmp_path), "--service", "profiles", "--database-url", databases["src_profiles"]]
    assert main(restore) == 1
    assert "pas vide" in capsys.readouterr().err
