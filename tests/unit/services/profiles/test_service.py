from __future__ import annotations

from pathlib import Path

import pytest

from common.db import make_engine, migrate
from common.errors import Forbidden, NotFound
from common.identity import SYSTEM_CALLER, Caller, Role
from common.messaging.inprocess import InProcessBus
from common.outbox import OutboxRelay
from contracts.events import PROFILES_TOPIC, ProfileChanged, ProfileUpsertedV1, decode_event
from contracts.profiles import Consultation, ProfileCreate, ProfileUpdate
from services.profiles.bootstrap import MIGRATIONS
from services.profiles.service import ProfilesService
from tests.factories import profile_payload

REFERENT = Caller("r1", Role.REFERENT)
OTHER_REFERENT = Caller("r2", Role.REFERENT)


@pytest.fixture
def service(tmp_path: Path) -> ProfilesService:
    engine = make_engine(f"sqlite:///{tmp_path / 'profiles.db'}")
    migrate(engine, MIGRATIONS, "profiles_schema_version")
    return ProfilesService(engine)


def test_a_profile_joins_its_creators_caseload_only(service: ProfilesService) -> None:
    created = service.create(REFERENT, ProfileCreate(**profile_payload()))
    assert created.referent_id == "r1"
    assert service.caseload(REFERENT, 10, 0).total == 1
    assert service.caseload(OTHER_REFERENT, 10, 0).total == 0
    with pytest.raises(NotFound):
        service.get(OTHER_REFERENT, created.id)


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.ANALYST])
def test_employers_and_analysts_never_read_a_file(service: ProfilesService, role: Role) -> None:
    created = service.create(REFERENT, ProfileCreate(**profile_payload()))
    with pytest.raises(Forbidden):
        service.get(Caller("x", role), created.id)
    with pytest.raises(Forbidden):
        service.caseload(Caller("x", role), 10, 0)


def test_only_referents_create_profiles(service: ProfilesService) -> None:
    with pytest.raises(Forbidden):
        service.create(Caller("a", Role.ADMIN), ProfileCreate(**profile_payload()))


def test_reads_and_changes_are_audited(service: ProfilesService) -> None:
    created = service.create(REFERENT, ProfileCreate(**profile_payload()))
    service.get(REFERENT, created.id)
    service.update(REFERENT, created.id, ProfileUpdate(skills=["repassage"]))
    actions = [entry["action"] for entry in service.audit_trail(REFERENT, created.id)]
    assert actions == ["update", "read", "create"]


def test_events_carry_ids_and_versions_not_personal_data(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    migrate(engine, MIGRATIONS, "profiles_schema_version")
    bus = InProcessBus()
    service = ProfilesService(engine)
    created = service.create(REFERENT, ProfileCreate(**profile_payload(display_name="Jeanne Secret")))
    OutboxRelay(engine, bus.publisher()).relay_once()
    (record,) = bus.subscribe("t", [PROFILES_TOPIC]).poll(0)
    assert b"Jeanne" not in record.value and b"nettoyage" not in record.value
    event = decode_event(record.value)
    assert isinstance(event, ProfileUpsertedV1)
    assert event.payload == ProfileChanged(profile_id=created.id, version=1)


def test_matching_view_has_criteria_but_no_identity(service: ProfilesService) -> None:
    created = service.create(
        REFERENT,
        ProfileCreate(**profile_payload(contraintes=[{"code": "sante", "status": "OUI"}])),
    )
    view = service.matching_view(SYSTEM_CALLER, created.id).model_dump()
    assert "display_name" not in view and "contraintes" not in view and "referent_id" not in view
    assert view["mobility"]["max_distance_km"] == 15
    with pytest.raises(NotFound):
        service.matching_view(REFERENT, created.id)


def test_a_consultation_is_allowed_as_a_read_would_be_and_audited_under_its_name(
    service: ProfilesService,
) -> None:
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
    assert actions == ["read outcomes", "read suggestions", "create"]
