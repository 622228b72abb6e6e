"""Use cases of the loop with employers: a proposal shared with the offer's employer (when the person
agreed), the employer's answer turned into the proposal's outcome, the référent's « Réponses des
employeurs », and how responsive each employer is. Each write commits with its events in one unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from common.clock import utcnow
from common.errors import NotFound
from contracts.events import (
    OUTCOMES_TOPIC,
    OutcomeRecorded,
    OutcomeRecordedV1,
    ProposalAnswered,
    ProposalAnsweredV1,
    ProposalMade,
    ProposalMadeV1,
)
from contracts.matching import OutcomeStatus, RefusalReason
from contracts.profiles import CandidateCard
from contracts.proposals import RESPONSIVENESS_OVER_LATEST, EmployerAnswer
from services.matching.domain.outcomes import CLOSED_FOR_PERSON, Outcome, check_outcome
from services.matching.domain.proposals import (
    EmployerProposal,
    ResponsivenessFigures,
    relevant_skills,
    responsiveness,
)
from services.matching.units import MatchingUnitOfWork, MatchingUnitOfWorkFactory


def write_outcome(uow: MatchingUnitOfWork, outcome: Outcome) -> None:
    """Check the step against the proposal's last one, keep it, and put its `outcome.recorded` event in
    the outbox (same unit of work)."""
    check_outcome(outcome.status, outcome.reason, uow.outcomes.latest(outcome.profile_id, outcome.offer_id))
    uow.outcomes.add(outcome)
    payload = OutcomeRecorded(
        profile_id=outcome.profile_id,
        offer_id=outcome.offer_id,
        status=outcome.status.value,
        reason=outcome.reason.value if outcome.reason else None,
    )
    uow.outbox.add(OUTCOMES_TOPIC, OutcomeRecordedV1(key=outcome.profile_id, payload=payload))


def follow_proposal(
    uow: MatchingUnitOfWork, outcome: Outcome, card: CandidateCard | None, offer_skills: Sequence[str]
) -> None:
    """What a référent's outcome does to the employer's side: a proposal with the person's consent (a
    card) is shared with the employer; a proposal the référent closes takes no more answers."""
    if outcome.status == OutcomeStatus.PROPOSED and card is not None:
        proposal = EmployerProposal(
            profile_id=outcome.profile_id,
            offer_id=outcome.offer_id,
            employer_id=outcome.employer_id,
            referent_id=outcome.recorded_by,
            shown_name=card.shown_name,
            relevant_skills=relevant_skills(card.skills, offer_skills),
            available_from=card.available_from,
            proposed_at=outcome.recorded_at,
        )
        uow.proposals.add(proposal)
        made = ProposalMade(
            proposal_id=proposal.id,
            profile_id=proposal.profile_id,
            offer_id=proposal.offer_id,
            employer_id=proposal.employer_id,
        )
        uow.outbox.add(OUTCOMES_TOPIC, ProposalMadeV1(key=proposal.profile_id, payload=made))
    elif outcome.status in CLOSED_FOR_PERSON:
        shared = uow.proposals.open_one(outcome.profile_id, outcome.offer_id)
        if shared is not None:
            shared.closed = True
            uow.proposals.save(shared)


@dataclass
class EmployerProposals:
    """`units_of_work`: matching's store (the same factory as MatchingService's)."""

    units_of_work: MatchingUnitOfWorkFactory
    now: Callable[[], datetime] = utcnow

    def for_employer(self, employer_id: str, limit: int = 200) -> list[EmployerProposal]:
        with self.units_of_work() as uow:
            return uow.proposals.for_employer(employer_id, limit)

    def answer(
        self,
        employer_id: str,
        proposal_id: str,
        answer: EmployerAnswer,
        reason: RefusalReason | None,
        question: str | None,
    ) -> EmployerProposal:
        """The employer's answer: kept on the proposal, recorded as its outcome (by the employer), and
        published as `proposal.answered` — all in one commit, or nothing."""
        with self.units_of_work() as uow:
            proposal = uow.proposals.get(proposal_id, for_update=True)
            if proposal is None or proposal.employer_id != employer_id:
                # Same answer for someone else's proposal: it is not revealed.
                raise NotFound(f"No proposal {proposal_id}.", code="proposal.not_found")
            now = self.now()
            status = proposal.take_answer(answer, reason, question, now)
            if status is not None:
                outcome = Outcome(
                    proposal.profile_id, proposal.offer_id, employer_id, status, reason, employer_id, now
                )
                write_outcome(uow, outcome)
            uow.proposals.save(proposal)
            answered = ProposalAnswered(
                proposal_id=proposal.id,
                profile_id=proposal.profile_id,
                offer_id=proposal.offer_id,
                employer_id=employer_id,
                answer=answer.value,
                reason=reason.value if reason else None,
            )
            uow.outbox.add(OUTCOMES_TOPIC, ProposalAnsweredV1(key=proposal.profile_id, payload=answered))
            uow.commit()
        return proposal

    def answers_for_referent(self, referent_id: str, limit: int = 100) -> tuple[list[EmployerProposal], int]:
        """The employers' latest answers to the référent's proposals, and how many are unread."""
        with self.units_of_work() as uow:
            answered = uow.proposals.answered_for_referent(referent_id, limit)
        return answered, sum(p.unread for p in answered)

    def mark_read(self, referent_id: str) -> int:
        with self.units_of_work() as uow:
            marked = uow.proposals.mark_read(referent_id)
            uow.commit()
        return marked

    def responsiveness(self, employer_ids: Collection[str]) -> dict[str, ResponsivenessFigures]:
        with self.units_of_work() as uow:
            timings = uow.proposals.timings(set(employer_ids), RESPONSIVENESS_OVER_LATEST)
        return {employer: responsiveness(employer, rows) for employer, rows in timings.items()}
