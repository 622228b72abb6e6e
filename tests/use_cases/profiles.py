"""The profiles use cases, on whichever unit of work the subclass's `world` fixture gives."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol

import pytest
from pydantic import ValidationError

from common.errors import Forbidden, NotFound, ValidationFailed
from common.identity import SYSTEM_CALLER, Caller, Role
from contracts.caseloads import Handover
from contracts.events import ProfileChanged, ProfileDeletedV1, ProfileUpsertedV1, decode_event
from contracts.profiles import Consultation, EmployerSharing, ProfileCreate, ProfileUpdate
from services.profiles.domain import AuditCriteria
from services.profiles.service import ProfilesService
from tests.factories import profile_payload

REFERENT = Caller("r1", Role.REFERENT)
OTHER_REFERENT = Caller("r2", Role.REFERENT)


class ProfilesWorld(Protocol):
    """A service on one kind of store, and what that store committed."""

    service: ProfilesService

    def outbox(self) -> list[bytes]:
        """Every event in the outbox, as sent, in the order it was written."""
        ...


class ProfilesUseCases:
    def test_a_profile_joins_its_creators_caseload_only(self, world: ProfilesWorld) -> None:
        created = world.service.create(REFERENT, ProfileCreate(**profile_payload()))
        assert created.referent_id == "r1"
        assert world.service.caseload(REFERENT, 10, 0).total == 1
        assert world.service.caseload(OTHER_REFERENT, 10, 0).total == 0
        with pytest.raises(NotFound):
            world.service.get(OTHER_REFERENT, created.id)

    @pytest.mark.parametrize("role", [Role.EMPLOYER, Role.ANALYST])
    def test_employers_and_analysts_never_read_a_file(self, world: ProfilesWorld, role: Role) -> None:
        created = world.service.create(REFERENT, ProfileCreate(**profile_payload()))
        with pytest.raises(Forbidden):
            world.service.get(Caller("x", role), created.id)
        with pytest.raises(Forbidden):
            world.service.caseload(Caller("x", role), 10, 0)

    def test_only_referents_create_profiles(self, world: ProfilesWorld) -> None:
        with pytest.raises(Forbidden):
            world.service.create(Caller("a", Role.ADMIN), ProfileCreate(**profile_payload()))
        assert world.outbox() == []

    def test_reads_and_changes_are_audited(self, world: ProfilesWorld) -> None:
        created = world.service.create(REFERENT, ProfileCreate(**profile_payload()))
        world.service.get(REFERENT, created.id)
        world.service.update(REFERENT, created.id, ProfileUpdate(skills=["repassage"]))
        actions = [entry["action"] for entry in world.service.audit_trail(REFERENT, created.id)]
        assert actions == ["update", "read", "create"]

    def test_events_carry_ids_and_versions_not_personal_data(self, world: ProfilesWorld) -> None:
        payload = profile_payload(display_name="Jeanne Secret")
        created = world.service.create(REFERENT, ProfileCreate(**payload))
        world.service.update(REFERENT, created.id, ProfileUpdate(skills=["repassage"]))
        first, second = world.outbox()
        assert b"Jeanne" not in first and b"nettoyage" not in first and b"repassage" not in second
        events = [decode_event(raw) for raw in (first, second)]
        assert all(isinstance(e, ProfileUpsertedV1) for e in events)
        assert [e.payload for e in events] == [
            ProfileChanged(profile_id=created.id, version=v) for v in (1, 2)
        ]

    def test_a_change_that_makes_an_invalid_file_is_refused_and_writes_nothing(
        self, world: ProfilesWorld
    ) -> None:
        created = world.service.create(REFERENT, ProfileCreate(**profile_payload()))
        with pytest.raises(ValidationError):
            world.service.update(
                REFERENT, created.id, ProfileUpdate(min_hours_per_week=30, max_hours_per_week=10)
            )
        assert world.service.get(REFERENT, created.id).version == 1 and len(world.outbox()) == 1

    def test_one_target_job_typed_in_two_cases_or_accents_is_kept_once(self, world: ProfilesWorld) -> None:
        created = world.service.create(
            REFERENT,
            ProfileCreate(
                **profile_payload(target_jobs=["Cariste", "cariste", "électricien", "Electricien"])
            ),
        )
        assert created.target_jobs == ["Cariste", "électricien"]
        changed = world.service.update(
            REFERENT, created.id, ProfileUpdate(target_jobs=["cariste", "CARISTE", "magasinier"])
        )
        assert changed.target_jobs == ["cariste", "magasinier"]
        assert world.service.get(REFERENT, created.id).target_jobs == ["cariste", "magasinier"]

    def test_needs_availability_and_consent_are_kept_and_changed(self, world: ProfilesWorld) -> None:
        created = world.service.create(REFERENT, ProfileCreate(**profile_payload()))
        assert (created.needs, created.available_from, created.employer_sharing) == ([], None, "none")
        world.service.update(
            REFERENT,
            created.id,
            ProfileUpdate(
                needs=["solution_de_garde"],
                available_from=date(2027, 1, 4),
                employer_sharing=EmployerSharing.INITIALS,
            ),
        )
        read = world.service.get(REFERENT, created.id)
        assert (read.needs, read.available_from, read.employer_sharing) == (
            ["solution_de_garde"],
            date(2027, 1, 4),
            "initials",
        )
        world.service.update(REFERENT, created.id, ProfileUpdate(available_from=None))
        assert world.service.get(REFERENT, created.id).available_from is None
        with pytest.raises(ValidationError):
            ProfileUpdate.model_validate({"employer_sharing": None})

    def test_matching_view_has_criteria_but_no_identity(self, world: ProfilesWorld) -> None:
        created = world.service.create(
            REFERENT,
            ProfileCreate(**profile_payload(contraintes=[{"code": "sante", "status": "OUI"}])),
        )
        view = world.service.matching_view(SYSTEM_CALLER, created.id).model_dump()
        assert "display_name" not in view and "contraintes" not in view and "referent_id" not in view
        assert view["mobility"]["max_distance_km"] == 15
        with pytest.raises(NotFound):
            world.service.matching_view(REFERENT, created.id)

    def test_a_candidate_card_holds_only_what_the_person_agreed_to_share(self, world: ProfilesWorld) -> None:
        service = world.service
        payload = profile_payload(
            display_name="Sophie Martin",
            skills=["nettoyage des locaux", "repassage"],
            contraintes=[{"code": "sante", "status": "OUI"}],
        )
        created = service.create(REFERENT, ProfileCreate(**payload))
        assert created.employer_sharing == EmployerSharing.NONE
        assert service.candidate_card(SYSTEM_CALLER, created.id) is None  # no consent: nothing leaves

        start = date(2027, 1, 4)
        sharing = ProfileUpdate(employer_sharing=EmployerSharing.INITIALS, available_from=start)
        service.update(REFERENT, created.id, sharing)
        card = service.candidate_card(SYSTEM_CALLER, created.id)
        assert card is not None and card.model_dump() == {
            "profile_id": created.id,
            "shown_name": "S. M.",
            "skills": ["nettoyage des locaux", "repassage"],
            "available_from": start,
        }
        service.update(REFERENT, created.id, ProfileUpdate(employer_sharing=EmployerSharing.FIRST_NAME))
        assert (card := service.candidate_card(SYSTEM_CALLER, created.id)) and card.shown_name == "Sophie"
        service.update(REFERENT, created.id, ProfileUpdate(employer_sharing=EmployerSharing.ANONYMOUS))
        assert (card := service.candidate_card(SYSTEM_CALLER, created.id)) and card.shown_name is None
        with pytest.raises(Forbidden):
            service.candidate_card(Caller("e1", Role.EMPLOYER), created.id)
        with pytest.raises(NotFound):
            service.candidate_card(REFERENT, created.id)  # only matching asks, as the system
        actions = [entry["action"] for entry in service.audit_trail(REFERENT, created.id)]
        assert actions.count("share card") == 3

    def test_a_consultation_is_allowed_as_a_read_would_be_and_audited_under_its_name(
        self, world: ProfilesWorld
    ) -> None:
        service = world.service
        created = service.create(REFERENT, ProfileCreate(**profile_payload()))
        service.consult(REFERENT, created.id, Consultation.SUGGESTIONS)
        service.consult(Caller("support", Role.ADMIN), created.id, Consultation.OUTCOMES)
        with pytest.raises(NotFound):  # someone else's person: as if there were nobody
            service.consult(OTHER_REFERENT, created.id, Consultation.SUGGESTIONS)
        with pytest.raises(NotFound):
            service.consult(REFERENT, "nobody", Consultation.SUGGESTIONS)
        with pytest.raises(Forbidden):
            service.consult(Caller("e", Role.EMPLOYER), created.id, Consultation.OUTCOMES)
        actions = [entry["action"] for entry in service.audit_trail(REFERENT, created.id)]
        # Refused attempts on the file are on its trail too (a person who does not exist has none).
        assert actions == [
            "refused read outcomes",
            "refused read suggestions",
            "read outcomes",
            "read suggestions",
            "create",
        ]

    def test_files_whose_follow_up_ended_are_purged_with_their_last_version(
        self, world: ProfilesWorld
    ) -> None:
        service = world.service
        ended = service.create(REFERENT, ProfileCreate(**profile_payload()))
        service.update(REFERENT, ended.id, ProfileUpdate(followup_ended_on=date(2020, 1, 31)))
        kept = service.create(REFERENT, ProfileCreate(**profile_payload()))
        assert service.purge_ended(date(2021, 1, 1), batch=1) == 1
        assert [p.id for p in service.caseload(REFERENT, 10, 0).items] == [kept.id]
        deleted = decode_event(world.outbox()[-1])
        assert isinstance(deleted, ProfileDeletedV1)
        assert deleted.payload == ProfileChanged(profile_id=ended.id, version=3)
        trail = service.audit_trail(Caller("a", Role.ADMIN), kept.id)
        assert [e["action"] for e in trail] == ["list", "create"]  # the caseload read above

    def test_a_bulk_read_is_audited_for_every_file_it_returns(self, world: ProfilesWorld) -> None:
        service = world.service
        first = service.create(REFERENT, ProfileCreate(**profile_payload()))
        second = service.create(OTHER_REFERENT, ProfileCreate(**profile_payload()))
        admin = Caller("support", Role.ADMIN)
        assert service.caseload(admin, 10, 0).total == 2
        for created in (first, second):
            trail = service.audit_trail(admin, created.id)
            assert (trail[0]["action"], trail[0]["actor"]) == ("list", "support")

    def test_reading_the_audit_log_is_itself_audited(self, world: ProfilesWorld) -> None:
        service = world.service
        created = service.create(REFERENT, ProfileCreate(**profile_payload()))
        service.audit_trail(Caller("support", Role.ADMIN), created.id)
        trail = service.audit_trail(REFERENT, created.id)
        assert [(e["action"], e["actor"]) for e in trail] == [("read audit", "support"), ("create", "r1")]

    def test_refused_attempts_on_someone_elses_file_are_audited(self, world: ProfilesWorld) -> None:
        service = world.service
        created = service.create(REFERENT, ProfileCreate(**profile_payload()))
        with pytest.raises(NotFound):
            service.get(OTHER_REFERENT, created.id)
        with pytest.raises(NotFound):
            service.update(OTHER_REFERENT, created.id, ProfileUpdate(skills=["repassage"]))
        with pytest.raises(NotFound):
            service.audit_trail(OTHER_REFERENT, created.id)
        with pytest.raises(Forbidden):
            service.get(Caller("e", Role.EMPLOYER), created.id)
        trail = [(e["action"], e["actor"]) for e in service.audit_trail(REFERENT, created.id)]
        assert trail == [
            ("refused read", "e"),
            ("refused read audit", "r2"),
            ("refused update", "r2"),
            ("refused read", "r2"),
            ("create", "r1"),
        ]

    # -- caseload handover ---------------------------------------------------------------------------
    def test_a_handover_moves_the_person_keeps_the_history_and_audits_it(self, world: ProfilesWorld) -> None:
        service = world.service
        admin = Caller("root", Role.ADMIN)
        created = service.create(REFERENT, ProfileCreate(**profile_payload()))
        sent_before = len(world.outbox())
        result = service.hand_over(admin, Handover(to_referent="r2", profile_ids=[created.id]))
        assert result.moved == [created.id]
        assert service.get(OTHER_REFERENT, created.id).referent_id == "r2"
        with pytest.raises(NotFound):
            service.get(REFERENT, created.id)
        history = service.referent_history(OTHER_REFERENT, created.id)
        assert [(h.from_referent, h.to_referent, h.by) for h in history] == [("r1", "r2", "root")]
        actions = [(e["action"], e["actor"]) for e in service.audit_trail(admin, created.id)]
        assert ("handover", "root") in actions
        assert len(world.outbox()) == sent_before  # matching does not know who follows whom

    def test_a_whole_caseload_moves_and_nobody_else(self, world: ProfilesWorld) -> None:
        service = world.service
        mine = [service.create(REFERENT, ProfileCreate(**profile_payload())).id for _ in range(3)]
        theirs = service.create(OTHER_REFERENT, ProfileCreate(**profile_payload())).id
        result = service.hand_over(Caller("root", Role.ADMIN), Handover(from_referent="r1", to_referent="r3"))
        assert sorted(result.moved) == sorted(mine)
        assert service.caseload(Caller("r3", Role.REFERENT), 10, 0).total == 3
        assert service.caseload(REFERENT, 10, 0).total == 0
        sizes = service.caseload_sizes(Caller("c", Role.COORDINATOR), ["r1", "r2", "r3"]).sizes
        assert sizes == {"r1": 0, "r2": 1, "r3": 3}
        assert service.get(OTHER_REFERENT, theirs).referent_id == "r2"

    def test_a_handover_is_all_or_nothing_and_for_admins_only(self, world: ProfilesWorld) -> None:
        service = world.service
        admin = Caller("root", Role.ADMIN)
        first = service.create(REFERENT, ProfileCreate(**profile_payload())).id
        already = service.create(OTHER_REFERENT, ProfileCreate(**profile_payload())).id
        with pytest.raises(ValidationFailed) as same:
            service.hand_over(admin, Handover(to_referent="r2", profile_ids=[first, already]))
        assert same.value.code == "handover.same_referent"
        assert service.get(REFERENT, first).referent_id == "r1"  # the first move was rolled back
        with pytest.raises(NotFound):  # not in the caseload named
            service.hand_over(admin, Handover(from_referent="r1", to_referent="r3", profile_ids=[already]))
        with pytest.raises(ValidationFailed) as nothing:
            service.hand_over(admin, Handover(from_referent="nobody", to_referent="r3"))
        assert nothing.value.code == "handover.nothing"
        for caller in (REFERENT, Caller("c", Role.COORDINATOR), Caller("e", Role.EMPLOYER)):
            with pytest.raises(Forbidden):
                service.hand_over(caller, Handover(to_referent="r1", profile_ids=[already]))
        assert service.referent_history(REFERENT, first) == []

    @pytest.mark.parametrize("role", [Role.REFERENT, Role.EMPLOYER, Role.ANALYST])
    def test_caseload_sizes_are_for_coordinators_and_admins(self, world: ProfilesWorld, role: Role) -> None:
        with pytest.raises(Forbidden):
            world.service.caseload_sizes(Caller("x", role), ["r1"])

    # -- the audit log, searched by administrators ---------------------------------------------------
    def test_the_audit_log_is_searched_by_person_user_and_period(self, world: ProfilesWorld) -> None:
        service = world.service
        admin = Caller("root", Role.ADMIN)
        first = service.create(REFERENT, ProfileCreate(**profile_payload())).id
        second = service.create(OTHER_REFERENT, ProfileCreate(**profile_payload())).id
        service.get(REFERENT, first)
        by_person = service.search_audit(admin, AuditCriteria(profile_id=first), 50)
        assert [(line.action, line.actor) for line in by_person.items] == [("read", "r1"), ("create", "r1")]
        by_user = service.search_audit(admin, AuditCriteria(actor="r2"), 50)
        assert [(line.action, line.profile_id) for line in by_user.items] == [("create", second)]
        everything = service.search_audit(admin, AuditCriteria(), 50).items
        newest = everything[0].at
        later = service.search_audit(admin, AuditCriteria(since=newest + timedelta(seconds=1)), 50)
        assert later.items == []
        earlier = service.search_audit(admin, AuditCriteria(until=newest - timedelta(days=1)), 50)
        assert earlier.items == []
        assert service.search_audit(admin, AuditCriteria(), 2).truncated
        # The search about one person's file is itself in that file's trail.
        assert service.audit_trail(admin, first)[0]["action"] == "read audit"
        for caller in (REFERENT, Caller("c", Role.COORDINATOR), Caller("a", Role.ANALYST)):
            with pytest.raises(Forbidden):
                service.search_audit(caller, AuditCriteria(), 10)
