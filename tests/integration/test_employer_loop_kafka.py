"""A proposal reaches the employer and their answer comes back: matching's store on PostgreSQL, its outbox
relayed to real Kafka. What a consumer reads on the topic is the proposal's story in order — ids and codes
only. The person's consent comes from the profiles service's use cases in process (its store on SQLite) and
the offer from a local index: neither is what this test is about (tests/integration/test_postgres_stores.py
and tests/contract cover them on the real servers)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from common.db import make_engine, migrate
from common.identity import Caller, Role
from common.messaging.kafka import KafkaBus
from common.outbox import OutboxRelay
from contracts.events import (
    OUTCOMES_TOPIC,
    EventEnvelope,
    OutcomeRecordedV1,
    ProposalAnsweredV1,
    ProposalMadeV1,
    decode_event,
)
from contracts.matching import OutcomeStatus
from contracts.offers import OfferPublic
from contracts.profiles import EmployerSharing, ProfileCreate, ProfileUpdate
from contracts.proposals import EmployerAnswer
from maillage.in_process import InProcessProfileSource
from services.matching.adapters.encoders import HashingEncoder
from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.adapters.sql import sql_units_of_work as matching_units_of_work
from services.matching.bootstrap import MIGRATIONS as MATCHING_MIGRATIONS
from services.matching.employer_proposals import EmployerProposals
from services.matching.service import MatchingService
from services.profiles.adapters.sql import sql_units_of_work as profiles_units_of_work
from services.profiles.bootstrap import MIGRATIONS as PROFILES_MIGRATIONS
from services.profiles.service import ProfilesService
from tests.factories import offer_payload, profile_payload


class NoOffers:
    def iter_offers(self, page_size: int = 500):  # type: ignore[no-untyped-def]
        return iter(())


def _offer(employer_id: str) -> OfferPublic:
    now = datetime.now(UTC)
    return OfferPublic(
        **offer_payload(),
        id=uuid.uuid4().hex,
        employer_id=employer_id,
        status="active",
        version=1,
        expires_on=date.today() + timedelta(days=30),
        created_at=now,
        updated_at=now,
    )


def _read(bus: KafkaBus, group: str, wanted: int) -> list[EventEnvelope]:
    subscription = bus.subscribe(group, [OUTCOMES_TOPIC])
    events: list[EventEnvelope] = []
    deadline = time.monotonic() + 60
    while len(events) < wanted and time.monotonic() < deadline:
        events += [decode_event(record.value) for record in subscription.poll(1.0)]
    subscription.close()
    return events


def test_a_proposal_and_its_answer_flow_through_the_outbox_into_kafka(
    fresh_postgres_db: str, kafka_bootstrap: str, tmp_path: Path
) -> None:
    run = uuid.uuid4().hex[:8]
    bus = KafkaBus(kafka_bootstrap, client_id=f"it-{run}", topic_prefix=f"it-{run}-")
    bus.ensure_topics([OUTCOMES_TOPIC], 3)

    profiles_engine = make_engine(f"sqlite:///{tmp_path / 'profiles.db'}")
    migrate(profiles_engine, PROFILES_MIGRATIONS, "profiles_schema_version")
    profiles = ProfilesService(profiles_units_of_work(profiles_engine))
    referent = Caller(f"r-{run}", Role.REFERENT)
    person = profiles.create(referent, ProfileCreate(**profile_payload(display_name="Sophie Martin")))
    profiles.update(referent, person.id, ProfileUpdate(employer_sharing=EmployerSharing.FIRST_NAME))

    engine = make_engine(fresh_postgres_db)
    migrate(engine, MATCHING_MIGRATIONS, "matching_schema_version")
    units = matching_units_of_work(engine)
    source = InProcessProfileSource(profiles)
    index = LocalOfferIndex(str(tmp_path / "i.db"), 64)
    matching = MatchingService(units, index, HashingEncoder(64), source, NoOffers(), cards=source)
    employer = f"e-{run}"
    offer = _offer(employer)
    matching.index_offers([offer])

    matching.record_outcome(person.id, offer.id, OutcomeStatus.PROPOSED, None, referent.subject)
    proposals = EmployerProposals(units)
    (shared,) = proposals.for_employer(employer)
    assert (shared.shown_name, shared.relevant_skills) == ("Sophie", ("nettoyage des locaux",))
    proposals.answer(employer, shared.id, EmployerAnswer.INTERVIEW, None, None)

    relay = OutboxRelay(engine, bus.publisher())
    assert relay.relay_once() == 4
    events = _read(bus, f"it-reader-{run}", 4)
    story = [OutcomeRecordedV1, ProposalMadeV1, OutcomeRecordedV1, ProposalAnsweredV1]
    assert [type(e) for e in events] == story
    assert {e.key for e in events} == {person.id}
    made, answered = events[1], events[3]
    assert isinstance(made, ProposalMadeV1) and isinstance(answered, ProposalAnsweredV1)
    assert made.payload.proposal_id == answered.payload.proposal_id == shared.id
    assert (answered.payload.employer_id, answered.payload.answer) == (employer, "interview")
    assert b"Sophie" not in b"".join(e.to_bytes() for e in events)  # the card never travels
    assert relay.relay_once() == 0  # each event is sent once
