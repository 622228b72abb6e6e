"""The offers use cases, on whichever unit of work the subclass's `world` fixture gives."""

from __future__ import annotations

from typing import Protocol

import pytest

from common.errors import Conflict, Forbidden, NotFound
from common.identity import Caller, Role
from contracts.events import OfferUpsertedV1
from contracts.offers import OfferAction, OfferCreate, OfferStatus, OfferUpdate
from services.offers.service import OffersService
from tests.factories import offer_payload

EMPLOYER = Caller("e1", Role.EMPLOYER)
OTHER_EMPLOYER = Caller("e2", Role.EMPLOYER)
REFERENT = Caller("r1", Role.REFERENT)
SYSTEM = Caller("matching", Role.SYSTEM)


class OffersWorld(Protocol):
    """A service on one kind of store, and what that store committed."""

    service: OffersService

    def events(self) -> list[OfferUpsertedV1]:
        """Every event in the outbox, in the order it was written."""
        ...

    def history(self, offer_id: str) -> list[str]:
        """The statuses the offer went through, oldest first."""
        ...


class OffersUseCases:
    def test_every_change_bumps_the_version_and_emits_one_event(self, world: OffersWorld) -> None:
        service = world.service
        offer = service.create(EMPLOYER, OfferCreate(**offer_payload()))
        service.update(EMPLOYER, offer.id, OfferUpdate(hours_per_week=30))
        paused = service.act(EMPLOYER, offer.id, OfferAction.PAUSE)
        assert paused.status == OfferStatus.PAUSED and paused.version == 3
        events = world.events()
        assert [(e.key, e.payload.version) for e in events] == [(offer.id, 1), (offer.id, 2), (offer.id, 3)]
        assert events[-1].offer().status == OfferStatus.PAUSED and events[1].offer().hours_per_week == 30

    def test_an_update_that_changes_nothing_emits_nothing(self, world: OffersWorld) -> None:
        offer = world.service.create(EMPLOYER, OfferCreate(**offer_payload()))
        same = world.service.update(EMPLOYER, offer.id, OfferUpdate(hours_per_week=offer.hours_per_week))
        assert same.version == 1
        assert len(world.events()) == 1

    def test_reimporting_the_same_source_id_is_idempotent(self, world: OffersWorld) -> None:
        first = world.service.create(EMPLOYER, OfferCreate(**offer_payload(source_id="ft-123")))
        again = world.service.create(EMPLOYER, OfferCreate(**offer_payload(source_id="ft-123")))
        assert again.id == first.id and again.version == 1
        assert len(world.events()) == 1

    def test_status_transitions_are_enforced_and_kept_in_the_history(self, world: OffersWorld) -> None:
        service = world.service
        offer = service.create(EMPLOYER, OfferCreate(**offer_payload()))
        service.act(EMPLOYER, offer.id, OfferAction.PAUSE)
        service.act(EMPLOYER, offer.id, OfferAction.CLOSE)
        with pytest.raises(Conflict):
            service.act(EMPLOYER, offer.id, OfferAction.RESUME)
        assert world.history(offer.id) == ["active", "paused", "closed"]
        assert service.get(EMPLOYER, offer.id).version == 3  # the refused resume wrote nothing

    def test_employers_only_see_and_change_their_own_offers(self, world: OffersWorld) -> None:
        service = world.service
        offer = service.create(EMPLOYER, OfferCreate(**offer_payload()))
        with pytest.raises(NotFound):
            service.get(OTHER_EMPLOYER, offer.id)
        with pytest.raises(NotFound):
            service.update(OTHER_EMPLOYER, offer.id, OfferUpdate(openings=3))
        with pytest.raises(Forbidden):
            service.update(REFERENT, offer.id, OfferUpdate(openings=3))
        assert service.list_offers(OTHER_EMPLOYER, None, 10, 0).total == 0
        assert service.get(REFERENT, offer.id).id == offer.id

    def test_referents_only_list_active_offers(self, world: OffersWorld) -> None:
        service = world.service
        kept = service.create(EMPLOYER, OfferCreate(**offer_payload()))
        paused = service.create(EMPLOYER, OfferCreate(**offer_payload(title="Autre")))
        service.act(EMPLOYER, paused.id, OfferAction.PAUSE)
        assert [o.id for o in service.list_offers(REFERENT, None, 10, 0).items] == [kept.id]
        mine = service.list_offers(EMPLOYER, OfferStatus.PAUSED, 10, 0)
        assert [o.id for o in mine.items] == [paused.id] and mine.total == 1

    def test_referents_see_active_offers_only_whatever_status_they_ask_for(self, world: OffersWorld) -> None:
        service = world.service
        closed = service.create(EMPLOYER, OfferCreate(**offer_payload(title="Fermée")))
        service.act(EMPLOYER, closed.id, OfferAction.CLOSE)
        for status in (OfferStatus.CLOSED, OfferStatus.PAUSED):
            assert service.list_offers(REFERENT, status, 10, 0).items == []
        assert service.list_offers(EMPLOYER, OfferStatus.CLOSED, 10, 0).total == 1

    def test_a_batch_is_all_or_nothing(self, world: OffersWorld) -> None:
        service = world.service
        taken = service.create(OTHER_EMPLOYER, OfferCreate(**offer_payload(source_id="ft:1")))
        batch = [OfferCreate(**offer_payload(source_id=s)) for s in ("ft:0", "ft:1")]
        with pytest.raises(Conflict):
            service.create_many(EMPLOYER, batch)
        assert service.list_offers(EMPLOYER, None, 10, 0).total == 0
        assert [e.key for e in world.events()] == [taken.id]

    def test_a_batch_counts_new_changed_and_unchanged_offers(self, world: OffersWorld) -> None:
        service = world.service
        first = service.create_many(EMPLOYER, [OfferCreate(**offer_payload(source_id=s)) for s in "abc"])
        assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
        again = [OfferCreate(**offer_payload(source_id=s, openings=2 if s == "a" else 1)) for s in "abcd"]
        second = service.create_many(EMPLOYER, again)
        assert (second.created, second.updated, second.unchanged) == (1, 1, 2)
        assert [o.version for o in second.offers] == [2, 1, 1, 1]
        assert len(world.events()) == 5

    def test_closing_what_a_feed_no_longer_lists(self, world: OffersWorld) -> None:
        service = world.service
        service.create_many(EMPLOYER, [OfferCreate(**offer_payload(source_id=s)) for s in ("ft:1", "ft:2")])
        closed = service.close_missing(EMPLOYER, "ft:", {"ft:1"})
        assert [(o.source_id, o.status, o.version) for o in closed] == [("ft:2", OfferStatus.CLOSED, 2)]
        assert world.history(closed[0].id) == ["active", "closed"]
        assert service.close_missing(EMPLOYER, "ft:", {"ft:1"}) == []
        assert len(world.events()) == 3

    def test_offers_are_paged_for_index_rebuilds_in_id_order(self, world: OffersWorld) -> None:
        created = [world.service.create(EMPLOYER, OfferCreate(**offer_payload())) for _ in range(3)]
        ids = sorted(o.id for o in created)
        first = world.service.after(SYSTEM, "", 2)
        rest = world.service.after(SYSTEM, first[-1].id, 2)
        assert [o.id for o in first + rest] == ids
        with pytest.raises(Forbidden):
            world.service.after(EMPLOYER, "", 2)
