from __future__ import annotations

from pathlib import Path

import pytest

from common.db import make_engine, migrate
from common.errors import Conflict, Forbidden, NotFound
from common.identity import Caller, Role
from common.messaging.inprocess import InProcessBus
from common.outbox import OutboxRelay
from contracts.events import OFFERS_TOPIC, OfferUpsertedV1, decode_event
from contracts.offers import OfferAction, OfferCreate, OfferStatus, OfferUpdate
from services.offers.bootstrap import MIGRATIONS
from services.offers.service import OffersService
from tests.factories import offer_payload

EMPLOYER = Caller("e1", Role.EMPLOYER)
OTHER_EMPLOYER = Caller("e2", Role.EMPLOYER)
REFERENT = Caller("r1", Role.REFERENT)


Setup = tuple[OffersService, OutboxRelay, InProcessBus]


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    engine = make_engine(f"sqlite:///{tmp_path / 'offers.db'}")
    migrate(engine, MIGRATIONS, "offers_schema_version")
    bus = InProcessBus()
    return OffersService(engine), OutboxRelay(engine, bus.publisher()), bus


def _events(relay: OutboxRelay, bus: InProcessBus) -> list[OfferUpsertedV1]:
    relay.relay_once()
    events = [decode_event(r.value) for r in bus.subscribe("t", [OFFERS_TOPIC]).poll(0)]
    offers = [e for e in events if isinstance(e, OfferUpsertedV1)]
    assert len(offers) == len(events)
    return offers


def test_every_change_bumps_the_version_and_emits_one_event(setup: Setup) -> None:
    service, relay, bus = setup
    offer = service.create(EMPLOYER, OfferCreate(**offer_payload()))
    service.update(EMPLOYER, offer.id, OfferUpdate(hours_per_week=30))
    paused = service.act(EMPLOYER, offer.id, OfferAction.PAUSE)
    assert paused.status == OfferStatus.PAUSED and paused.version == 3
    events = _events(relay, bus)
    assert [(e.key, e.payload.version) for e in events] == [(offer.id, 1), (offer.id, 2), (offer.id, 3)]


def test_an_update_that_changes_nothing_emits_nothing(setup: Setup) -> None:
    service, relay, bus = setup
    offer = service.create(EMPLOYER, OfferCreate(**offer_payload()))
    same = service.update(EMPLOYER, offer.id, OfferUpdate(hours_per_week=offer.hours_per_week))
    assert same.version == 1
    assert len(_events(relay, bus)) == 1


def test_reimporting_the_same_source_id_is_idempotent(setup: Setup) -> None:
    service, _relay, _bus = setup
    first = service.create(EMPLOYER, OfferCreate(**offer_payload(source_id="ft-123")))
    again = service.create(EMPLOYER, OfferCreate(**offer_payload(source_id="ft-123")))
    assert again.id == first.id and again.version == 1


def test_status_transitions_are_enforced(setup: Setup) -> None:
    service, _, _ = setup
    offer = service.create(EMPLOYER, OfferCreate(**offer_payload()))
    service.act(EMPLOYER, offer.id, OfferAction.CLOSE)
    with pytest.raises(Conflict):
        service.act(EMPLOYER, offer.id, OfferAction.RESUME)


def test_employers_only_see_and_change_their_own_offers(setup: Setup) -> None:
    service, _, _ = setup
    offer = service.create(EMPLOYER, OfferCreate(**offer_payload()))
    with pytest.raises(NotFound):
        service.get(OTHER_EMPLOYER, offer.id)
    with pytest.raises(NotFound):
        service.update(OTHER_EMPLOYER, offer.id, OfferUpdate(openings=3))
    with pytest.raises(Forbidden):
        service.update(REFERENT, offer.id, OfferUpdate(openings=3))
    assert service.list_offers(OTHER_EMPLOYER, None, 10, 0).total == 0
    assert service.get(REFERENT, offer.id).id == offer.id


def test_referents_only_list_active_offers(setup: Setup) -> None:
    service, _, _ = setup
    kept = service.create(EMPLOYER, OfferCreate(**offer_payload()))
    paused = service.create(EMPLOYER, OfferCreate(**offer_payload(title="Autre")))
    service.act(EMPLOYER, paused.id, OfferAction.PAUSE)
    assert [o.id for o in service.list_offers(REFERENT, None, 10, 0).items] == [kept.id]
