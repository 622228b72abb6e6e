"""The offers service keeps offers within the territory's reach, closes what a full feed no longer lists,
and its store upgrades in place to the source fields (migration 0002)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from common.db import make_engine, migrate
from common.errors import ValidationFailed
from common.identity import Caller, Role
from common.messaging.inprocess import InProcessBus
from common.outbox import OutboxRelay
from common.territory import build_territory, commune_named
from contracts.events import OFFERS_TOPIC
from contracts.offers import OfferAction, OfferCreate, OfferUpdate
from services.offers.adapters.sql import sql_units_of_work
from services.offers.bootstrap import MIGRATIONS
from services.offers.service import OffersService
from tests.factories import offer_payload

EMPLOYER = Caller("e1", Role.EMPLOYER)


def place(name: str, departement: str) -> dict[str, object]:
    c = commune_named(name, departement)
    return {"commune": c.name, "lat": c.lat, "lon": c.lon, "insee_code": c.insee_code}


@pytest.fixture
def service(tmp_path: Path) -> OffersService:
    engine = make_engine(f"sqlite:///{tmp_path / 'offers.db'}")
    migrate(engine, MIGRATIONS, "offers_schema_version")
    return OffersService(sql_units_of_work(engine), area=build_territory("45", 40))


def test_offers_beyond_the_band_are_refused_with_the_reason(service: OffersService) -> None:
    nemours = service.create(EMPLOYER, OfferCreate(**offer_payload(location=place("Nemours", "77"))))
    assert nemours.location.insee_code == "77333"
    with pytest.raises(ValidationFailed) as refused:
        service.create(EMPLOYER, OfferCreate(**offer_payload(location=place("Olivet", "53"))))
    assert refused.value.detail[0]["field"] == "location"
    assert "Olivet (53) est à 185 km du territoire 45" in refused.value.detail[0]["message"]
    with pytest.raises(ValidationFailed):
        service.update(EMPLOYER, nemours.id, OfferUpdate(location=place("Olivet", "53")))


def test_close_missing_touches_one_source_of_one_owner(service: OffersService) -> None:
    def offer(source: str) -> OfferCreate:
        return OfferCreate(**offer_payload(source_id=source))

    service.create_many(EMPLOYER, [offer("ft:1"), offer("ft:2"), offer("ml:1")])
    service.create_many(Caller("e2", Role.EMPLOYER), [offer("ft:3")])
    closed = service.close_missing(EMPLOYER, "ft:", {"ft:1"})
    assert [o.source_id for o in closed] == ["ft:2"] and closed[0].status.value == "closed"
    assert service.close_missing(EMPLOYER, "ft:", {"ft:1"}) == []  # already closed: nothing more
    with pytest.raises(ValidationFailed):
        service.close_missing(EMPLOYER, "", set())


def test_the_source_fields_round_trip_and_reimports_are_unchanged(service: OffersService) -> None:
    data = OfferCreate(
        **offer_payload(
            source_id="ft:9",
            published_at=datetime(2025, 3, 12, 9, 41, tzinfo=UTC),
            source_contract="FRA — Franchise",
            contact={"courriel": "rh@exemple.invalid"},
            origin_url="https://exemple.invalid/9",
            import_notes=["durée invraisemblable"],
        )
    )
    first = service.create_many(EMPLOYER, [data]).offers[0]
    assert first.published_at == datetime(2025, 3, 12, 9, 41, tzinfo=UTC) and first.contact == {
        "courriel": "rh@exemple.invalid"
    }
    again = service.create_many(EMPLOYER, [data])
    assert again.unchanged == 1 and again.updated == 0


def test_a_store_at_0001_upgrades_with_its_offers(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["version_table"] = "offers_schema_version"
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            text(
                "INSERT INTO offer (id, employer_id, title, description, kind, commune, lat, lon,"
                " contract_type, hours_per_week, skills, openings, conditions, status, expires_on, version,"
                " created_at, updated_at) VALUES ('o1', 'e1', 'Agent', '', 'job', 'Gien', 47.68, 2.63,"
                " 'CDI', 20, '[]', 1, '[]', 'active', '2030-01-01', 1, '2025-01-01 00:00:00',"
                " '2025-01-01 00:00:00')"
            )
        )
    migrate(engine, MIGRATIONS, "offers_schema_version")
    offer = OffersService(sql_units_of_work(engine)).get(Caller("a", Role.ADMIN), "o1")
    assert offer.published_at is None and offer.import_notes == [] and offer.contact is None


def published(bus: InProcessBus, group: str) -> list[str]:
    """Every key on the offers topic, from the beginning (polled until nothing more comes)."""
    subscription, keys = bus.subscribe(group, [OFFERS_TOPIC]), []
    while batch := subscription.poll(0):
        keys += [str(r.key) for r in batch]
    return keys


def test_hide_keeps_offers_beyond_the_band_out_of_matching(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hide.db'}")
    migrate(engine, MIGRATIONS, "offers_schema_version")
    service = OffersService(sql_units_of_work(engine), area=build_territory("45", 40, hide_beyond=True))
    bus = InProcessBus()
    relay = OutboxRelay(engine, bus.publisher())
    mayenne = service.create(EMPLOYER, OfferCreate(**offer_payload(location=place("Olivet", "53"))))
    gien = service.create(EMPLOYER, OfferCreate(**offer_payload(location=place("Gien", "45"))))
    assert mayenne.beyond_reach and not gien.beyond_reach
    service.act(EMPLOYER, mayenne.id, OfferAction.PAUSE)
    relay.relay_once()
    keys = published(bus, "t")
    assert keys == [gien.id]  # the Mayenne offer, created then paused, was never published
    assert [o.id for o in service.after(Caller("s", Role.SYSTEM), "", 50)] == [gien.id]  # nor reindexed
    with pytest.raises(ValidationFailed, match="déjà proposée"):
        service.update(EMPLOYER, gien.id, OfferUpdate(location=place("Olivet", "53")))
    back = service.update(EMPLOYER, mayenne.id, OfferUpdate(location=place("Montargis", "45")))
    assert not back.beyond_reach
    relay.relay_once()
    assert mayenne.id in published(bus, "t2")  # published at last


def test_hide_mode_imports_with_a_warning() -> None:
    from contracts.offer_import import ImportFormat
    from services.offers.importing import ImportContext, parse

    hiding = ImportContext(territory=build_territory("45", 40, hide_beyond=True))
    fixture = Path(__file__).resolve().parents[3] / "fixtures" / "france_travail" / "page_minified.json"
    rows = {
        r.source_id: r for r in parse(fixture.read_text(encoding="utf-8"), ImportFormat.FT_JSON, ctx=hiding)
    }
    mayenne = rows["190AAA2"]
    assert mayenne.offer is not None and not mayenne.errors
    assert any("jamais proposée" in w.message for w in mayenne.warnings)
