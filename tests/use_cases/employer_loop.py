"""The loop with employers — a proposal shared with the offer's employer when the person agreed, the
employer's answer becoming the proposal's outcome, the référent's unread answers, responsiveness and its
weight in ranking — on whichever unit of work the subclass's `world` fixture gives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Protocol

import pytest

from common.clock import utcnow
from common.errors import Conflict, NotFound, ValidationFailed
from contracts.events import (
    EventEnvelope,
    OutcomeRecordedV1,
    ProposalAnsweredV1,
    ProposalMadeV1,
)
from contracts.matching import OutcomeStatus, RefusalReason
from contracts.profiles import CandidateCard
from contracts.proposals import EmployerAnswer
from services.matching.employer_proposals import EmployerProposals
from services.matching.service import MatchingService
from services.matching.units import MatchingUnitOfWorkFactory
from tests.use_cases.matching import KnownProfiles, matching_service, person

PROPOSED = OutcomeStatus.PROPOSED
INTERVIEW, HIRED = EmployerAnswer.INTERVIEW, EmployerAnswer.HIRED
NOT_RETAINED, QUESTION = EmployerAnswer.NOT_RETAINED, EmployerAnswer.QUESTION


class KnownCards:
    """The profiles service's cards as matching sees them (a fake of the CandidateCardSource port): only
    the people listed agreed to share."""

    def __init__(self) -> None:
        self.cards: dict[str, CandidateCard] = {}
        self.asked: list[str] = []

    def candidate_card(self, profile_id: str) -> CandidateCard | None:
        self.asked.append(profile_id)
        return self.cards.get(profile_id)


class Clock:
    """The time as the use cases read it: now, moved forward by `ahead`."""

    def __init__(self) -> None:
        self.ahead = timedelta(0)

    def __call__(self) -> datetime:
        return utcnow() + self.ahead


class LoopWorld(Protocol):
    service: MatchingService
    proposals: EmployerProposals
    cards: KnownCards
    clock: Clock

    def events(self) -> list[EventEnvelope]:
        """Every event in the outbox, decoded, in the order it was written."""
        ...


def loop_parts(
    units_of_work: MatchingUnitOfWorkFactory, index_dir: Path
) -> tuple[MatchingService, EmployerProposals, KnownCards, Clock]:
    """Matching on this store (offers o1 of employer e1 and o2 of e2, asking for « nettoyage des
    locaux »), with the cards of KnownCards and a clock the test moves."""
    service = matching_service(units_of_work, index_dir)
    cards, clock = KnownCards(), Clock()
    service.cards = cards
    service.now = clock
    return service, EmployerProposals(units_of_work, now=clock), cards, clock


def known_profiles(world: LoopWorld) -> KnownProfiles:
    profiles = world.service.profiles
    assert isinstance(profiles, KnownProfiles)
    return profiles


def agree(world: LoopWorld, profile_id: str, name: str | None = "S. M.") -> None:
    world.cards.cards[profile_id] = CandidateCard(
        profile_id=profile_id,
        shown_name=name,
        skills=["Nettoyage des locaux", "conduite de chariot"],
        available_from=date(2027, 1, 4),
    )


def shared_with(world: LoopWorld, employer_id: str) -> list[str]:
    return [p.id for p in world.proposals.for_employer(employer_id)]


class EmployerLoopUseCases:
    def test_without_consent_the_proposal_stays_with_the_referent(self, world: LoopWorld) -> None:
        world.service.record_outcome("p1", "o1", PROPOSED, None, "r1")
        assert shared_with(world, "e1") == []
        assert [type(e) for e in world.events()] == [OutcomeRecordedV1]

    def test_with_consent_the_employer_gets_the_card_and_nothing_else(self, world: LoopWorld) -> None:
        agree(world, "p1")
        world.service.record_outcome("p1", "o1", PROPOSED, None, "r1")
        (card,) = world.proposals.for_employer("e1")
        assert (card.shown_name, card.relevant_skills, card.available_from) == (
            "S. M.",
            ("Nettoyage des locaux",),  # the offer asks for it; « conduite de chariot » is not shown
            date(2027, 1, 4),
        )
        assert card.referent_id == "r1" and shared_with(world, "e2") == []
        (made,) = [e for e in world.events() if isinstance(e, ProposalMadeV1)]
        assert made.key == "p1"
        assert made.payload.model_dump() == {
            "proposal_id": card.id,
            "profile_id": "p1",
            "offer_id": "o1",
            "employer_id": "e1",
        }

    def test_interview_then_hired_become_the_outcomes_the_referent_sees(self, world: LoopWorld) -> None:
        agree(world, "p1")
        world.service.record_outcome("p1", "o1", PROPOSED, None, "r1")
        (proposal_id,) = shared_with(world, "e1")
        world.proposals.answer("e1", proposal_id, INTERVIEW, None, None)
        answers, unread = world.proposals.answers_for_referent("r1")
        assert [(a.answer, a.unread) for a in answers] == [(INTERVIEW, True)] and unread == 1
        assert world.proposals.mark_read("r1") == 1
        assert world.proposals.answers_for_referent("r1")[1] == 0
        world.clock.ahead = timedelta(minutes=1)
        world.proposals.answer("e1", proposal_id, HIRED, None, None)
        history = world.service.outcomes("p1")
        assert [(h["status"], h["recorded_by"]) for h in history] == [
            ("accepted", "e1"),
            ("interview", "e1"),
            ("proposed", "r1"),
        ]
        answered = [e for e in world.events() if isinstance(e, ProposalAnsweredV1)]
        assert [e.payload.answer for e in answered] == ["interview", "hired"]
        with pytest.raises(Conflict):  # hired closes the proposal
            world.proposals.answer("e1", proposal_id, QUESTION, None, "Et ensuite ?")

    def test_not_retained_takes_a_reason_from_the_employers_list_and_closes_the_offer_for_the_person(
        self, world: LoopWorld
    ) -> None:
        known_profiles(world).views["p1"] = person("p1", 1)
        agree(world, "p1")
        world.service.record_outcome("p1", "o1", PROPOSED, None, "r1")
        (proposal_id,) = shared_with(world, "e1")
        refusals: list[tuple[RefusalReason | None, str]] = [
            (None, "proposal.reason_needed"),
            (RefusalReason.INCOMPATIBLE, "proposal.reason_not_for_employers"),
            (RefusalReason.NO_ANSWER, "proposal.reason_not_for_employers"),
        ]
        for reason, code in refusals:
            with pytest.raises(ValidationFailed) as refused:
                world.proposals.answer("e1", proposal_id, NOT_RETAINED, reason, None)
            assert refused.value.code == code
        world.proposals.answer("e1", proposal_id, NOT_RETAINED, RefusalReason.POSITION_FILLED, None)
        latest = world.service.outcomes("p1")[0]
        assert (latest["status"], latest["reason"]) == ("refused", "position_filled")
        assert "o1" not in {s.offer_id for s in world.service.suggest("p1", 5).items}

    def test_a_question_is_an_answer_but_not_an_outcome_and_its_words_stay_out_of_events(
        self, world: LoopWorld
    ) -> None:
        agree(world, "p1")
        world.service.record_outcome("p1", "o1", PROPOSED, None, "r1")
        (proposal_id,) = shared_with(world, "e1")
        with pytest.raises(ValidationFailed):
            world.proposals.answer("e1", proposal_id, QUESTION, None, None)
        with pytest.raises(ValidationFailed):
            world.proposals.answer("e1", proposal_id, INTERVIEW, None, "Disponible le matin ?")
        world.proposals.answer("e1", proposal_id, QUESTION, None, "Disponible le matin ?")
        assert [h["status"] for h in world.service.outcomes("p1")] == ["proposed"]
        (answer,), unread = world.proposals.answers_for_referent("r1")
        assert (answer.question, answer.closed, unread) == ("Disponible le matin ?", False, 1)
        assert b"matin" not in b"".join(e.to_bytes() for e in world.events())

    def test_an_employer_answers_only_their_own_proposals(self, world: LoopWorld) -> None:
        agree(world, "p1")
        world.service.record_outcome("p1", "o1", PROPOSED, None, "r1")
        (proposal_id,) = shared_with(world, "e1")
        with pytest.raises(NotFound):
            world.proposals.answer("e2", proposal_id, HIRED, None, None)
        assert world.service.outcomes("p1")[0]["status"] == "proposed" and shared_with(world, "e2") == []

    def test_a_proposal_the_referent_closed_takes_no_answer(self, world: LoopWorld) -> None:
        agree(world, "p1")
        world.service.record_outcome("p1", "o1", PROPOSED, None, "r1")
        world.service.record_outcome("p1", "o1", OutcomeStatus.WITHDRAWN, None, "r1")
        (proposal_id,) = shared_with(world, "e1")
        with pytest.raises(Conflict):
            world.proposals.answer("e1", proposal_id, INTERVIEW, None, None)

    def test_a_repeated_proposal_asks_no_card_and_shares_nothing_twice(self, world: LoopWorld) -> None:
        agree(world, "p1")
        world.service.record_outcome("p1", "o1", PROPOSED, None, "r1")
        with pytest.raises(ValidationFailed):
            world.service.record_outcome("p1", "o1", PROPOSED, None, "r1")
        assert world.cards.asked == ["p1"] and len(shared_with(world, "e1")) == 1

    def test_responsiveness_is_the_median_time_to_a_first_answer_and_the_share_answered(
        self, world: LoopWorld
    ) -> None:
        for profile_id in ("p1", "p2"):
            agree(world, profile_id)
            world.service.record_outcome(profile_id, "o1", PROPOSED, None, "r1")
        first, _ = shared_with(world, "e1")
        world.clock.ahead = timedelta(hours=48)
        world.proposals.answer("e1", first, INTERVIEW, None, None)
        figures = world.proposals.responsiveness(["e1", "e2"])
        e1, e2 = figures["e1"], figures["e2"]
        assert (e1.shared, e1.answered, e1.answered_share) == (2, 1, 0.5)
        assert e1.median_hours is not None and 47.9 <= e1.median_hours <= 48.1
        assert e1.summary() == "Répond en général sous 2 jours ; 1 proposition(s) sur 2 ont reçu une réponse."
        assert e1.for_the_employer()[0] is None  # 2 proposals: too few to show the employer
        assert (e2.shared, e2.median_hours) == (0, None)

    def test_proposals_left_unanswered_past_the_delay_lower_the_employer(self, world: LoopWorld) -> None:
        profiles = known_profiles(world)
        profiles.views.update({"p1": person("p1", 1), "p2": person("p2", 1)})
        before = {s.offer_id: s.score for s in world.service.suggest("p2", 5).items}
        agree(world, "p1")
        world.service.record_outcome("p1", "o1", PROPOSED, None, "r1")
        world.clock.ahead = timedelta(days=13)
        assert {s.offer_id: s.score for s in world.service.suggest("p2", 5).items} == before
        world.clock.ahead = timedelta(days=15)
        after = {s.offer_id: s.score for s in world.service.suggest("p2", 5).items}
        assert after["o1"] < before["o1"] and after["o2"] == before["o2"]

    def test_a_forgotten_person_leaves_nothing_with_employers(self, world: LoopWorld) -> None:
        agree(world, "p1")
        world.service.record_outcome("p1", "o1", PROPOSED, None, "r1")
        world.service._forget_profile("p1")
        assert shared_with(world, "e1") == []


class Loop:
    """A LoopWorld on a store: its units of work, and a way to read what its outbox holds."""

    def __init__(
        self,
        units_of_work: MatchingUnitOfWorkFactory,
        index_dir: Path,
        events: Callable[[], list[EventEnvelope]],
    ) -> None:
        self.service, self.proposals, self.cards, self.clock = loop_parts(units_of_work, index_dir)
        self._events = events

    def events(self) -> list[EventEnvelope]:
        return self._events()
