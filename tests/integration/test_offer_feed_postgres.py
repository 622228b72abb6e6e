"""A France Travail feed into a real PostgreSQL offers store: migration 0002 over existing offers, the source
fields round trip, re-imports unchanged, a full feed closing only its own source's offers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from common.db import make_engine, migrate
from common.identity import Caller, Role
from common.territory import build_territory
from contracts.offer_import import ImportFormat
from services.offers.adapters.sql import sql_units_of_work
from services.offers.bootstrap import MIGRATIONS
from services.offers.importing import ImportContext, parse
from services.offers.service import OffersService

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "france_travail"
EMPLOYER = Caller("france-travail", Role.EMPLOYER)


def test_a_feed_round_trips_and_closes_what_disappears(fresh_postgres_db: str) -> None:
    engine = make_engine(fresh_postgres_db)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["version_table"] = "offers_schema_version"
    with engine.begin() as connection:  # a store that predates the source fields, with an offer in it
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            text(
                "INSERT INTO offer (id, employer_id, title, description, kind, commune, lat, lon,"
                " contract_type, hours_per_week, skills, openings, conditions, status, expires_on, version,"
                " created_at, updated_at, source_id) VALUES ('o1', 'france-travail', 'Agent', '', 'job',"
                " 'Gien', 47.68, 2.63, 'CDI', 20, '[]', 1, '[]', 'active', '2030-01-01', 1, now(), now(),"
                " 'ml_1')"
            )
        )
    migrate(engine, MIGRATIONS, "offers_schema_version")
    service = OffersService(sql_units_of_work(engine), area=build_territory("45", 40))
    assert service.get(EMPLOYER, "o1").import_notes == []
    columns = {c["name"] for c in inspect(engine).get_columns("offer")}
    assert {"published_at", "source_contract", "contact", "origin_url", "import_notes"} <= columns

    ctx = ImportContext(territory=build_territory("45", 40), today=date(2025, 4, 1))
    rows = parse((FIXTURES / "page_minified.json").read_text(encoding="utf-8"), ImportFormat.FT_JSON, ctx=ctx)
    offers = [r.offer for r in rows if r.offer is not None]
    first = service.create_many(EMPLOYER, offers)
    assert first.created == 5
    franchise = next(o for o in first.offers if o.source_id == "ft:190AAA3")
    assert franchise.source_contract == "FRA — Franchise" and franchise.published_at is not None
    assert franchise.published_at.tzinfo is not None and franchise.import_notes
    assert service.create_many(EMPLOYER, offers).unchanged == 5  # timestamps compare equal after the trip

    closed = service.close_missing(EMPLOYER, "ft:", {"ft:190AAA1", "ft:190AAA3"})
    assert sorted(o.source_id or "" for o in closed) == ["ft:190AAA4", "ft:190AAA5", "ft:190AAA7"]
    # The prefix is matched literally: "ml_" is not a LIKE pattern that would also catch "mlX".
    assert service.close_missing(EMPLOYER, "ml%", set()) == []
    with engine.connect() as connection:
        status_rows = connection.execute(text("SELECT source_id, status FROM offer")).all()
    statuses: dict[str, str] = {row[0]: row[1] for row in status_rows}
    assert statuses["ml_1"] == "active" and statuses["ft:190AAA1"] == "active"
