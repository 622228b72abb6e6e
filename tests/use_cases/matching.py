"""The matching use cases that touch its store (projections, outcomes, outbox), on whichever unit of work
the subclass's `world` fixture gives. The index is a local one and the encoder the hashing one: what is
tested here is what the store keeps and what the outbox sends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import pytest

from common.errors import NotFound, ValidationFailed
from common.territory import commune_named
from contracts.analytics import TerritoryGroupIn
from contracts.events import OutcomeRecordedV1, ProfileDeletedV1, ProfileUpsertedV1
from contracts.matching import OutcomeStatus, RefusalReason
from contracts.offers import OfferPublic
from contracts.profiles import MatchingView
from services.matching import demand
from services.matching.adapters.encoders import HashingEncoder
from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.service import MatchingService
from services.matching.units import MatchingUnitOfWorkFactory
from tests.factories import location, offer_payload

PROPOSED, ACCEPTED, REFUSED = OutcomeStatus.PROPOSED, OutcomeStatus.ACCEPTED, OutcomeStatus.REFUSED


class KnownProfiles:
    """The profiles service as matching sees it (a fake of the ProfileSource port), counting its reads."""

    def __init__(self) -> None:
        self.views: dict[str, MatchingView] = {}
        self.reads = 0

    def matching_view(self, profile_id: str) -> MatchingView | None:
        self.reads += 1
        return self.views.get(profile_id)


class NoOffers:
    def iter_offers(self, page_size: int = 500) -> Any:
        return iter(())


def matching_service(units_of_work: MatchingUnitOfWorkFactory, index_dir: Path) -> MatchingService:
    """Matching on this store, with a local index holding two offers of two employers near Montargis."""
    service = MatchingService(
        units_of_work,
        LocalOfferIndex(str(index_dir / "i.db"), 64),
        HashingEncoder(64),
        KnownProfiles(),
        NoOffers(),
    )
    service.index_offers([offer("o1", "e1"), offer("o2", "e2")])
    return service


def offer(offer_id: str, employer_id: str) -> OfferPublic:
    now = datetime.now(UTC)
    return OfferPublic(
        **offer_payload(),
        id=offer_id,
        employer_id=employer_id,
        status="active",
        version=1,
        expires_on=date.today() + timedelta(days=30),
        created_at=now,
        updated_at=now,
    )


def person(profile_id: str, version: int, skills: tuple[str, ...] = ()) -> MatchingView:
    return MatchingView(
        profile_id=profile_id,
        version=version,
        target_jobs=["agent de propreté"],
        appellation_codes=[],
        skills=list(skills),
        location=location("Amilly"),
        mobility={"max_distance_km": 20 + version},
        contract_types=[],
        min_hours_per_week=None,
        max_hours_per_week=None,
        excluded_conditions=[],
    )


class MatchingWorld(Protocol):
    """A service on one kind of store (made by `matching_service`), and what that store committed."""

    service: MatchingService

    def events(self) -> list[OutcomeRecordedV1]:
        """Every event in the outbox, in the order it was written."""
        ...


def known_profiles(world: MatchingWorld) -> KnownProfiles:
    profiles = world.service.profiles
    assert isinstance(profiles, KnownProfiles)
    return profiles


def projected_version(world: MatchingWorld, profile_id: str) -> int:
    with world.service.units_of_work() as uow:
        return uow.projections.version(profile_id)


def sent(world: MatchingWorld) -> list[tuple[str, str, str, str | None]]:
    return [(e.key, e.payload.offer_id, e.payload.status, e.payload.reason) for e in world.events()]


class MatchingUseCases:
    def test_a_profile_event_projects_the_person_and_an_older_one_changes_nothing(
        self, world: MatchingWorld
    ) -> None:
        profiles = known_profiles(world)
        profiles.views["p1"] = person("p1", 2)
        handlers = world.service.event_handlers()
        handlers.dispatch([ProfileUpsertedV1.of("p1", 2)])
        assert projected_version(world, "p1") == 2 and world.service.status()["projected_profiles"] == 1
        reads = profiles.reads
        handlers.dispatch([ProfileUpsertedV1.of("p1", 1)])  # redelivered late: already projected beyond
        assert profiles.reads == reads and projected_version(world, "p1") == 2

    def test_a_projection_is_kept_with_its_criteria_and_read_back_for_suggestions(
        self, world: MatchingWorld
    ) -> None:
        known_profiles(world).views["p1"] = person("p1", 1)
        assert "21 km" in (world.service.suggest("p1", 5).end_of_list or "")  # read through and projected
        with world.service.units_of_work() as uow:
            kept = uow.projections.get("p1")
        assert kept is not None and kept.view == person("p1", 1) and len(kept.vector) == 64
        known_profiles(world).views["p1"] = person("p1", 2)  # saved, not yet consumed
        assert "21 km" in (world.service.suggest("p1", 5).end_of_list or "")  # the projection, as before
        assert "22 km" in (world.service.suggest("p1", 5, min_version=2).end_of_list or "")
        assert projected_version(world, "p1") == 2

    def test_an_unknown_person_is_not_found(self, world: MatchingWorld) -> None:
        with pytest.raises(NotFound):
            world.service.suggest("nobody", 5)
        assert world.service.status()["projected_profiles"] == 0

    def test_a_deleted_profile_is_forgotten_with_its_outcomes(self, world: MatchingWorld) -> None:
        known_profiles(world).views.update({"p1": person("p1", 1), "p2": person("p2", 1)})
        world.service.event_handlers().dispatch(
            [ProfileUpsertedV1.of("p1", 1), ProfileUpsertedV1.of("p2", 1)]
        )
        world.service.record_outcome("p1", "o1", PROPOSED, None, "r1")
        world.service.record_outcome("p2", "o1", PROPOSED, None, "r1")
        world.service.event_handlers().dispatch([ProfileDeletedV1.of("p1", 2)])
        assert projected_version(world, "p1") == 0 and world.service.outcomes("p1") == []
        assert projected_version(world, "p2") == 1 and len(world.service.outcomes("p2")) == 1
        assert world.service.offer_outcome_counts("o1")[PROPOSED] == 1

    def test_the_followup_of_referents_counts_their_proposals_and_what_came_of_them(
        self, world: MatchingWorld
    ) -> None:
        service = world.service
        service.record_outcome("p1", "o1", PROPOSED, None, "r1")
        service.record_outcome("p1", "o1", ACCEPTED, None, "r1")
        service.record_outcome("p2", "o2", PROPOSED, None, "r1")
        service.record_outcome("p3", "o1", PROPOSED, None, "r2")
        counts = {c.referent: c for c in service.referent_followup(["r1", "r3"])}
        assert (counts["r1"].proposals, counts["r1"].answered, counts["r1"].accepted) == (2, 1, 1)
        assert counts["r1"].median_days_to_outcome is not None
        assert (counts["r3"].proposals, counts["r3"].median_days_to_outcome) == (0, None)
        today = service.now().date()
        assert service.referent_followup(["r1"], since=today - timedelta(days=1))[0].proposals == 2
        assert service.referent_followup(["r1"], since=today + timedelta(days=1))[0].proposals == 0

    def test_each_outcome_is_kept_with_its_event_in_the_outbox(self, world: MatchingWorld) -> None:
        service = world.service
        proposed = service.record_outcome("p1", "o1", PROPOSED, None, "r1")
        refused = service.record_outcome("p1", "o1", REFUSED, RefusalReason.NO_ANSWER, "r1")
        assert (proposed["status"], proposed["reason"], proposed["recorded_by"]) == ("proposed", None, "r1")
        assert (refused["status"], refused["reason"]) == ("refused", "no_answer")
        assert sent(world) == [("p1", "o1", "proposed", None), ("p1", "o1", "refused", "no_answer")]
        history = service.outcomes("p1")
        assert history == [refused, proposed]  # newest first, as recorded
        assert {str(h["recorded_at"])[-6:] for h in history} == {"+00:00"}
        assert set(history[0]) == {"id", "offer_id", "status", "reason", "recorded_by", "recorded_at"}

    @pytest.mark.parametrize(
        ("steps", "code"),
        [
            ([(REFUSED, RefusalReason.OTHER)], "outcome.proposal_first"),
            ([(PROPOSED, None), (REFUSED, None)], "outcome.refusal_needs_reason"),
            ([(PROPOSED, None), (ACCEPTED, RefusalReason.OTHER)], "outcome.reason_only_on_refusal"),
            ([(PROPOSED, None), (PROPOSED, None)], "outcome.already_proposed"),
            ([(PROPOSED, None), (ACCEPTED, None), (REFUSED, RefusalReason.OTHER)], "outcome.already_closed"),
        ],
    )
    def test_an_outcome_out_of_order_is_refused_and_writes_nothing(
        self,
        world: MatchingWorld,
        steps: list[tuple[OutcomeStatus, RefusalReason | None]],
        code: str,
    ) -> None:
        *allowed, (status, reason) = steps
        for step, why in allowed:
            world.service.record_outcome("p1", "o1", step, why, "r1")
        with pytest.raises(ValidationFailed) as refused:
            world.service.record_outcome("p1", "o1", status, reason, "r1")
        assert refused.value.code == code
        assert len(world.service.outcomes("p1")) == len(allowed) and len(world.events()) == len(allowed)

    def test_an_outcome_for_an_offer_not_in_the_index_is_not_found(self, world: MatchingWorld) -> None:
        with pytest.raises(NotFound):
            world.service.record_outcome("p1", "nope", PROPOSED, None, "r1")
        assert world.events() == [] and world.service.outcomes("p1") == []

    def test_counts_per_offer_say_how_many_never_who(self, world: MatchingWorld) -> None:
        service = world.service
        for profile_id in ("p1", "p2", "p3"):
            service.record_outcome(profile_id, "o1", PROPOSED, None, "r1")
        service.record_outcome("p1", "o1", REFUSED, RefusalReason.LACKING_SKILLS, "r1")
        service.record_outcome("p2", "o1", ACCEPTED, None, "r1")
        service.record_outcome("p1", "o2", PROPOSED, None, "r1")
        assert service.offer_outcome_counts("o1") == {
            "proposed": 3,
            "interview": 0,
            "accepted": 1,
            "refused": 1,
            "withdrawn": 0,
        }
        assert service.offer_outcome_counts("unknown") == {
            "proposed": 0,
            "interview": 0,
            "accepted": 0,
            "refused": 0,
            "withdrawn": 0,
        }

    def test_a_referent_follows_up_their_own_proposals_still_unanswered(self, world: MatchingWorld) -> None:
        service = world.service
        service.record_outcome("p1", "o1", PROPOSED, None, "r1")
        service.record_outcome("p1", "o2", PROPOSED, None, "r1")
        service.record_outcome("p1", "o2", ACCEPTED, None, "r1")
        service.record_outcome("p2", "o1", PROPOSED, None, "r1")
        service.record_outcome("p2", "o1", REFUSED, RefusalReason.NO_ANSWER, "r1")
        service.record_outcome("p3", "o1", PROPOSED, None, "r2")
        followed = {p.profile_id: [a.offer_id for a in p.awaiting] for p in service.follow_ups("r1")}
        assert followed == {"p1": ["o1"], "p2": []}
        assert [p.profile_id for p in service.follow_ups("r2")] == ["p3"]

    def test_outcomes_shape_the_next_suggestions(self, world: MatchingWorld) -> None:
        service = world.service
        known_profiles(world).views.update({"p1": person("p1", 1), "p2": person("p2", 1)})
        assert {s.offer_id for s in service.suggest("p1", 5).items} == {"o1", "o2"}
        service.record_outcome("p1", "o1", PROPOSED, None, "r1")
        service.record_outcome("p1", "o1", REFUSED, RefusalReason.INCOMPATIBLE, "r1")
        assert [s.offer_id for s in service.suggest("p1", 5).items] == ["o2"]  # closed for this person
        before = {s.offer_id: s.score for s in service.suggest("p2", 5).items}
        service.record_outcome("p1", "o2", PROPOSED, None, "r1")
        service.record_outcome("p1", "o2", REFUSED, RefusalReason.NO_ANSWER, "r1")
        after = {s.offer_id: s.score for s in service.suggest("p2", 5).items}
        assert after["o2"] < before["o2"] and after["o1"] == before["o1"]  # e2 left a proposal unanswered

    def test_a_forgotten_person_no_longer_counts_against_the_employer(self, world: MatchingWorld) -> None:
        service = world.service
        known_profiles(world).views.update({"p1": person("p1", 1), "p2": person("p2", 1)})
        service.event_handlers().dispatch([ProfileUpsertedV1.of("p1", 1), ProfileUpsertedV1.of("p2", 1)])
        before = {s.offer_id: s.score for s in service.suggest("p2", 5).items}
        service.record_outcome("p1", "o2", PROPOSED, None, "r1")
        service.record_outcome("p1", "o2", REFUSED, RefusalReason.NO_ANSWER, "r1")
        assert {s.offer_id: s.score for s in service.suggest("p2", 5).items}["o2"] < before["o2"]
        service.event_handlers().dispatch([ProfileDeletedV1.of("p1", 2)])
        assert {s.offer_id: s.score for s in service.suggest("p2", 5).items} == before

    def test_analytics_count_skills_and_outcomes_only(self, world: MatchingWorld) -> None:
        profiles = known_profiles(world)
        profiles.views["p1"] = person("p1", 1, skills=("Plonge", "Caisse"))
        profiles.views["p2"] = person("p2", 1, skills=("plonge",))
        world.service.event_handlers().dispatch(
            [ProfileUpsertedV1.of("p1", 1), ProfileUpsertedV1.of("p2", 1)]
        )
        world.service.record_outcome("p1", "o1", PROPOSED, None, "r1")
        world.service.record_outcome("p1", "o1", REFUSED, RefusalReason.NO_ANSWER, "r1")
        counts = world.service.stored_counts()
        assert sorted(p.skills for p in counts.people) == [("caisse", "plonge"), ("plonge",)]
        assert {p.insee_code for p in counts.people} == {commune_named("Amilly").insee_code}
        assert counts.outcomes_by_status == {"proposed": 1, "refused": 1}
        assert counts.refusals_by_reason == {"no_answer": 1}

    def test_the_people_figures_follow_every_projection_write(self, world: MatchingWorld) -> None:
        # The report's people grids are kept under the projections' generation: reused while nothing
        # changed, never served after a projection was written or deleted.
        profiles = known_profiles(world)
        epci = commune_named("Amilly").epci_siren

        def skills() -> dict[tuple[str, str], int]:
            return dict(demand.people_and_outcomes(world.service)[0].skills.atoms)

        assert skills() == {}
        profiles.views["p1"] = person("p1", 1, skills=("Plonge",))
        world.service.event_handlers().dispatch([ProfileUpsertedV1.of("p1", 1)])
        assert skills() == {(epci, "plonge"): 1}
        first, again = (
            demand.people_and_outcomes(world.service)[0],
            demand.people_and_outcomes(world.service)[0],
        )
        assert first is again  # nothing written in between: computed once
        profiles.views["p1"] = person("p1", 2, skills=("Caisse",))
        world.service.event_handlers().dispatch([ProfileUpsertedV1.of("p1", 2)])
        assert skills() == {(epci, "caisse"): 1}
        world.service.event_handlers().dispatch([ProfileDeletedV1.of("p1", 3)])
        assert skills() == {}

    def test_territory_groups_start_with_the_shipped_ones_and_an_admin_edits_them(
        self, world: MatchingWorld
    ) -> None:
        service = world.service
        assert {"montargois", "giennois", "pithiverais"} <= set(demand.groups(service))
        assert demand.groups(service)["giennois"].epcis == ("244500211", "200068278")
        body = TerritoryGroupIn(name=" Val de Sully ", epcis=["200070100"], communes=["45155"])
        saved = demand.save_group(service, "val-de-sully", body)
        assert saved.name == "Val de Sully" and demand.groups(service)["val-de-sully"].communes == ("45155",)
        with pytest.raises(ValidationFailed):
            demand.save_group(service, "x", TerritoryGroupIn(name="X", epcis=["999999999"]))
        with pytest.raises(ValidationFailed):
            demand.save_group(service, "Pas Une Clé", body)
        demand.delete_group(service, "val-de-sully")
        assert "val-de-sully" not in demand.groups(service)
        with pytest.raises(NotFound):
            demand.delete_group(service, "val-de-sully")
