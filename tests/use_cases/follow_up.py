"""The follow-up use cases of the profiles service — contacts with the person, the caseload as a work
list — on whichever unit of work the subclass's `world` fixture gives (memory in tests/unit, PostgreSQL
in tests/integration/test_use_cases_postgres.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Protocol

import pytest

from common.errors import Forbidden, NotFound, ValidationFailed
from common.identity import Caller, Role
from common.rome import search_appellations
from contracts.follow_up import CaseloadSort, ContactChannel, ContactIn
from contracts.profiles import ProfileCreate, ProfileUpdate
from services.profiles.follow_up import CaseloadQuery
from tests.factories import location, profile_payload
from tests.use_cases.profiles import OTHER_REFERENT, REFERENT, ProfilesWorld

TODAY = date.today()


class FollowUpWorld(ProfilesWorld, Protocol):
    def stored_contacts(self) -> int:
        """How many contacts the store keeps, whoever they are about."""
        ...


def _person(world: FollowUpWorld, name: str, **fields: Any) -> str:
    return world.service.create(REFERENT, ProfileCreate(**profile_payload(display_name=name, **fields))).id


def _contact(world: FollowUpWorld, profile_id: str, days_ago: int, note: str = "") -> None:
    data = ContactIn(
        happened_on=TODAY - timedelta(days=days_ago), channel=ContactChannel.TELEPHONE, note=note
    )
    world.service.record_contact(REFERENT, profile_id, data)


def _names(world: FollowUpWorld, query: CaseloadQuery, caller: Caller = REFERENT) -> list[str]:
    return [p.display_name for p in world.service.caseload(caller, 50, 0, query).items]


class FollowUpUseCases:
    def test_a_contact_joins_the_history_newest_first_and_every_step_is_audited(
        self, world: FollowUpWorld
    ) -> None:
        pid = _person(world, "Mme Suivie")
        _contact(world, pid, 12, "Point sur les démarches")
        _contact(world, pid, 2, "Rappel pour l'entretien")
        contacts = world.service.contacts(REFERENT, pid)
        assert [c.note for c in contacts] == ["Rappel pour l'entretien", "Point sur les démarches"]
        assert contacts[0].recorded_by == REFERENT.subject
        actions = [e["action"] for e in world.service.audit_trail(REFERENT, pid)]
        assert actions[:3] == ["read contacts", "record contact", "record contact"]

    def test_contacts_are_the_referents_alone(self, world: FollowUpWorld) -> None:
        pid = _person(world, "Mme Privée")
        _contact(world, pid, 1, "note confidentielle")
        with pytest.raises(NotFound):
            world.service.contacts(OTHER_REFERENT, pid)
        with pytest.raises(NotFound):
            world.service.record_contact(OTHER_REFERENT, pid, ContactIn(happened_on=TODAY, channel="visio"))
        for role in (Role.EMPLOYER, Role.ANALYST):
            with pytest.raises(Forbidden):
                world.service.contacts(Caller("x", role), pid)
        actions = [e["action"] for e in world.service.audit_trail(REFERENT, pid)]
        assert "refused read contacts" in actions and "refused record contact" in actions

    def test_a_contact_dated_ahead_is_refused_and_nothing_is_kept(self, world: FollowUpWorld) -> None:
        pid = _person(world, "Mme Future")
        with pytest.raises(ValidationFailed) as refused:
            _contact(world, pid, -3)
        assert refused.value.code == "contact.in_the_future"
        assert world.service.contacts(REFERENT, pid) == []

    def test_the_caseload_searches_name_and_commune_without_case_or_accents(
        self, world: FollowUpWorld
    ) -> None:
        _person(world, "Mme Éloïse Martin", location=location("Montargis"))
        _person(world, "M. Karim Benali", location=location("Gien"))
        assert _names(world, CaseloadQuery(text="eloise")) == ["Mme Éloïse Martin"]
        assert _names(world, CaseloadQuery(text="GIEN")) == ["M. Karim Benali"]
        assert _names(world, CaseloadQuery(text="mart monta")) == ["Mme Éloïse Martin"]
        assert _names(world, CaseloadQuery(text="tin")) == []  # words are found by their start

    def test_the_caseload_filters_by_frein_that_is_still_open(self, world: FollowUpWorld) -> None:
        open_frein = [{"code": "logement", "status": "OUI", "situations": []}]
        lifted = [{"code": "logement", "status": "CLOTUREE", "situations": []}]
        _person(world, "A Logement", contraintes=open_frein)
        _person(world, "B Levé", contraintes=lifted)
        _person(world, "C Sans")
        assert _names(world, CaseloadQuery(frein="logement")) == ["A Logement"]
        assert _names(world, CaseloadQuery(frein="mobilite")) == []

    def test_the_caseload_filters_by_the_rome_family_of_the_target_jobs(self, world: FollowUpWorld) -> None:
        cariste = search_appellations("cariste")[0]
        pid = _person(world, "A Cariste")
        _person(world, "B Autre")
        world.service.update(REFERENT, pid, ProfileUpdate(appellation_codes=[cariste.code]))
        for prefix in (cariste.rome_code[0], cariste.rome_code[:3], cariste.rome_code):
            assert _names(world, CaseloadQuery(rome_family=prefix)) == ["A Cariste"]
        other_letter = "A" if cariste.rome_code[0] != "A" else "B"
        assert _names(world, CaseloadQuery(rome_family=other_letter)) == []

    def test_no_contact_since_and_the_sort_by_last_contact(self, world: FollowUpWorld) -> None:
        recent, old = _person(world, "A Récent"), _person(world, "B Ancien")
        _person(world, "C Jamais")
        _contact(world, recent, 3)
        _contact(world, old, 45)
        since = TODAY - timedelta(days=30)
        assert _names(world, CaseloadQuery(no_contact_since=since)) == ["B Ancien", "C Jamais"]
        assert _names(world, CaseloadQuery(sort=CaseloadSort.LAST_CONTACT)) == [
            "C Jamais",
            "B Ancien",
            "A Récent",
        ]
        listed = world.service.caseload(REFERENT, 10, 0).items
        assert {p.display_name: p.last_contact_on for p in listed}["A Récent"] == TODAY - timedelta(days=3)

    def test_ids_restrict_and_ranked_orders_after_the_unlisted(self, world: FollowUpWorld) -> None:
        a, _b, c = (_person(world, name) for name in ("A", "B", "C"))
        assert _names(world, CaseloadQuery(ids=(c, a))) == ["A", "C"]
        assert _names(world, CaseloadQuery(sort=CaseloadSort.RANKED, ranked=(c, a))) == ["B", "C", "A"]
        assert _names(world, CaseloadQuery(ids=())) == []

    def test_counts_and_pages_stay_within_the_callers_caseload(self, world: FollowUpWorld) -> None:
        for name in ("A", "B", "C"):
            _person(world, f"{name} Mine")
        world.service.create(OTHER_REFERENT, ProfileCreate(**profile_payload(display_name="Z Autre")))
        page = world.service.caseload(REFERENT, 2, 2, CaseloadQuery(text="mine"))
        assert (page.total, [p.display_name for p in page.items]) == (3, ["C Mine"])
        counted = world.service.caseload(REFERENT, 0, 0)
        assert (counted.total, counted.items) == (3, [])
        assert _names(world, CaseloadQuery(text="autre")) == []

    def test_a_purge_takes_the_contacts_with_the_file(self, world: FollowUpWorld) -> None:
        pid = _person(world, "Mme Partie")
        _contact(world, pid, 1, "dernier échange")
        world.service.update(REFERENT, pid, ProfileUpdate(followup_ended_on=TODAY - timedelta(days=800)))
        kept = _person(world, "Mme Suivie")
        _contact(world, kept, 1)
        assert world.stored_contacts() == 2
        assert world.service.purge_ended(TODAY - timedelta(days=730)) == 1
        assert world.stored_contacts() == 1
        assert [c.happened_on for c in world.service.contacts(REFERENT, kept)] == [TODAY - timedelta(days=1)]
